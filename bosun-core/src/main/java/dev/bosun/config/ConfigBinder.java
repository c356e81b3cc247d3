package dev.bosun.config;

import dev.bosun.error.BosunException;
import dev.bosun.json.JsonLimits;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns the merged raw settings (one {@link RawValue} per key, already layered) into a validated
 * {@link BosunConfig}. Fields are checked in declaration order and the first invalid one fails the
 * whole load, so the operator always gets exactly one message to act on.
 */
final class ConfigBinder {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern VOLUME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final String MODEL_CACHE_RULE = "an absolute path to an existing readable directory, or a "
            + "Docker volume name (a letter or digit, then up to 127 of A-Z a-z 0-9 _ . -), or empty for none";

    private final Map<String, RawValue> raw;
    private final java.util.function.Consumer<ConfigClamp> clamps;

    private ConfigBinder(Map<String, RawValue> raw, java.util.function.Consumer<ConfigClamp> clamps) {
        this.raw = raw;
        this.clamps = clamps;
    }

    /**
     * @param raw    a value for every key in {@link ConfigLoader#KEYS}
     * @param clamps told of every value changed to fit another setting
     */
    static BosunConfig bind(Map<String, RawValue> raw, java.util.function.Consumer<ConfigClamp> clamps) {
        return new ConfigBinder(raw, clamps).bind();
    }

    private BosunConfig bind() {
        boolean sessionsEnabled = Values.bool("sessions_enabled", get("sessions_enabled"));
        Path dataDir = dataDir();
        String nodeId = Values.matching(
                "node_id", get("node_id"), NODE_ID, "1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'");
        Duration idleTimeout = duration("idle_timeout", "30s", "24h");
        Duration ttl = duration("ttl", "60s", "7d");
        if (idleTimeout.compareTo(ttl) > 0) {
            // Both origins: either value may be the one to change.
            throw BosunException.invalid(
                    "idle_timeout",
                    "idle_timeout = " + Durations.format(idleTimeout)
                            + " is longer than ttl = " + Durations.format(ttl) + "; allowed 30s.."
                            + Durations.format(ttl)
                            + ", as a session cannot idle past its ttl (idle_timeout from "
                            + get("idle_timeout").origin()
                            + ", ttl from " + get("ttl").origin() + ")");
        }
        int maxMessageBytes = (int) Values.size("max_message_bytes", get("max_message_bytes"), "1KiB", "10MiB");
        JsonLimits jsonLimits = jsonLimits(maxMessageBytes);
        int maxEventsPerPoll = (int) integer("max_events_per_poll", 1, 1000);
        Duration maxPollWait = duration("max_poll_wait", "0s", "300s");
        int maxTasks = (int) integer("max_tasks", 1, 10_000);
        Duration taskTimeout = duration("task_timeout", "1s", "7d");
        int maxSessions = (int) integer("max_sessions", 1, 1_000_000);
        Duration retention = duration("retention", "1h", "3650d");
        Duration idempotencyWindow = duration("idempotency_window", "1m", "30d");
        Duration startupTimeout = duration("startup_timeout", "1s", "10m");
        Duration outboxRescan = duration("outbox_rescan", "50ms", "60s");
        long workerLogMaxBytes = Values.size("worker_log_max_bytes", get("worker_log_max_bytes"), "4KiB", "1GiB");
        Optional<String> modelCache = modelCache();
        Map<String, Profile> profiles = ProfileBinder.bind(get("profiles"), startupTimeout);
        ServerSettings server = server(maxMessageBytes);
        RoutingSettings routing = routing();
        StoreSettings store = store();
        return new BosunConfig(
                sessionsEnabled,
                dataDir,
                nodeId,
                idleTimeout,
                ttl,
                maxMessageBytes,
                maxEventsPerPoll,
                maxPollWait,
                maxTasks,
                taskTimeout,
                maxSessions,
                retention,
                idempotencyWindow,
                startupTimeout,
                outboxRescan,
                workerLogMaxBytes,
                modelCache,
                profiles,
                server,
                routing,
                tiles(),
                delivery(),
                patterns(),
                store(),
                sandbox(),
                jsonLimits);
    }

    private JsonLimits jsonLimits(int maxMessageBytes) {
        int depth = (int) integer("max_json_depth", 1, JsonLimits.DEPTH_CEILING);
        int keys = (int) integer("max_json_keys", 1, 1_000_000);
        long strings = Values.size("max_json_string_bytes", get("max_json_string_bytes"), "1B", "10MiB");
        // Left at its default, the string bound follows the message limit: no new limit by surprise.
        if (get("max_json_string_bytes").origin().equals("default")) strings = maxMessageBytes;
        return new JsonLimits(depth, keys, (int) strings);
    }

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,253}");
    private static final Pattern API_KEY = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._:-]{0,127}):([0-9a-f]{64})");
    private static final String API_KEY_RULE = "a list of tenant:sha256 entries (the tenant a letter or digit then "
            + "up to 127 of A-Z a-z 0-9 . _ : -, the SHA-256 of the key as 64 lower-case hex digits), or a "
            + "comma-separated string of them; `bosun keys hash` prints an entry";

    private ServerSettings server(int maxMessageBytes) {
        String host = Values.matching("host", get("host"), HOST, "a host name or an IP address");
        int port = (int) integer("port", 0, 65535);
        Map<String, String> keys = apiKeys();
        int rateLimit = (int) integer("rate_limit", 1, 1_000_000);
        int rateBurst = (int) integer("rate_burst", 1, 10_000_000);
        int maxStreams = (int) integer("max_streams", 1, 100_000);
        long maxRequest = Values.size("max_request_bytes", get("max_request_bytes"), "1KiB", "64MiB");
        if (get("max_request_bytes").origin().equals("default")) {
            // Left at its default, the body cap follows the message limit (plus room for the envelope).
            long raised = Math.max(maxRequest, maxMessageBytes + 64L * 1024);
            if (raised != maxRequest) {
                clamps.accept(new ConfigClamp(
                        "max_request_bytes",
                        "max_request_bytes raised from its default "
                                + Sizes.format(maxRequest) + " to " + Sizes.format(raised)
                                + " to carry a message of max_message_bytes = "
                                + Sizes.format(maxMessageBytes) + "; set max_request_bytes to choose"));
            }
            maxRequest = raised;
        }
        if (maxRequest < maxMessageBytes) {
            throw Values.error(
                    "max_request_bytes",
                    "max_request_bytes = " + Sizes.format(maxRequest)
                            + " is smaller than max_message_bytes = " + Sizes.format(maxMessageBytes)
                            + "; a request must be able to carry a whole message",
                    get("max_request_bytes"));
        }
        if (keys.isEmpty() && get("rate_limit").origin().equals("default")) {
            // Without keys only loopback clients exist: one local fleet must not throttle itself (D58).
            rateLimit = 0;
        }
        int perTenant = (int) integer("max_streams_per_tenant", 1, 100_000);
        if (perTenant > maxStreams && !get("max_streams_per_tenant").origin().equals("default")) {
            throw Values.error(
                    "max_streams_per_tenant",
                    "max_streams_per_tenant = " + perTenant + " is larger than max_streams = " + maxStreams
                            + "; allowed 1.." + maxStreams,
                    get("max_streams_per_tenant"));
        }
        if (perTenant > maxStreams) {
            clamps.accept(new ConfigClamp(
                    "max_streams_per_tenant",
                    "max_streams_per_tenant lowered from its default "
                            + perTenant + " to max_streams = " + maxStreams + "; one tenant can hold every stream. Set "
                            + "max_streams_per_tenant to share them"));
            perTenant = maxStreams;
        }
        Duration keepAlive = duration("sse_keepalive", "100ms", "60s");
        List<String> hosts = list("allowed_hosts", ALLOWED_HOST, ALLOWED_HOST_RULE).stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        List<String> origins = list("cors_origins", CORS_ORIGIN, CORS_ORIGIN_RULE).stream()
                .map(o -> o.toLowerCase(Locale.ROOT))
                .toList();
        int authFailures = (int) integer("auth_failure_rate", 1, 100_000);
        Duration idle = duration("http_idle_timeout", "1s", "1h");
        Duration headers = duration("http_header_timeout", "100ms", "5m");
        return new ServerSettings(
                host,
                port,
                keys,
                rateLimit,
                rateBurst,
                maxStreams,
                maxRequest,
                perTenant,
                keepAlive,
                hosts,
                origins,
                authFailures,
                idle,
                headers,
                ops(keys));
    }

    private OpsSettings ops(Map<String, String> keys) {
        var format =
                OpsSettings.LogFormat.valueOf(Values.oneOf("log_format", get("log_format"), List.of("text", "json"))
                        .toUpperCase(Locale.ROOT));
        String level = Values.oneOf("log_level", get("log_level"), List.of("trace", "debug", "info", "warn", "error"));
        var metricsAuth = OpsSettings.MetricsAuth.valueOf(
                Values.oneOf("metrics_auth", get("metrics_auth"), List.of("none", "api_key"))
                        .toUpperCase(Locale.ROOT));
        if (metricsAuth == OpsSettings.MetricsAuth.API_KEY && keys.isEmpty()) {
            throw Values.error(
                    "metrics_auth",
                    "metrics_auth = api_key needs api_keys: without keys there is no key "
                            + "to ask for; configure api_keys or set metrics_auth = none",
                    get("metrics_auth"));
        }
        Duration grace = duration("shutdown_grace", "0s", "10m");
        return new OpsSettings(format, level, metricsAuth, grace);
    }

    private static final Pattern ALLOWED_HOST =
            Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?|\\[[0-9a-f:.]{2,45}\\]", Pattern.CASE_INSENSITIVE);
    private static final String ALLOWED_HOST_RULE = "a list of host names or IP addresses without a port (IPv6 in "
            + "brackets), or a comma-separated string of them";
    private static final Pattern CORS_ORIGIN = Pattern.compile(
            "\\*|https?://[a-z0-9.-]{1,253}(:[0-9]{1,5})?|https?://\\[[0-9a-f:.]{2,45}\\](:[0-9]{1,5})?",
            Pattern.CASE_INSENSITIVE);
    private static final String CORS_ORIGIN_RULE =
            "a list of origins as scheme://host[:port] (http or https, no path), "
                    + "or * for any, or a comma-separated string of them";

    /** A list key: a YAML list, or a comma-separated string (the environment's form); each entry matching {@code entry}. */
    private List<String> list(String key, Pattern entry, String rule) {
        RawValue v = get(key);
        List<?> entries = switch (v.value()) {
            case null -> List.of();
            case List<?> l -> l;
            case String s when s.isBlank() -> List.of();
            case String s -> Arrays.stream(s.split(",")).map(String::strip).toList();
            default ->
                throw Values.error(key, key + " = " + Values.show(v.value()) + " is not a list; allowed " + rule, v);
        };
        var out = new ArrayList<String>();
        for (int i = 0; i < entries.size(); i++) {
            if (!(entries.get(i) instanceof String s)
                    || !entry.matcher(s.strip()).matches()) {
                throw Values.error(
                        key,
                        key + "[" + i + "] = " + Values.show(entries.get(i)) + " is not allowed; allowed " + rule,
                        v);
            }
            out.add(s.strip());
        }
        return out;
    }

    private SandboxSettings sandbox() {
        boolean network = Values.bool("sandbox_allow_network", get("sandbox_allow_network"));
        RawValue v = get("docker_socket");
        String rule = "an absolute path of the Docker Engine's unix socket";
        String socket = v.value() instanceof Path p ? p.toString() : Values.string("docker_socket", v, rule);
        if (!socket.startsWith("/") || socket.chars().anyMatch(Character::isISOControl)) {
            throw Values.error(
                    "docker_socket", "docker_socket = " + Values.quote(socket) + " is not allowed; allowed " + rule, v);
        }
        Duration reconcile = duration("reconcile_interval", "1s", "1h");
        return new SandboxSettings(network, Path.of(socket), reconcile);
    }

    private RoutingSettings routing() {
        boolean enabled = Values.bool("h1_router_enabled", get("h1_router_enabled"));
        Optional<URI> url = routerUrl();
        boolean fallbackLocal = Values.oneOf("router_fallback", get("router_fallback"), List.of("none", "local"))
                .equals("local");
        boolean fallbackAny = Values.oneOf("route_fallback", get("route_fallback"), List.of("error", "any"))
                .equals("any");
        int offset = (int) integer("emergence_threshold_offset", -1_000_000, 1_000_000);
        double minConfidence = Values.decimal("min_confidence", get("min_confidence"), "0", "1");
        Duration window = duration("fleet_window", "1m", "30d");
        boolean compat = Values.bool("fleet_compat_paths", get("fleet_compat_paths"));
        Duration timeout = duration("router_timeout", "100ms", "60s");
        Duration syncInterval = duration("router_sync_interval", "1s", "1h");
        return new RoutingSettings(
                enabled, url, fallbackLocal, fallbackAny, offset, minConfidence, window, compat, timeout, syncInterval);
    }

    private static final String STORE_URL_RULE =
            "postgresql://user[:password]@host[:port]/database[?schema=name], " + "or empty for SQLite in data_dir";

    private StoreSettings store() {
        RawValue v = get("store_url");
        Optional<String> url = Optional.empty();
        if (v.value() != null) {
            // The URL may carry a password: messages describe it, never quote it.
            String text = Values.string("store_url", v, STORE_URL_RULE).strip();
            if (!text.isEmpty()) {
                URI u;
                try {
                    u = new URI(text);
                } catch (URISyntaxException e) {
                    throw Values.error(
                            "store_url",
                            "store_url is not a valid URL (" + e.getReason() + "); allowed " + STORE_URL_RULE,
                            v);
                }
                if (!("postgresql".equals(u.getScheme()) || "postgres".equals(u.getScheme()))
                        || u.getHost() == null
                        || u.getPath() == null
                        || u.getPath().length() < 2) {
                    throw Values.error(
                            "store_url",
                            "store_url is not a PostgreSQL URL with a host and a database; allowed " + STORE_URL_RULE,
                            v);
                }
                url = Optional.of(text);
            }
        }
        int pool = (int) integer("store_pool_size", 2, 1000);
        Duration lease = duration("node_lease_ttl", "1s", "10m");
        long minFreeDisk = Values.size("min_free_disk", get("min_free_disk"), "0", "1TiB");
        return new StoreSettings(url, pool, lease, minFreeDisk);
    }

    private Optional<URI> routerUrl() {
        return httpUrl(
                "h1_router_url", "an http:// or https:// URL of a fleet-h1-router, or empty for the built-in router");
    }

    private Optional<URI> httpUrl(String key, String rule) {
        RawValue v = get(key);
        if (v.value() == null) return Optional.empty();
        String text = Values.string(key, v, rule).strip();
        if (text.isEmpty()) return Optional.empty();
        try {
            URI u = new URI(text);
            if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                    || u.getHost() == null
                    || u.getRawUserInfo() != null
                    || u.getRawQuery() != null
                    || u.getRawFragment() != null) {
                throw Values.error(key, key + " = " + Values.quote(text) + " is not " + rule, v);
            }
            return Optional.of(u);
        } catch (URISyntaxException e) {
            throw Values.error(key, key + " = " + Values.quote(text) + " is not " + rule, v);
        }
    }

    private TileSettings tiles() {
        boolean emit = Values.bool("emit_tiles", get("emit_tiles"));
        var url = httpUrl(
                "plato_url",
                "an http:// or https:// URL of a PLATO server (without query or credentials), "
                        + "or empty to keep tiles local");
        Optional<String> key = Optional.empty();
        RawValue k = get("plato_api_key");
        if (k.value() != null) {
            // never echo the value: it is a credential
            String text = Values.string("plato_api_key", k, "a token of visible ASCII characters")
                    .strip();
            if (!text.isEmpty()) {
                if (!text.chars().allMatch(ch -> ch > 32 && ch < 127) || text.length() > 4096) {
                    throw Values.error(
                            "plato_api_key",
                            "plato_api_key is not a token of 1 to 4096 visible ASCII "
                                    + "characters (no spaces or control characters)",
                            k);
                }
                key = Optional.of(text);
            }
        }
        String room = Values.matching("scout_room", get("scout_room"), RoomNames.SCOUT_ROOM, RoomNames.SCOUT_ROOM_RULE);
        RoomNames roomNames = RoomNames.valueOf(
                Values.oneOf("plato_room_names", get("plato_room_names"), List.of("strict", "hierarchical"))
                        .toUpperCase(Locale.ROOT));
        try {
            roomNames.check("scout_room", room);
        } catch (BosunException e) {
            throw Values.error("scout_room", e.getMessage(), get("scout_room"));
        }
        String source = Values.matching(
                "tile_source",
                get("tile_source"),
                Pattern.compile("[A-Za-z0-9._:/-]{1,100}"),
                "1 to 100 characters of A-Z a-z 0-9 . _ : / -");
        var format = TileSettings.AnswerFormat.valueOf(
                Values.oneOf("answer_format", get("answer_format"), List.of("string", "object"))
                        .toUpperCase(Locale.ROOT));
        return new TileSettings(
                emit,
                url,
                key,
                room,
                source,
                format,
                roomNames,
                confidence("tile_confidence_start"),
                confidence("tile_confidence_task"),
                confidence("tile_confidence_end"),
                confidence("tile_confidence_alert"));
    }

    private double confidence(String key) {
        return Values.decimal(key, get(key), "0", "1");
    }

    private DeliverySettings delivery() {
        Duration timeout = duration("delivery_timeout", "100ms", "5m");
        Duration backoffMin = duration("delivery_backoff_min", "10ms", "1h");
        Duration backoffMax = duration("delivery_backoff_max", "100ms", "24h");
        if (backoffMax.compareTo(backoffMin) < 0) {
            throw Values.error(
                    "delivery_backoff_max",
                    "delivery_backoff_max = " + Durations.format(backoffMax)
                            + " is shorter than delivery_backoff_min = " + Durations.format(backoffMin),
                    get("delivery_backoff_max"));
        }
        Duration maxAge = duration("delivery_max_age", "1s", "30d");
        int concurrency = (int) integer("delivery_concurrency", 1, 1024);
        Duration listenerTimeout = duration("listener_timeout", "10ms", "10m");
        boolean privateTargets = Values.bool("webhook_private_targets", get("webhook_private_targets"));
        int maxWebhooks = (int) integer("max_webhooks", 1, 1000);
        return new DeliverySettings(
                timeout, backoffMin, backoffMax, maxAge, concurrency, listenerTimeout, privateTargets, maxWebhooks);
    }

    private PatternSettings patterns() {
        return new PatternSettings(
                (int) integer("pattern_streak", 2, 100_000),
                (int) integer("pattern_cascade", 2, 100_000),
                (int) integer("pattern_timeouts", 1, 100_000),
                Values.decimal("pattern_outlier_factor", get("pattern_outlier_factor"), "1", "1000"),
                (int) integer("pattern_outlier_min_tasks", 2, 100_000));
    }

    /** Hash → tenant. Hashes only: a config file or environment never holds a usable key. */
    private Map<String, String> apiKeys() {
        RawValue v = get("api_keys");
        List<?> entries = switch (v.value()) {
            case null -> List.of();
            case List<?> l -> l;
            case String s when s.isBlank() -> List.of();
            case String s -> Arrays.stream(s.split(",")).map(String::strip).toList();
            default ->
                throw Values.error(
                        "api_keys",
                        "api_keys = " + Values.show(v.value()) + " is not a list; allowed " + API_KEY_RULE,
                        v);
        };
        var out = new LinkedHashMap<String, String>();
        for (int i = 0; i < entries.size(); i++) {
            Object e = entries.get(i);
            // never echo the entry: a pasted raw key would end up in logs
            if (!(e instanceof String s) || !API_KEY.matcher(s).matches()) {
                throw Values.error(
                        "api_keys", "api_keys[" + i + "] is not a tenant:sha256 entry; allowed " + API_KEY_RULE, v);
            }
            var m = API_KEY.matcher(s);
            m.matches();
            if (out.put(m.group(2), m.group(1)) != null) {
                throw Values.error(
                        "api_keys", "api_keys[" + i + "] repeats a key hash; each key belongs to one tenant", v);
            }
        }
        return out;
    }

    private RawValue get(String key) {
        RawValue v = raw.get(key);
        if (v == null) {
            throw new IllegalStateException("no layer, not even the defaults, holds " + key);
        }
        return v;
    }

    private Duration duration(String key, String min, String max) {
        return Values.duration(key, get(key), min, max);
    }

    private long integer(String key, long min, long max) {
        return Values.integer(key, get(key), min, max);
    }

    /** Relative paths resolve against the working directory, once, so later chdirs cannot move it. */
    private Path dataDir() {
        RawValue v = get("data_dir");
        String rule = "a directory path, relative to the working directory or absolute";
        String text = v.value() instanceof Path p ? p.toString() : Values.string("data_dir", v, rule);
        if (text.isBlank()) {
            throw Values.error("data_dir", "data_dir = " + Values.quote(text) + " is empty; allowed " + rule, v);
        }
        // No shell expands ~ in a config file or a Java program; it would name a directory called "~".
        if (text.startsWith("~")) {
            throw Values.error(
                    "data_dir",
                    "data_dir = " + Values.quote(text) + " starts with ~, which is not " + "expanded; allowed " + rule,
                    v);
        }
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw Values.error(
                    "data_dir",
                    "data_dir = " + Values.quote(text) + " is not a valid path (" + e.getReason() + "); allowed "
                            + rule,
                    v);
        }
    }

    private Optional<String> modelCache() {
        RawValue v = get("model_cache");
        Object value = v.value();
        if (value == null) {
            return Optional.empty();
        }
        String text =
                (value instanceof Path p ? p.toString() : Values.string("model_cache", v, MODEL_CACHE_RULE)).strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.startsWith("/")) {
            return Optional.of(directory(text, v));
        }
        if (VOLUME.matcher(text).matches()) {
            return Optional.of(text);
        }
        throw Values.error(
                "model_cache",
                "model_cache = " + Values.quote(text)
                        + " is neither an absolute path nor a Docker volume name; allowed " + MODEL_CACHE_RULE,
                v);
    }

    /** The directory's real path: workers mount it, and a symlink swapped later must not redirect them. */
    private static String directory(String text, RawValue v) {
        String prefix = "model_cache = " + Values.quote(text);
        Path dir;
        try {
            dir = Path.of(text);
        } catch (InvalidPathException e) {
            throw Values.error(
                    "model_cache",
                    prefix + " is not a valid path (" + e.getReason() + "); allowed " + MODEL_CACHE_RULE,
                    v);
        }
        if (!Files.exists(dir)) {
            throw Values.error("model_cache", prefix + " does not exist; allowed " + MODEL_CACHE_RULE, v);
        }
        if (!Files.isDirectory(dir)) {
            throw Values.error("model_cache", prefix + " is not a directory; allowed " + MODEL_CACHE_RULE, v);
        }
        // Listing a directory needs both read and search (x) permission.
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            throw Values.error(
                    "model_cache", prefix + " is not readable by this process; allowed " + MODEL_CACHE_RULE, v);
        }
        try {
            return dir.toRealPath().toString();
        } catch (IOException e) {
            throw Values.error(
                    "model_cache",
                    prefix + " cannot be resolved (" + e.getMessage() + "); allowed " + MODEL_CACHE_RULE,
                    v);
        }
    }
}
