package dev.bosun.error;

/**
 * The stable, closed set of error codes Bosun reports. The HTTP server maps each code to one status
 * once, at its edge; library users switch on the code rather than on message text.
 */
public enum ErrorCode {
    /** The request itself is wrong: a field is missing, malformed or out of its allowed range. */
    INVALID_ARGUMENT,
    /** Missing or unknown API key (HTTP 401). */
    UNAUTHENTICATED,
    /** The session, task or other named thing does not exist (or is not visible to the caller). */
    NOT_FOUND,
    /** The request is well formed but conflicts with current state: an ended session, a duplicate id. */
    CONFLICT,
    /** A message or payload is larger than the configured limit. */
    PAYLOAD_TOO_LARGE,
    /** Routing found no registered agent with every required capability (and no fallback was asked for). */
    NO_CAPABLE_AGENT,
    /** A configured cap (concurrent sessions, tasks per session, rate) has been reached. */
    LIMIT_REACHED,
    /** Sessions are turned off in this deployment ({@code sessions_enabled=false}). */
    SESSIONS_DISABLED,
    /** A request body that is not {@code application/json} (HTTP 415). */
    UNSUPPORTED_MEDIA_TYPE,
    /**
     * The request is refused whoever sends it: a {@code Host} the server does not answer for, or a
     * browser's cross-site {@code Origin} that CORS does not allow (HTTP 403).
     */
    FORBIDDEN,
    /** The request line's URI is longer than the server reads (HTTP 414). */
    URI_TOO_LONG,
    /** The request's headers are larger than the server reads (HTTP 431). */
    HEADERS_TOO_LARGE,
    /** A dependency (the store, a runtime) is not available right now; retrying later may succeed. */
    UNAVAILABLE,
    /**
     * The disk that holds the store or the workspaces is full, or below the configured free-space
     * floor ({@code min_free_disk}): nothing was written; retry once space has been freed (HTTP 507).
     */
    INSUFFICIENT_STORAGE,
    /**
     * An {@code Idempotency-Key} was used again on the same route with a different request body
     * (HTTP 422): the key names one logical call; send a new key for a new call.
     */
    IDEMPOTENCY_KEY_REUSED,
    /**
     * A request with this {@code Idempotency-Key} is still being answered (HTTP 409, with
     * {@code Retry-After}): retry shortly and get its stored answer.
     */
    IDEMPOTENCY_KEY_IN_PROGRESS,
    /** A bug or an unexpected failure inside Bosun. */
    INTERNAL
}
