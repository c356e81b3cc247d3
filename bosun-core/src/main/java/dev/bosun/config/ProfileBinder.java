package dev.bosun.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Builds and validates the {@code profiles} section: a mapping of profile name to profile, in the
 * same shape whether it came from YAML, from the {@code BOSUN_PROFILES} JSON or from code. Errors
 * name the full path of the offending field, e.g. {@code profiles.echo.limits.open_files}.
 */
final class ProfileBinder {
    static final List<String> KEYS =
            List.of("runtime", "command", "env", "keep_workspace", "startup_timeout", "stop_grace", "limits");
    static final List<String> LIMIT_KEYS = List.of("open_files", "processes", "file_size", "memory", "cpus");
    static final List<String> RUNTIMES = List.of("process", "bwrap", "docker");
    static final int ENV_VALUE_MAX_BYTES = 32 * 1024;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String NAME_RULE = "1 to 64 characters of a-z, 0-9, _ and -, starting with a-z or 0-9";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    // Bosun sets BOSUN_SESSION_ID, BOSUN_INBOX and friends for the worker; a profile must not shadow them.
    private static final String RESERVED_ENV_PREFIX = "BOSUN_";
    private static final String COMMAND_RULE =
            "a non-empty list of strings (program, then arguments), or one string run as /bin/sh -c <string>";

    private ProfileBinder() {}

    /**
     * @param raw                   the section; null (an empty YAML section) means no profiles
     * @param defaultStartupTimeout the server's startup_timeout, used where a profile sets none
     */
    static Map<String, Profile> bind(RawValue raw, Duration defaultStartupTimeout) {
        if (raw.value() == null) {
            return Map.of();
        }
        Map<String, Object> section = Values.mapping("profiles", raw, "a mapping of profile name to profile");
        var out = new LinkedHashMap<String, Profile>();
        section.forEach((name, body) -> out.put(name, profile(name, raw.child(body), defaultStartupTimeout)));
        return out;
    }

    private static Profile profile(String name, RawValue raw, Duration defaultStartupTimeout) {
        String field = "profiles." + name;
        if (!NAME.matcher(name).matches()) {
            throw Values.error("profiles", "profile name " + Values.quote(name) + " is not allowed; allowed "
                    + NAME_RULE, raw);
        }
        if (raw.value() == null) {
            throw Values.error(field, field + " has no settings; a profile needs at least a command", raw);
        }
        if (raw.value() instanceof Profile p) {
            if (!p.name().equals(name)) {
                throw Values.error(field, field + " holds a Profile named " + Values.quote(p.name())
                        + "; the name and the key must be the same", raw);
            }
            raw = raw.child(asMapping(p));
        }
        Map<String, Object> body = Values.mapping(field, raw, "a mapping with keys " + String.join(", ", KEYS));
        Keys.requireKnown(field, body, KEYS, raw);

        String runtime = !body.containsKey("runtime") ? "process"
                : Values.oneOf(field + ".runtime", raw.child(body.get("runtime")), RUNTIMES);
        List<String> command = command(field + ".command", raw.child(body.get("command")));
        Map<String, String> env = env(field + ".env", raw, body);
        boolean keepWorkspace = !body.containsKey("keep_workspace") ? false
                : Values.bool(field + ".keep_workspace", raw.child(body.get("keep_workspace")));
        Duration startupTimeout = !body.containsKey("startup_timeout") ? defaultStartupTimeout
                : Values.duration(field + ".startup_timeout", raw.child(body.get("startup_timeout")), "1s", "10m");
        Duration stopGrace = Values.duration(field + ".stop_grace",
                raw.child(body.containsKey("stop_grace") ? body.get("stop_grace") : "5s"), "0s", "60s");
        Profile.Limits limits = limits(field + ".limits", raw, body);
        return new Profile(name, runtime, command, env, keepWorkspace, startupTimeout, stopGrace, limits);
    }

    private static List<String> command(String field, RawValue raw) {
        Object v = raw.value();
        if (v == null) {
            throw Values.error(field, field + " is required; allowed " + COMMAND_RULE, raw);
        }
        if (v instanceof String script) {
            if (script.isBlank()) {
                throw Values.error(field, field + " is empty; allowed " + COMMAND_RULE, raw);
            }
            requireNoNul(field, script, raw);
            return List.of("/bin/sh", "-c", script);
        }
        if (!(v instanceof List<?> list)) {
            throw Values.error(field, field + " = " + Values.show(v) + " is not a list or a string; allowed "
                    + COMMAND_RULE, raw);
        }
        if (list.isEmpty()) {
            throw Values.error(field, field + " is an empty list; allowed " + COMMAND_RULE, raw);
        }
        var out = new ArrayList<String>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String element = field + "[" + i + "]";
            String arg = Values.string(element, raw.child(list.get(i)), "a string");
            requireNoNul(element, arg, raw);
            out.add(arg);
        }
        if (out.getFirst().isBlank()) {
            throw Values.error(field + "[0]", field + "[0] is empty; it must name the program to run", raw);
        }
        return out;
    }

    // execve cannot pass a NUL byte; the argument would be cut short without anyone noticing.
    private static void requireNoNul(String field, String s, RawValue raw) {
        int at = s.indexOf('\0');
        if (at >= 0) {
            throw Values.error(field, field + " contains a NUL character at index " + at
                    + "; allowed any text without NUL", raw);
        }
    }

    private static Map<String, String> env(String field, RawValue parent, Map<String, Object> body) {
        if (body.get("env") == null) {
            return Map.of();
        }
        RawValue raw = parent.child(body.get("env"));
        Map<String, Object> vars = Values.mapping(field, raw, "a mapping of variable name to string value");
        var out = new LinkedHashMap<String, String>();
        vars.forEach((name, value) -> out.put(name, envVar(field + "." + name, name, raw.child(value))));
        return out;
    }

    /** Values are never echoed in these messages: profile environments are where secrets live. */
    private static String envVar(String field, String name, RawValue raw) {
        if (!ENV_NAME.matcher(name).matches()) {
            throw Values.error(field, "environment variable name " + Values.quote(name) + " in " + field
                    + " is not allowed; allowed letters, digits and _, not starting with a digit", raw);
        }
        if (name.startsWith(RESERVED_ENV_PREFIX)) {
            throw Values.error(field, "environment variable name " + Values.quote(name) + " in " + field
                    + " is reserved; names starting with " + RESERVED_ENV_PREFIX + " are set by Bosun itself", raw);
        }
        if (!(raw.value() instanceof String value)) {
            String hint = raw.value() instanceof Number || raw.value() instanceof Boolean ? " (quote it in YAML)" : "";
            throw Values.error(field, field + " is not a string" + hint + "; allowed a string of at most "
                    + Sizes.format(ENV_VALUE_MAX_BYTES) + " without control characters", raw);
        }
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > ENV_VALUE_MAX_BYTES) {
            throw Values.error(field, field + " is " + bytes + " bytes long; allowed at most "
                    + Sizes.format(ENV_VALUE_MAX_BYTES) + " (" + ENV_VALUE_MAX_BYTES + " bytes) of UTF-8", raw);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                String problem = " contains a control character (U+%04X) at index %d".formatted((int) c, i);
                throw Values.error(field, field + problem
                        + "; allowed text without control characters (no NUL, tab, newline, CR)", raw);
            }
        }
        return value;
    }

    private static Profile.Limits limits(String field, RawValue parent, Map<String, Object> body) {
        if (body.get("limits") == null) {
            return Profile.Limits.NONE;
        }
        RawValue raw = parent.child(body.get("limits"));
        Map<String, Object> m = Values.mapping(field, raw, "a mapping with keys " + String.join(", ", LIMIT_KEYS));
        Keys.requireKnown(field, m, LIMIT_KEYS, raw);
        return new Profile.Limits(
                optional(m, "open_files", v -> Values.integer(field + ".open_files", raw.child(v), 1, 1_048_576)),
                optional(m, "processes", v -> Values.integer(field + ".processes", raw.child(v), 1, 1_000_000)),
                optional(m, "file_size", v -> Values.size(field + ".file_size", raw.child(v), "1", "1TiB")),
                optional(m, "memory", v -> Values.size(field + ".memory", raw.child(v), "4MiB", "1TiB")),
                optional(m, "cpus", v -> Values.decimal(field + ".cpus", raw.child(v), "0.01", "1024")));
    }

    private static <T> Optional<T> optional(Map<String, Object> m, String key, Function<Object, T> parse) {
        return m.containsKey(key) ? Optional.of(parse.apply(m.get(key))) : Optional.empty();
    }

    /** A profile built in code, in the shape of the YAML section, so it is validated like one. */
    private static Map<String, Object> asMapping(Profile p) {
        var m = new LinkedHashMap<String, Object>();
        m.put("runtime", p.runtime());
        m.put("command", p.command());
        m.put("env", p.env());
        m.put("keep_workspace", p.keepWorkspace());
        if (p.startupTimeout() != null) {
            m.put("startup_timeout", p.startupTimeout());
        }
        if (p.stopGrace() != null) {
            m.put("stop_grace", p.stopGrace());
        }
        if (p.limits() != null) {
            var l = new LinkedHashMap<String, Object>();
            p.limits().openFiles().ifPresent(v -> l.put("open_files", v));
            p.limits().processes().ifPresent(v -> l.put("processes", v));
            p.limits().fileSizeBytes().ifPresent(v -> l.put("file_size", v));
            p.limits().memoryBytes().ifPresent(v -> l.put("memory", v));
            p.limits().cpus().ifPresent(v -> l.put("cpus", v));
            m.put("limits", l);
        }
        return m;
    }
}
