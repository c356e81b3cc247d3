/**
 * The worker supervisor: one {@code SupervisedSession} per session, outbox ingestion, inbox delivery and recovery after a restart (D89).
 *
 * <p><strong>Internal: not API.</strong> See {@link dev.bosun.internal}.
 */
package dev.bosun.internal.worker;
