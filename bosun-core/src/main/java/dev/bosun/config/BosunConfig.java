package dev.bosun.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Server-wide configuration: defaults, limits and worker profiles. Built by {@link ConfigLoader}
 * from defaults &lt; config file (YAML, snake_case keys) &lt; environment ({@code BOSUN_*}) &lt;
 * explicit code, and validated as a whole: an invalid value fails with one message naming the
 * field, the value and the allowed range. Every key is documented in docs/CONFIG.md.
 *
 * @param sessionsEnabled  the gate: false refuses every new session with SESSIONS_DISABLED
 * @param dataDir          where the SQLite file and session workspaces live
 * @param nodeId           this node's name, recorded on the sessions it owns and on worker labels
 * @param idleTimeout      default idle timeout (per-session overrides: 30 s..the session's ttl)
 * @param ttl              default and maximum time to live of a session
 * @param maxMessageBytes  largest payload accepted by send/emit, and largest outbox file ingested
 * @param maxEventsPerPoll largest {@code limit} a poll may ask for
 * @param maxPollWait      longest {@code wait} a poll may ask for
 * @param maxTasks         default and maximum tasks per session
 * @param taskTimeout      default per-task timeout
 * @param maxSessions      cap on concurrent (not yet ended) sessions
 * @param retention        how long ended sessions and their events are kept before they are purged
 * @param idempotencyWindow how long the HTTP API keeps an {@code Idempotency-Key} and its answer (D78)
 * @param startupTimeout   default startup deadline for workers (profiles may override)
 * @param outboxRescan     period of the outbox rescan that backs up the file-system watch
 * @param workerLogMaxBytes bound on each of a worker's stdout and stderr log files
 * @param modelCache       a directory (absolute path) or Docker volume name mounted read-only into workers
 * @param profiles         worker profiles by name
 * @param server           settings of the HTTP server (ignored by the library)
 * @param routing          fleet routing: the built-in H¹ router or a remote one
 * @param tiles            checkpoint tiles for PLATO
 * @param delivery         delivery of tiles and webhooks; listener timeouts
 * @param patterns         thresholds of the patterns named at session end
 * @param store            the store: SQLite in {@code data_dir}, or a PostgreSQL database nodes share
 * @param sandbox          the operator's sandbox policy: network, Docker socket, reconciliation period
 * @param jsonLimits       shape limits of tenants' JSON values: {@code max_json_depth}, {@code max_json_keys},
 *                         {@code max_json_string_bytes}
 */
public record BosunConfig(
        boolean sessionsEnabled,
        Path dataDir,
        String nodeId,
        Duration idleTimeout,
        Duration ttl,
        int maxMessageBytes,
        int maxEventsPerPoll,
        Duration maxPollWait,
        int maxTasks,
        Duration taskTimeout,
        int maxSessions,
        Duration retention,
        Duration idempotencyWindow,
        Duration startupTimeout,
        Duration outboxRescan,
        long workerLogMaxBytes,
        Optional<String> modelCache,
        Map<String, Profile> profiles,
        ServerSettings server,
        RoutingSettings routing,
        TileSettings tiles,
        DeliverySettings delivery,
        PatternSettings patterns,
        StoreSettings store,
        SandboxSettings sandbox,
        dev.bosun.json.JsonLimits jsonLimits) {

    public BosunConfig {
        profiles = Map.copyOf(profiles);
    }

    public Optional<Profile> profile(String name) {
        return Optional.ofNullable(profiles.get(name));
    }
}
