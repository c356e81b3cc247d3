package dev.bosun.session;

/**
 * Which of a session's worker logs to read: what the worker wrote to stdout or to stderr. A value of
 * the session model, not of {@code SessionManager}, so the supervisor that reads the files need not
 * depend on the front door.
 */
public enum LogStream {
    STDOUT,
    STDERR
}
