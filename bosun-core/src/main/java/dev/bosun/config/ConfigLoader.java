package dev.bosun.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bosun.error.BosunException;
import dev.bosun.json.Json;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds a {@link BosunConfig} from four layers, each overriding the one before it:
 * <ol>
 *   <li>built-in defaults;</li>
 *   <li>a YAML config file with snake_case keys ({@link #file(Path)});</li>
 *   <li>the environment: {@code BOSUN_} + the key in upper case, e.g. {@code BOSUN_IDLE_TIMEOUT},
 *       with {@code BOSUN_PROFILES} holding the whole {@code profiles} section as a JSON object
 *       ({@link #env(Map)});</li>
 *   <li>explicit values from code ({@link #set(String, Object)}).</li>
 * </ol>
 * A layer replaces a key's value as a whole; in particular {@code profiles} from a higher layer
 * replaces every profile of the lower ones rather than merging by name.
 *
 * <p>Unknown keys in the file are errors, so a misspelt key cannot silently leave a default in force.
 * Environment variables starting with {@code BOSUN_} that are not configuration keys are ignored:
 * the same prefix names client settings such as {@code BOSUN_URL} and {@code BOSUN_API_KEY}.
 *
 * <p>Syntax errors (a missing file, invalid YAML or JSON) fail when the layer is added; value errors
 * fail in {@link #load()}, with one message naming the field, the value, the allowed range and the
 * layer the value came from. Every error is a {@link BosunException} with code
 * {@code INVALID_ARGUMENT} and the field in {@code details().get("field")}. See docs/CONFIG.md.
 *
 * <pre>{@code
 * BosunConfig config = ConfigLoader.defaults()
 *         .file(Path.of("/etc/bosun/bosun.yaml"))
 *         .env(System.getenv())
 *         .set("node_id", "edge-1")
 *         .load();
 * }</pre>
 *
 * <p>A loader is a mutable builder for one thread; {@link #load()} may be called more than once.
 */
public final class ConfigLoader {
    /** Prefix of the environment variables the loader reads. */
    public static final String ENV_PREFIX = "BOSUN_";

    private static final Map<String, Object> DEFAULTS = defaultValues();

    /** Every configuration key, in the order they are documented and validated. */
    public static final List<String> KEYS = List.copyOf(DEFAULTS.keySet());

    // Duplicate keys are refused like unknown ones: with two idle_timeout lines, one is silently lost.
    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectReader JSON =
            Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    private static final TypeReference<Map<String, Object>> MAPPING = new TypeReference<>() {};

    private final Map<String, RawValue> fileLayer = new LinkedHashMap<>();
    private final Map<String, RawValue> envLayer = new LinkedHashMap<>();
    private final Map<String, RawValue> codeLayer = new LinkedHashMap<>();
    private List<ConfigClamp> clamped = List.of();

    private ConfigLoader() {}

    /** A loader holding only the built-in defaults; add layers, then {@link #load()}. */
    public static ConfigLoader defaults() {
        return new ConfigLoader();
    }

    /**
     * Loads the configuration the server runs with: defaults, then the file if one is given, then
     * the environment.
     *
     * @param env the process environment ({@code System.getenv()}); tests pass their own map
     */
    public static BosunConfig load(Optional<Path> file, Map<String, String> env) {
        ConfigLoader loader = defaults();
        file.ifPresent(loader::file);
        return loader.env(env).load();
    }

    /** The environment variable that holds {@code key}, e.g. {@code BOSUN_DATA_DIR} for {@code data_dir}. */
    public static String envVar(String key) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("not a configuration key: " + key);
        }
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT);
    }

    /**
     * Reads a YAML config file: a mapping of snake_case keys to values. An empty file sets nothing.
     * Calling this again replaces the previous file's values.
     *
     * @throws BosunException if the file is missing or unreadable, is not valid YAML, is not a
     *                        mapping, repeats a key, or holds a key that is not a configuration key
     */
    public ConfigLoader file(Path path) {
        Objects.requireNonNull(path, "path");
        String origin = "config file " + path;
        Map<String, Object> values = parseYaml(read(path, origin), origin);
        RawValue where = new RawValue(null, origin);
        Keys.requireKnown("", values, KEYS, where);
        fileLayer.clear();
        values.forEach((key, value) -> fileLayer.put(key, where.child(value)));
        return this;
    }

    /**
     * Takes the {@code BOSUN_*} variables that name configuration keys from {@code environment}. The
     * values are text, parsed like the file's; {@code BOSUN_PROFILES} is a JSON object shaped like the
     * file's {@code profiles} section. Other variables, {@code BOSUN_} or not, are ignored. Calling
     * this again replaces the previous environment's values.
     *
     * @throws BosunException if {@code BOSUN_PROFILES} is not a JSON object
     */
    public ConfigLoader env(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        var layer = new LinkedHashMap<String, RawValue>();
        for (String key : KEYS) {
            String name = envVar(key);
            String value = environment.get(name);
            if (value == null) {
                continue;
            }
            String origin = "environment variable " + name;
            layer.put(key, new RawValue(key.equals("profiles") ? parseProfilesJson(name, value) : value, origin));
        }
        envLayer.clear();
        envLayer.putAll(layer);
        return this;
    }

    /**
     * Sets one key from code, overriding every other layer. The value takes the same shapes as in
     * the file ({@code String}, {@code Integer}/{@code Long}, {@code Double}, {@code Boolean},
     * {@code Map}, {@code List}), and also a {@code Duration} for durations, a {@code Path} for
     * {@code data_dir} and {@code model_cache}, {@code Profile} values in the {@code profiles} map,
     * and an {@code Optional} (empty meaning no value). It is validated by {@link #load()}.
     *
     * @throws BosunException right away if {@code key} is not a configuration key
     */
    public ConfigLoader set(String key, Object value) {
        Objects.requireNonNull(key, "key");
        RawValue raw = new RawValue(value instanceof Optional<?> o ? o.orElse(null) : value, "code");
        if (!DEFAULTS.containsKey(key)) {
            throw Keys.unknown("", key, KEYS, raw);
        }
        codeLayer.put(key, raw);
        return this;
    }

    /**
     * Merges the layers and validates the result.
     *
     * @throws BosunException for the first invalid value, naming the field, the value, the allowed
     *                        range and the layer it came from
     */
    public BosunConfig load() {
        var merged = new LinkedHashMap<String, RawValue>();
        for (String key : KEYS) {
            RawValue v = codeLayer.get(key);
            if (v == null) v = envLayer.get(key);
            if (v == null) v = fileLayer.get(key);
            if (v == null) v = new RawValue(DEFAULTS.get(key), "default");
            merged.put(key, v);
        }
        var changed = new ArrayList<ConfigClamp>();
        BosunConfig config = ConfigBinder.bind(merged, changed::add);
        clamped = List.copyOf(changed);
        return config;
    }

    /** The values the last {@link #load()} changed to fit other settings (the server logs them at WARN). */
    public List<ConfigClamp> clamped() {
        return clamped;
    }

    /** The built-in default of a key, in the form a config file would write it. */
    static Object defaultValue(String key) {
        return DEFAULTS.get(key);
    }

    // Written as text, so the defaults go through the same parsing and validation as a config file.
    private static Map<String, Object> defaultValues() {
        var d = new LinkedHashMap<String, Object>();
        d.put("sessions_enabled", true);
        d.put("data_dir", "./bosun-data");
        d.put("node_id", "local");
        d.put("idle_timeout", "30m");
        d.put("ttl", "24h");
        d.put("max_message_bytes", "256KiB");
        d.put("max_json_depth", 64);
        d.put("max_json_keys", 10000);
        d.put("max_json_string_bytes", "256KiB");
        d.put("max_events_per_poll", 100);
        d.put("max_poll_wait", "30s");
        d.put("max_tasks", 50);
        d.put("task_timeout", "300s");
        d.put("max_sessions", 1000);
        d.put("retention", "7d");
        d.put("idempotency_window", "24h");
        d.put("startup_timeout", "120s");
        d.put("outbox_rescan", "1s");
        d.put("worker_log_max_bytes", "1MiB");
        d.put("model_cache", null);
        d.put("profiles", Map.of());
        d.put("sandbox_allow_network", false);
        d.put("docker_socket", "/var/run/docker.sock");
        d.put("reconcile_interval", "60s");
        d.put("host", "127.0.0.1");
        d.put("port", 7700);
        d.put("api_keys", List.of());
        d.put("rate_limit", 100);
        d.put("rate_burst", 200);
        d.put("max_streams", 1000);
        d.put("max_request_bytes", "1MiB");
        d.put("max_streams_per_tenant", 250);
        d.put("sse_keepalive", "3s");
        d.put("allowed_hosts", List.of());
        d.put("cors_origins", List.of());
        d.put("auth_failure_rate", 10);
        d.put("http_idle_timeout", "60s");
        d.put("http_header_timeout", "10s");
        d.put("log_format", "text");
        d.put("log_level", "info");
        d.put("metrics_auth", "none");
        d.put("shutdown_grace", "20s");
        d.put("h1_router_enabled", false);
        d.put("h1_router_url", null);
        d.put("router_fallback", "none");
        d.put("route_fallback", "error");
        d.put("emergence_threshold_offset", -2);
        d.put("min_confidence", "0.1");
        d.put("fleet_window", "24h");
        d.put("fleet_compat_paths", false);
        d.put("router_timeout", "5s");
        d.put("router_sync_interval", "30s");
        d.put("emit_tiles", true);
        d.put("plato_url", null);
        d.put("plato_api_key", null);
        d.put("scout_room", "bosun-sessions");
        d.put("plato_room_names", "strict");
        d.put("tile_source", "bosun");
        d.put("answer_format", "string");
        d.put("tile_confidence_start", "1.0");
        d.put("tile_confidence_task", "0.9");
        d.put("tile_confidence_end", "0.95");
        d.put("tile_confidence_alert", "1.0");
        d.put("delivery_timeout", "10s");
        d.put("delivery_backoff_min", "1s");
        d.put("delivery_backoff_max", "5m");
        d.put("delivery_max_age", "24h");
        d.put("delivery_concurrency", 16);
        d.put("listener_timeout", "5s");
        d.put("webhook_private_targets", false);
        d.put("max_webhooks", 20);
        d.put("pattern_streak", 3);
        d.put("pattern_cascade", 3);
        d.put("pattern_timeouts", 2);
        d.put("pattern_outlier_factor", "3.0");
        d.put("pattern_outlier_min_tasks", 4);
        d.put("store_url", null);
        d.put("store_pool_size", 16);
        d.put("node_lease_ttl", "15s");
        d.put("min_free_disk", "64MiB");
        return Collections.unmodifiableMap(d);
    }

    private static String read(Path path, String origin) {
        if (Files.isDirectory(path)) {
            throw BosunException.invalid("config_file", origin + " is a directory, not a file");
        }
        try {
            return Files.readString(path);
        } catch (NoSuchFileException e) {
            throw BosunException.invalid("config_file", origin + " does not exist");
        } catch (AccessDeniedException e) {
            throw BosunException.invalid("config_file", origin + " cannot be read: permission denied");
        } catch (CharacterCodingException e) {
            throw BosunException.invalid("config_file", origin + " is not UTF-8 text");
        } catch (IOException e) {
            throw BosunException.invalid("config_file", origin + " cannot be read: " + e.getMessage());
        }
    }

    private static Map<String, Object> parseYaml(String text, String origin) {
        JsonNode tree;
        try {
            tree = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            throw BosunException.invalid("config_file", origin + " is not valid YAML: " + describe(e));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            return Map.of();
        }
        if (!tree.isObject()) {
            throw BosunException.invalid(
                    "config_file",
                    origin
                            + " must be a mapping of keys to values (such as idle_timeout: 30m), not a "
                            + tree.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        return YAML.convertValue(tree, MAPPING);
    }

    private static Map<String, Object> parseProfilesJson(String name, String value) {
        String shape = "; allowed a JSON object of profile name to profile, e.g. "
                + "{\"echo\":{\"command\":[\"sh\",\"examples/echo-worker.sh\"]}}, or {} for none";
        if (value.isBlank()) {
            throw BosunException.invalid("profiles", name + " is empty" + shape);
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(value);
        } catch (JsonProcessingException e) {
            throw BosunException.invalid("profiles", name + " is not valid JSON: " + describe(e) + shape);
        }
        if (!tree.isObject()) {
            throw BosunException.invalid(
                    "profiles",
                    name + " is a JSON " + tree.getNodeType().name().toLowerCase(Locale.ROOT) + ", not an object"
                            + shape);
        }
        return Json.MAPPER.convertValue(tree, MAPPING);
    }

    private static String describe(JsonProcessingException e) {
        // SnakeYAML's messages already point at the line, with a caret under the column.
        String message =
                e.getOriginalMessage().replace(" in 'reader', line", " at line").strip();
        JsonLocation at = e.getLocation();
        return at == null || at.getLineNr() < 1 || message.contains(" line ")
                ? message
                : message + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }
}
