package dev.bosun.server.auth;

import dev.bosun.config.ServerSettings;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer-token authentication against hashed keys. Only SHA-256 digests are configured, so neither
 * the config file nor the environment holds a usable key; lookups compare digests, not keys.
 */
public final class ApiKeys {
    /** The tenant of every request when no keys are configured. */
    public static final String DEFAULT_TENANT = "default";

    private final Map<String, String> tenantByHash;

    public ApiKeys(ServerSettings settings) {
        this.tenantByHash = settings.apiKeys();
    }

    public boolean enabled() {
        return !tenantByHash.isEmpty();
    }

    /** The caller's tenant, from an {@code Authorization} header value; UNAUTHENTICATED if it is not a known key. */
    public String tenant(Optional<String> authorization) {
        if (!enabled()) return DEFAULT_TENANT;
        String header = authorization.orElseThrow(() -> new BosunException(
                ErrorCode.UNAUTHENTICATED, "an API key is required: send 'Authorization: Bearer <key>'"));
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            throw new BosunException(ErrorCode.UNAUTHENTICATED, "the Authorization header must be 'Bearer <key>'");
        }
        String tenant = tenantByHash.get(sha256(header.substring(7).strip()));
        if (tenant == null) throw new BosunException(ErrorCode.UNAUTHENTICATED, "unknown API key");
        return tenant;
    }

    /** Hex SHA-256 of a key: what an operator puts in {@code api_keys} as {@code tenant:<hash>}. */
    public static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
