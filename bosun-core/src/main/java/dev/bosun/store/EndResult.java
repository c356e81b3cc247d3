package dev.bosun.store;

import dev.bosun.session.Session;

/**
 * The result of an end request: the session as it now is, and whether this request ended it
 * ({@code false} when it had already ended or the precondition no longer held).
 */
public record EndResult(Session session, boolean transitioned, int cancelledTasks) {}
