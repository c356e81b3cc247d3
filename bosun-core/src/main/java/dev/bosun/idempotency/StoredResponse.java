package dev.bosun.idempotency;

/**
 * The answer given to the first request with a key, replayed to its repeats.
 *
 * @param status the HTTP status
 * @param body   the response body (JSON text)
 */
public record StoredResponse(int status, String body) {}
