package dev.bosun.idempotency;

import java.util.Optional;

/**
 * A stored idempotency key. The key is written in the same transaction as the request's effect; the
 * response follows right after it was rendered, so {@code response} is empty only while the first
 * request is still being answered, or if its node died between the commit and the answer.
 *
 * @param claim     the key and what it was first used with
 * @param sessionId the session the effect touched, if any (for answering a key whose response was lost)
 * @param response  the first request's answer, once it is stored
 */
public record IdempotencyRecord(
        IdempotencyClaim claim, Optional<String> sessionId, Optional<StoredResponse> response) {}
