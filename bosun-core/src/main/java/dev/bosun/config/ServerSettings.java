package dev.bosun.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the HTTP server ({@code bosun serve}); the library ignores them.
 *
 * @param host               address to bind; without API keys only a loopback address is allowed
 * @param port               TCP port; 0 picks a free one
 * @param apiKeys            SHA-256 (hex) of each API key → the tenant it belongs to; empty means no auth
 * @param rateLimit          sustained requests per second allowed per API key (or per client without keys);
 *                           0 means no limit (the keyless default, where every client is local)
 * @param rateBurst          requests a key may make at once above the sustained rate
 * @param maxStreams         cap on concurrent long-polls and SSE streams on this server
 * @param maxRequestBytes    cap on a request body
 * @param maxStreamsPerTenant cap on one tenant's concurrent long-polls and SSE streams
 * @param sseKeepAlive       period of the SSE keep-alive comment, which also finds vanished clients
 * @param allowedHosts       host names (besides loopback ones) a request's {@code Host} may name
 * @param corsOrigins        browser origins allowed to call the API cross-site ({@code *} for any)
 * @param authFailureRate    failed authentications per second allowed per client address (burst twice that)
 * @param idleTimeout        a connection with no I/O for this long is closed
 * @param headerTimeout      a request whose headers take longer than this to arrive is cut off
 * @param ops                logs, metrics access and shutdown ({@code log_format}, {@code log_level},
 *                           {@code metrics_auth}, {@code shutdown_grace})
 */
public record ServerSettings(
        String host,
        int port,
        Map<String, String> apiKeys,
        int rateLimit,
        int rateBurst,
        int maxStreams,
        long maxRequestBytes,
        int maxStreamsPerTenant,
        Duration sseKeepAlive,
        List<String> allowedHosts,
        List<String> corsOrigins,
        int authFailureRate,
        Duration idleTimeout,
        Duration headerTimeout,
        OpsSettings ops) {
    public ServerSettings {
        apiKeys = Map.copyOf(apiKeys);
        allowedHosts = List.copyOf(allowedHosts);
        corsOrigins = List.copyOf(corsOrigins);
    }

    public boolean authEnabled() {
        return !apiKeys.isEmpty();
    }
}
