package dev.bosun.config;

import java.nio.file.Path;
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
    static final List<String> KEYS = List.of(
            "runtime",
            "command",
            "env",
            "keep_workspace",
            "startup_timeout",
            "stop_grace",
            "limits",
            "image",
            "images",
            "network",
            "max_limits",
            "warm_pool",
            "user",
            "seccomp_profile",
            "oci_runtime",
            "oci_runtime_strict",
            "read_only_paths",
            "tmp_size",
            "env_allow",
            "workspace_max_bytes",
            "workspace_max_files");
    static final List<String> LIMIT_KEYS = List.of("open_files", "processes", "file_size", "memory", "cpus");
    static final List<String> RUNTIMES = List.of("process", "bwrap", "docker");
    static final int ENV_VALUE_MAX_BYTES = EnvRules.VALUE_MAX_BYTES;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final String NAME_RULE = "1 to 64 characters of a-z, 0-9, _ and -, starting with a-z or 0-9";
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
            throw Values.error(
                    "profiles", "profile name " + Values.quote(name) + " is not allowed; allowed " + NAME_RULE, raw);
        }
        if (raw.value() == null) {
            throw Values.error(field, field + " has no settings; a profile needs at least a command", raw);
        }
        if (raw.value() instanceof Profile p) {
            if (!p.name().equals(name)) {
                throw Values.error(
                        field,
                        field + " holds a Profile named " + Values.quote(p.name())
                                + "; the name and the key must be the same",
                        raw);
            }
            raw = raw.child(asMapping(p));
        }
        Map<String, Object> body = Values.mapping(field, raw, "a mapping with keys " + String.join(", ", KEYS));
        Keys.requireKnown(field, body, KEYS, raw);

        String runtime = !body.containsKey("runtime")
                ? "process"
                : Values.oneOf(field + ".runtime", raw.child(body.get("runtime")), RUNTIMES);
        List<String> command = command(field + ".command", raw.child(body.get("command")));
        Map<String, String> env = env(field + ".env", raw, body);
        boolean keepWorkspace = !body.containsKey("keep_workspace")
                ? false
                : Values.bool(field + ".keep_workspace", raw.child(body.get("keep_workspace")));
        Duration startupTimeout = !body.containsKey("startup_timeout")
                ? defaultStartupTimeout
                : Values.duration(field + ".startup_timeout", raw.child(body.get("startup_timeout")), "1s", "10m");
        Duration stopGrace = Values.duration(
                field + ".stop_grace",
                raw.child(body.containsKey("stop_grace") ? body.get("stop_grace") : "5s"),
                "0s",
                "60s");
        Profile.Limits limits = limits(field + ".limits", raw, body);
        Profile.Isolation isolation = isolation(field, runtime, raw, body, limits);
        long maxBytes = body.containsKey("workspace_max_bytes")
                ? Values.size(
                        field + ".workspace_max_bytes", raw.child(body.get("workspace_max_bytes")), "1MiB", "1TiB")
                : Profile.WorkspaceQuota.DEFAULT_MAX_BYTES;
        long maxFiles = body.containsKey("workspace_max_files")
                ? Values.integer(
                        field + ".workspace_max_files", raw.child(body.get("workspace_max_files")), 100, 100_000_000)
                : Profile.WorkspaceQuota.DEFAULT_MAX_FILES;
        return new Profile(
                name,
                runtime,
                command,
                env,
                keepWorkspace,
                startupTimeout,
                stopGrace,
                limits,
                isolation,
                new Profile.WorkspaceQuota(maxBytes, maxFiles));
    }

    private static final Pattern USER = Pattern.compile("([0-9]{1,10}):([0-9]{1,10})");
    private static final Pattern OCI_RUNTIME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private static Profile.Isolation isolation(
            String field, String runtime, RawValue raw, Map<String, Object> body, Profile.Limits limits) {
        Optional<String> image = optional(body, "image", v -> image(field + ".image", raw.child(v)));
        var images = new ArrayList<String>();
        image.ifPresent(images::add);
        if (body.get("images") != null) {
            if (!(body.get("images") instanceof List<?> list)) {
                throw Values.error(
                        field + ".images", field + ".images is not a list; allowed a list of image references", raw);
            }
            for (int i = 0; i < list.size(); i++) {
                String img = image(field + ".images[" + i + "]", raw.child(list.get(i)));
                if (!images.contains(img)) images.add(img);
            }
        }
        if (runtime.equals("docker") && image.isEmpty()) {
            throw Values.error(
                    field + ".image", field + ".image is required for runtime docker; allowed " + ImageNames.RULE, raw);
        }
        if (!runtime.equals("docker") && !images.isEmpty()) {
            throw Values.error(
                    field + ".image",
                    field + " sets an image but runs runtime " + runtime
                            + ", which takes none; only runtime docker uses images",
                    raw);
        }
        boolean network =
                body.containsKey("network") && Values.bool(field + ".network", raw.child(body.get("network")));
        Profile.Limits ceilings = limits(
                field + ".max_limits", raw, java.util.Collections.singletonMap("limits", body.get("max_limits")));
        checkCeilings(field, limits, ceilings, raw);
        int warmPool = body.containsKey("warm_pool")
                ? (int) Values.integer(field + ".warm_pool", raw.child(body.get("warm_pool")), 0, 64)
                : 0;
        if (warmPool > 0 && !runtime.equals("docker")) {
            throw Values.error(
                    field + ".warm_pool",
                    field + ".warm_pool = " + warmPool + " needs runtime docker; " + "allowed 0 for runtime " + runtime,
                    raw);
        }
        String user = body.containsKey("user")
                ? Values.matching(
                        field + ".user", raw.child(body.get("user")), USER, "uid:gid as two numbers, e.g. 1000:1000")
                : Profile.Isolation.DEFAULT_USER;
        if (user.equals("0:0") || user.startsWith("0:")) {
            throw Values.error(
                    field + ".user",
                    field + ".user = " + Values.quote(user) + " is root; allowed a non-root uid:gid, e.g. 1000:1000",
                    raw);
        }
        Optional<Path> seccomp =
                optional(body, "seccomp_profile", v -> readableFile(field + ".seccomp_profile", raw.child(v)));
        Optional<String> oci = optional(
                body,
                "oci_runtime",
                v -> Values.matching(
                        field + ".oci_runtime",
                        raw.child(v),
                        OCI_RUNTIME,
                        "the name of an OCI runtime registered with Docker, e.g. runsc"));
        boolean strict = body.containsKey("oci_runtime_strict")
                && Values.bool(field + ".oci_runtime_strict", raw.child(body.get("oci_runtime_strict")));
        var roPaths = new ArrayList<Path>();
        if (body.get("read_only_paths") != null) {
            if (!(body.get("read_only_paths") instanceof List<?> list)) {
                throw Values.error(
                        field + ".read_only_paths",
                        field + ".read_only_paths is not a list; allowed a list of " + "absolute host paths",
                        raw);
            }
            for (int i = 0; i < list.size(); i++)
                roPaths.add(hostPath(field + ".read_only_paths[" + i + "]", raw.child(list.get(i))));
        }
        long tmp = body.containsKey("tmp_size")
                ? Values.size(field + ".tmp_size", raw.child(body.get("tmp_size")), "1MiB", "16GiB")
                : Profile.Isolation.DEFAULT_TMP_BYTES;
        return new Profile.Isolation(
                image,
                images,
                network,
                ceilings,
                warmPool,
                user,
                seccomp,
                oci,
                strict,
                roPaths,
                tmp,
                envAllow(field + ".env_allow", raw, body.get("env_allow")));
    }

    /** Requests may set only what this lists; see {@link EnvRules#allowEntryProblem}. */
    private static List<String> envAllow(String field, RawValue raw, Object value) {
        if (value == null) return List.of();
        if (!(value instanceof List<?> list)) {
            throw Values.error(
                    field, field + " is not a list; allowed a list of entries, each " + EnvRules.ALLOW_RULE, raw);
        }
        var out = new ArrayList<String>();
        for (int i = 0; i < list.size(); i++) {
            String entryField = field + "[" + i + "]";
            String entry = Values.string(entryField, raw.child(list.get(i)), EnvRules.ALLOW_RULE);
            EnvRules.allowEntryProblem(entry).ifPresent(p -> {
                throw Values.error(entryField, entryField + " = " + Values.quote(entry) + " " + p, raw);
            });
            if (!out.contains(entry)) out.add(entry);
        }
        return out;
    }

    private static String image(String field, RawValue raw) {
        String s = Values.string(field, raw, ImageNames.RULE);
        ImageNames.problem(s).ifPresent(p -> {
            throw Values.error(field, field + " = " + Values.quote(s) + " " + p, raw);
        });
        return s;
    }

    /** A ceiling below its default would make the profile's own default a request it refuses. */
    private static void checkCeilings(String field, Profile.Limits limits, Profile.Limits ceilings, RawValue raw) {
        checkCeiling(field, "open_files", limits.openFiles(), ceilings.openFiles(), raw);
        checkCeiling(field, "processes", limits.processes(), ceilings.processes(), raw);
        checkCeiling(field, "file_size", limits.fileSizeBytes(), ceilings.fileSizeBytes(), raw);
        checkCeiling(field, "memory", limits.memoryBytes(), ceilings.memoryBytes(), raw);
        if (limits.cpus().isPresent()
                && ceilings.cpus().isPresent()
                && ceilings.cpus().get() < limits.cpus().get()) {
            throw Values.error(
                    field + ".max_limits.cpus",
                    field + ".max_limits.cpus is below " + field
                            + ".limits.cpus; a ceiling must be at least the default",
                    raw);
        }
    }

    private static void checkCeiling(String field, String key, Optional<Long> def, Optional<Long> max, RawValue raw) {
        if (def.isPresent() && max.isPresent() && max.get() < def.get()) {
            throw Values.error(
                    field + ".max_limits." + key,
                    field + ".max_limits." + key + " = " + max.get() + " is below " + field + ".limits." + key + " = "
                            + def.get() + "; a ceiling must be at least the default",
                    raw);
        }
    }

    private static Path hostPath(String field, RawValue raw) {
        String rule = "an absolute, normalized host path without ',', '=' or ':'";
        String s = value(field, raw, rule);
        if (!s.startsWith("/")
                || s.contains(",")
                || s.contains("=")
                || s.contains(":")
                || s.chars().anyMatch(Character::isISOControl)
                || !Path.of(s).normalize().toString().equals(s)) {
            throw Values.error(field, field + " = " + Values.quote(s) + " is not allowed; allowed " + rule, raw);
        }
        return Path.of(s);
    }

    private static String value(String field, RawValue raw, String rule) {
        return raw.value() instanceof Path p ? p.toString() : Values.string(field, raw, rule);
    }

    private static Path readableFile(String field, RawValue raw) {
        Path p = hostPath(field, raw);
        if (!java.nio.file.Files.isRegularFile(p) || !java.nio.file.Files.isReadable(p)) {
            throw Values.error(
                    field,
                    field + " = " + Values.quote(p.toString()) + " is not a readable file; allowed "
                            + "the path of a seccomp profile (JSON)",
                    raw);
        }
        return p;
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
            throw Values.error(
                    field, field + " = " + Values.show(v) + " is not a list or a string; allowed " + COMMAND_RULE, raw);
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
            throw Values.error(
                    field, field + " contains a NUL character at index " + at + "; allowed any text without NUL", raw);
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
        EnvRules.nameProblem(name).ifPresent(problem -> {
            throw Values.error(
                    field, "environment variable name " + Values.quote(name) + " in " + field + " " + problem, raw);
        });
        if (!(raw.value() instanceof String value)) {
            String hint = raw.value() instanceof Number || raw.value() instanceof Boolean ? " (quote it in YAML)" : "";
            throw Values.error(
                    field,
                    field + " is not a string" + hint + "; allowed a string of at most "
                            + Sizes.format(ENV_VALUE_MAX_BYTES) + " without control characters",
                    raw);
        }
        EnvRules.valueProblem(value).ifPresent(problem -> {
            throw Values.error(field, field + " " + problem, raw);
        });
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
        var iso = p.isolation();
        iso.image().ifPresent(v -> m.put("image", v));
        if (!iso.images().isEmpty()) m.put("images", iso.images());
        m.put("network", iso.network());
        var c = new LinkedHashMap<String, Object>();
        iso.ceilings().openFiles().ifPresent(v -> c.put("open_files", v));
        iso.ceilings().processes().ifPresent(v -> c.put("processes", v));
        iso.ceilings().fileSizeBytes().ifPresent(v -> c.put("file_size", v));
        iso.ceilings().memoryBytes().ifPresent(v -> c.put("memory", v));
        iso.ceilings().cpus().ifPresent(v -> c.put("cpus", v));
        m.put("max_limits", c);
        m.put("warm_pool", iso.warmPool());
        m.put("user", iso.user());
        iso.seccompProfile().ifPresent(v -> m.put("seccomp_profile", v));
        iso.ociRuntime().ifPresent(v -> m.put("oci_runtime", v));
        m.put("oci_runtime_strict", iso.ociRuntimeStrict());
        m.put("read_only_paths", iso.readOnlyPaths());
        m.put("tmp_size", iso.tmpSizeBytes());
        m.put("env_allow", iso.envAllow());
        m.put("workspace_max_bytes", p.workspaceQuota().maxBytes());
        m.put("workspace_max_files", p.workspaceQuota().maxFiles());
        return m;
    }
}
