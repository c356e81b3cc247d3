package dev.bosun.idempotency;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A request's claim on an idempotency key: who sent it (tenant), where (route: method and path), the
 * key, and the hash of the request body it was first used with.
 *
 * @param tenant      the caller's tenant; keys of different tenants never meet
 * @param route       method and request path, e.g. {@code POST /v1/sessions}
 * @param key         the client's {@code Idempotency-Key}
 * @param requestHash hex SHA-256 of the request body
 * @param createdAt   when the first request arrived
 * @param expiresAt   when the key may be purged (created plus the configured window)
 */
public record IdempotencyClaim(
        String tenant, String route, String key, String requestHash, Instant createdAt, Instant expiresAt) {
    public IdempotencyClaim {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(requestHash, "requestHash");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** The error for a second request that found this key taken by one still being answered. */
    public BosunException inProgress() {
        return new BosunException(
                ErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
                "Idempotency-Key '" + key + "' is in use by a request that is still being answered; retry shortly",
                Map.of("field", "Idempotency-Key", "retry_after_seconds", 1));
    }
}
