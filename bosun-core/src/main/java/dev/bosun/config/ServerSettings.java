package dev.bosun.config;

import java.util.Map;

/**
 * Settings of the HTTP server ({@code bosun serve}); the library ignores them.
 *
 * @param host            address to bind; without API keys only a loopback address is allowed
 * @param port            TCP port; 0 picks a free one
 * @param apiKeys         SHA-256 (hex) of each API key → the tenant it belongs to; empty means no auth
 * @param rateLimit       sustained requests per second allowed per API key (or per client without keys)
 * @param rateBurst       requests a key may make at once above the sustained rate
 * @param maxStreams      cap on concurrent long-polls and SSE streams on this server
 * @param maxRequestBytes cap on a request body
 */
public record ServerSettings(String host, int port, Map<String, String> apiKeys, int rateLimit, int rateBurst,
                             int maxStreams, long maxRequestBytes) {
    public ServerSettings {
        apiKeys = Map.copyOf(apiKeys);
    }

    public boolean authEnabled() { return !apiKeys.isEmpty(); }
}
