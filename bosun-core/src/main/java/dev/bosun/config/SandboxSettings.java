package dev.bosun.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The operator's side of sandbox policy, which no profile or request can override.
 *
 * @param allowNetwork      whether any worker may have a network at all; a profile's {@code network: true}
 *                          only takes effect when this is true too
 * @param dockerSocket      the Docker Engine's unix socket
 * @param reconcileInterval how often running workers are checked against the sessions they belong to
 */
public record SandboxSettings(boolean allowNetwork, Path dockerSocket, Duration reconcileInterval) {
    /** The defaults of docs/CONFIG.md: no network, the standard socket, every 60 s. */
    public static final SandboxSettings DEFAULTS =
            new SandboxSettings(false, Path.of("/var/run/docker.sock"), Duration.ofSeconds(60));
}
