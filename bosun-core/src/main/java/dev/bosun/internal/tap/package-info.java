/**
 * The in-process consumers of the committed event log: the tap that hands events to listeners in seq order, and the notifier that wakes long-polls.
 *
 * <p><strong>Internal: not API.</strong> See {@link dev.bosun.internal}.
 */
package dev.bosun.internal.tap;
