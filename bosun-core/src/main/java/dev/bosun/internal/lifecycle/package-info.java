/**
 * The ordered start and reverse stop of the session manager's components.
 *
 * <p><strong>Internal: not API.</strong> See {@link dev.bosun.internal}.
 */
package dev.bosun.internal.lifecycle;
