package dev.bosun.sandbox;

import dev.bosun.config.EnvRules;
import dev.bosun.config.ImageNames;
import dev.bosun.config.Profile;
import dev.bosun.config.SandboxSettings;
import dev.bosun.config.Sizes;
import dev.bosun.config.StartupVariables;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a session request to its profile, under the operator's settings, and returns the profile the
 * worker really runs with. A request can only narrow or choose within what the operator wrote down:
 * another image from the allowlist, resources up to the ceilings, no network where the profile has
 * one. Everything else is refused before anything starts, with INVALID_ARGUMENT whose details name
 * the {@code field} and the {@code rule} it breaks:
 *
 * <ul>
 *   <li>{@code runtime_fixed}: the runtime is the profile's;</li>
 *   <li>{@code image_name}, {@code image_allowlist}: a well-formed image the profile allows;</li>
 *   <li>{@code no_added_capabilities}: every capability is dropped, none can be added;</li>
 *   <li>{@code read_only_root}: the root file system stays read-only;</li>
 *   <li>{@code network_allowed}: a network only where profile and operator both allow one;</li>
 *   <li>{@code limit_range}, {@code limit_ceiling}: positive resources within the profile's ceilings;</li>
 *   <li>{@code env_name}, {@code env_value}: the environment rules of {@link EnvRules};</li>
 *   <li>{@code env_startup}: never a variable that changes how a program loads or starts
 *       ({@link StartupVariables}), whatever the profile allows;</li>
 *   <li>{@code env_allowlist}: only variables the profile's {@code env_allow} lists.</li>
 * </ul>
 */
public final class SandboxPolicy {
    private SandboxPolicy() {}

    /** The profile one session's worker runs with. */
    public static Profile apply(Profile profile, SandboxRequest request, SandboxSettings operator) {
        Profile.Isolation iso = profile.isolation();
        request.runtime().ifPresent(r -> {
            if (!r.equals(profile.runtime())) {
                throw refuse(
                        "sandbox.runtime",
                        "runtime_fixed",
                        "sandbox.runtime = '" + safe(r) + "' is not allowed: profile '" + profile.name()
                                + "' runs runtime '" + profile.runtime() + "' and a request cannot change it");
            }
        });
        if (!request.capAdd().isEmpty()) {
            throw refuse(
                    "sandbox.cap_add",
                    "no_added_capabilities",
                    "sandbox.cap_add is not allowed: every capability is "
                            + "dropped from workers and a request cannot add one");
        }
        if (request.readOnlyRoot().isPresent() && !request.readOnlyRoot().get()) {
            throw refuse(
                    "sandbox.read_only_root",
                    "read_only_root",
                    "sandbox.read_only_root = false is not allowed: "
                            + "a worker's root file system is always read-only");
        }
        if (request.image().isPresent()) {
            String image = request.image().get();
            ImageNames.problem(image).ifPresent(p -> {
                throw refuse("sandbox.image", "image_name", "sandbox.image " + p);
            });
            if (!profile.runtime().equals("docker")) {
                throw refuse(
                        "sandbox.image",
                        "image_allowlist",
                        "sandbox.image is not allowed: profile '" + profile.name() + "' runs runtime '"
                                + profile.runtime() + "', which takes no image");
            }
            if (!iso.images().contains(image)) {
                throw refuse(
                        "sandbox.image",
                        "image_allowlist",
                        "sandbox.image '" + image + "' is not in the allowlist of" + " profile '" + profile.name()
                                + "'; allowed " + String.join(", ", iso.images()));
            }
            iso = iso.withImage(image);
        }
        boolean network = request.network().orElse(iso.network()) && iso.network() && operator.allowNetwork();
        if (request.network().orElse(false) && !network) {
            throw refuse(
                    "sandbox.network",
                    "network_allowed",
                    "sandbox.network = true is not allowed: "
                            + (iso.network()
                                    ? "the operator does not allow networks for workers (sandbox_allow_network)"
                                    : "profile '" + profile.name() + "' does not allow a network"));
        }
        iso = iso.withNetwork(network);

        // An isolating runtime applies SandboxDefaults where the profile sets no limit; those are
        // then the defaults (and, without a max_limits entry, the ceilings) a request works within.
        boolean isolating = !profile.runtime().equals(ProcessSandbox.RUNTIME);
        Profile.Limits d = isolating ? SandboxDefaults.fill(profile.limits()) : profile.limits();
        Profile.Limits c = iso.ceilings();
        var limits = new Profile.Limits(
                limit("open_files", request.openFiles(), d.openFiles(), c.openFiles(), profile),
                limit("processes", request.processes(), d.processes(), c.processes(), profile),
                limit("file_size", request.fileSizeBytes(), d.fileSizeBytes(), c.fileSizeBytes(), profile),
                limit("memory", request.memoryBytes(), d.memoryBytes(), c.memoryBytes(), profile),
                cpus(request.cpus(), d.cpus(), c.cpus(), profile));

        var env = new LinkedHashMap<>(profile.env());
        request.env().forEach((name, value) -> {
            String field = "sandbox.env." + safe(name);
            EnvRules.nameProblem(name).ifPresent(p -> {
                throw refuse(field, "env_name", "environment variable name '" + safe(name) + "' " + p);
            });
            EnvRules.valueProblem(value).ifPresent(p -> {
                throw refuse(field, "env_value", field + " " + p);
            });
            StartupVariables.of(name).ifPresent(f -> {
                throw refuse(
                        field,
                        "env_startup",
                        field + " is not allowed: it changes how a program loads or starts (" + f.name() + ": "
                                + f.why() + "); a request may never set it, only the operator in the profile's env");
            });
            if (!EnvRules.allows(profile.isolation().envAllow(), name)) {
                throw refuse(
                        field,
                        "env_allowlist",
                        field + " is not allowed: profile '" + profile.name() + "' lets requests set "
                                + (profile.isolation().envAllow().isEmpty()
                                        ? "no environment variables (env_allow is empty)"
                                        : "only "
                                                + String.join(
                                                        ", ",
                                                        profile.isolation().envAllow()) + " (env_allow)"));
            }
            env.put(name, value);
        });
        return profile.with(limits, iso, env);
    }

    private static Optional<Long> limit(
            String key, Optional<Long> asked, Optional<Long> def, Optional<Long> ceiling, Profile profile) {
        if (asked.isEmpty()) return def;
        long v = asked.get();
        String field = "sandbox.limits." + key;
        boolean bytes = key.equals("memory") || key.equals("file_size");
        if (v <= 0)
            throw refuse(field, "limit_range", field + " = " + v + " is out of range; allowed a positive value");
        Optional<Long> max = ceiling.or(() -> def);
        if (max.isEmpty() || v > max.get()) {
            throw refuse(
                    field,
                    "limit_ceiling",
                    field + " = " + show(v, bytes) + " is above the ceiling of profile '"
                            + profile.name() + "'; allowed "
                            + max.map(m -> "1.." + show(m, bytes))
                                    .orElse("nothing: the profile sets no " + key + " a request could ask for"));
        }
        return asked;
    }

    private static Optional<Double> cpus(
            Optional<Double> asked, Optional<Double> def, Optional<Double> ceiling, Profile p) {
        if (asked.isEmpty()) return def;
        double v = asked.get();
        String field = "sandbox.limits.cpus";
        if (!(v >= 0.01))
            throw refuse(field, "limit_range", field + " = " + v + " is out of range; allowed 0.01 or more");
        Optional<Double> max = ceiling.or(() -> def);
        if (max.isEmpty() || v > max.get()) {
            throw refuse(
                    field,
                    "limit_ceiling",
                    field + " = " + v + " is above the ceiling of profile '" + p.name() + "'; allowed "
                            + max.map(m -> "0.01.." + m)
                                    .orElse("nothing: the profile sets no cpus a request could ask for"));
        }
        return asked;
    }

    private static String show(long v, boolean bytes) {
        return bytes ? Sizes.format(v) : Long.toString(v);
    }

    /** Echoed text from a request is cut short and stripped of control characters. */
    private static String safe(String s) {
        String t = s.codePoints()
                .map(cp -> Character.isISOControl(cp) ? '?' : cp)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return t.length() > 64 ? t.substring(0, 64) + "…" : t;
    }

    private static BosunException refuse(String field, String rule, String message) {
        return new BosunException(ErrorCode.INVALID_ARGUMENT, message, Map.of("field", field, "rule", rule));
    }
}
