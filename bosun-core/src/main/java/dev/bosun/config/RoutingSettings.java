package dev.bosun.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Fleet routing settings.
 *
 * @param enabled          route tasks added with required capabilities to an agent as they are added
 * @param remoteUrl        a fleet-h1-router to use instead of the built-in router
 * @param fallbackLocal    when the remote router fails, route with the built-in one (with a warning)
 * @param fallbackAny      when no agent has every required capability, route to any agent
 * @param emergenceOffset  emergence is β₁ &gt; V + offset
 * @param minConfidence    floor of a decision's confidence
 * @param window           how long edges of ended tasks stay in the graph
 * @param compatPaths      also serve the fleet-h1-router contract at its bare paths (/route, /status, …)
 * @param remoteTimeout    how long a call to the remote router may take
 * @param remoteSyncInterval how often the remote router's registry is compared with Bosun's (and brought in step)
 */
public record RoutingSettings(
        boolean enabled,
        Optional<URI> remoteUrl,
        boolean fallbackLocal,
        boolean fallbackAny,
        int emergenceOffset,
        double minConfidence,
        Duration window,
        boolean compatPaths,
        Duration remoteTimeout,
        Duration remoteSyncInterval) {}
