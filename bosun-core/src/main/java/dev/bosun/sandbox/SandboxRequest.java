package dev.bosun.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.Sizes;
import dev.bosun.error.BosunException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a session request asks of its sandbox, beyond picking a profile: an image from the profile's
 * allowlist, resources within its ceilings, a network where allowed, extra environment. Fields a
 * caller may never set ({@code runtime} other than the profile's, {@code cap_add}, {@code
 * read_only_root: false}) are still represented, so that {@link SandboxPolicy} can refuse them with
 * the rule they break rather than a bare "unknown field".
 *
 * <p>In JSON (the {@code sandbox} object of {@code POST /v1/sessions}):
 * <pre>{"image": "agent:2", "network": false, "env": {"MODE": "fast"},
 *  "limits": {"memory": "512MiB", "cpus": 1.5, "processes": 128, "open_files": 1024, "file_size": "1GiB"}}</pre>
 */
public record SandboxRequest(
        Optional<String> runtime,
        Optional<String> image,
        Optional<Boolean> network,
        List<String> capAdd,
        Optional<Boolean> readOnlyRoot,
        Map<String, String> env,
        Optional<Long> openFiles,
        Optional<Long> processes,
        Optional<Long> fileSizeBytes,
        Optional<Long> memoryBytes,
        Optional<Double> cpus) {
    /** Asks for nothing: the profile as it is. */
    public static final SandboxRequest NONE = new SandboxRequest(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());

    static final Set<String> FIELDS =
            Set.of("runtime", "image", "network", "cap_add", "read_only_root", "env", "limits");
    static final Set<String> LIMIT_FIELDS = Set.of("open_files", "processes", "file_size", "memory", "cpus");

    public SandboxRequest {
        capAdd = List.copyOf(capAdd);
        env = Map.copyOf(env);
    }

    /**
     * Reads the {@code sandbox} object of a request. Only the shape is checked here (types, known
     * fields); whether the values are allowed is {@link SandboxPolicy}'s job. Errors are
     * INVALID_ARGUMENT naming the field, e.g. {@code sandbox.limits.memory}.
     */
    public static SandboxRequest fromJson(JsonNode node) {
        if (node == null || node.isNull()) return NONE;
        if (!node.isObject()) throw BosunException.invalid("sandbox", "sandbox must be a JSON object");
        known("sandbox", node, FIELDS);
        JsonNode limits = node.get("limits");
        if (limits != null && !limits.isNull()) {
            if (!limits.isObject())
                throw BosunException.invalid("sandbox.limits", "sandbox.limits must be a JSON object");
            known("sandbox.limits", limits, LIMIT_FIELDS);
        } else {
            limits = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        var caps = new ArrayList<String>();
        JsonNode capNode = node.get("cap_add");
        if (capNode != null && !capNode.isNull()) {
            if (!capNode.isArray())
                throw BosunException.invalid("sandbox.cap_add", "sandbox.cap_add must be a list of strings");
            capNode.forEach(c -> caps.add(c.asText()));
        }
        var env = new LinkedHashMap<String, String>();
        JsonNode envNode = node.get("env");
        if (envNode != null && !envNode.isNull()) {
            if (!envNode.isObject())
                throw BosunException.invalid("sandbox.env", "sandbox.env must be a JSON object of name to string");
            for (var it = envNode.fields(); it.hasNext(); ) {
                var e = it.next();
                if (!e.getValue().isTextual()) {
                    throw BosunException.invalid("sandbox.env." + e.getKey(), "sandbox.env values must be strings");
                }
                env.put(e.getKey(), e.getValue().textValue());
            }
        }
        return new SandboxRequest(
                text(node, "runtime"),
                text(node, "image"),
                bool(node, "network"),
                caps,
                bool(node, "read_only_root"),
                env,
                whole(limits, "open_files"),
                whole(limits, "processes"),
                size(limits, "file_size"),
                size(limits, "memory"),
                decimal(limits, "cpus"));
    }

    private static void known(String field, JsonNode node, Set<String> fields) {
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!fields.contains(f)) {
                throw BosunException.invalid(
                        field + "." + f,
                        "unknown field " + field + "." + f + "; allowed "
                                + String.join(", ", fields.stream().sorted().toList()));
            }
        }
    }

    private static Optional<String> text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isTextual()) throw BosunException.invalid("sandbox." + f, "sandbox." + f + " must be a string");
        return Optional.of(v.textValue());
    }

    private static Optional<Boolean> bool(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isBoolean()) throw BosunException.invalid("sandbox." + f, "sandbox." + f + " must be true or false");
        return Optional.of(v.booleanValue());
    }

    private static Optional<Long> whole(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw BosunException.invalid("sandbox.limits." + f, "sandbox.limits." + f + " must be a whole number");
        }
        return Optional.of(v.longValue());
    }

    private static Optional<Long> size(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return Optional.empty();
        if (v.isIntegralNumber() && v.canConvertToLong()) return Optional.of(v.longValue());
        if (v.isTextual()) {
            try {
                return Optional.of(Sizes.parse(v.textValue()));
            } catch (IllegalArgumentException e) {
                throw BosunException.invalid(
                        "sandbox.limits." + f,
                        "sandbox.limits." + f + " = " + e.getMessage()
                                + "; allowed a number of bytes or a size such as 512MiB");
            }
        }
        throw BosunException.invalid(
                "sandbox.limits." + f, "sandbox.limits." + f + " must be a number of bytes or a size such as 512MiB");
    }

    private static Optional<Double> decimal(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) return Optional.empty();
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw BosunException.invalid("sandbox.limits." + f, "sandbox.limits." + f + " must be a number");
        }
        return Optional.of(v.doubleValue());
    }
}
