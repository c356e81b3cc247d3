package dev.bosun.server.tracing;

import dev.bosun.error.BosunException;
import dev.bosun.trace.Tracing;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns traces on from the standard {@code OTEL_*} environment variables, and only when they ask
 * for it (docs/OPERATIONS.md, Traces; docs/DECISIONS.md D102): an SDK is built when
 * {@code OTEL_TRACES_EXPORTER} names an exporter other than {@code none}, or when it is unset and
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} is set; never
 * when {@code OTEL_SDK_DISABLED=true}. Otherwise nothing is built and every span is the API's no-op.
 * Bosun exports traces only: metrics stay on {@code /metrics} and logs on stdout unless the
 * {@code OTEL_METRICS_EXPORTER} / {@code OTEL_LOGS_EXPORTER} variables say otherwise.
 */
public final class Telemetry {
    /** Bosun's defaults, below every system property and environment variable. */
    static final Map<String, String> DEFAULTS = Map.of(
            "otel.service.name", "bosun",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");

    private Telemetry() {}

    /** Whether {@code env} asks for traces (the rule above). */
    public static boolean wanted(Map<String, String> env) {
        if ("true".equalsIgnoreCase(trimmed(env, "OTEL_SDK_DISABLED"))) return false;
        String exporter = trimmed(env, "OTEL_TRACES_EXPORTER");
        if (!exporter.isEmpty()) return !exporter.equalsIgnoreCase("none");
        return !trimmed(env, "OTEL_EXPORTER_OTLP_ENDPOINT").isEmpty()
                || !trimmed(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT").isEmpty();
    }

    /**
     * Builds the SDK from {@code env} when it asks for traces and installs it as the source of Bosun's
     * spans; the SDK flushes and closes itself in a JVM shutdown hook. Empty when traces stay off.
     *
     * @throws BosunException INVALID_ARGUMENT when the variables ask for traces the SDK cannot configure
     */
    public static Optional<OpenTelemetrySdk> start(Map<String, String> env) {
        if (!wanted(env)) return Optional.empty();
        OpenTelemetrySdk sdk;
        try {
            sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> DEFAULTS)
                    // env (the process's own in production) overrides the defaults exactly as autoconfigure
                    // would read it: this way what decided "wanted" is what configures the SDK.
                    .addPropertiesCustomizer(config -> properties(env))
                    .build()
                    .getOpenTelemetrySdk();
        } catch (ConfigurationException e) {
            throw BosunException.invalid(
                    "OTEL_*",
                    "the OTEL_* variables do not configure traces: " + masked(e.getMessage(), env)
                            + " (docs/OPERATIONS.md, Traces)");
        }
        Tracing.install(sdk);
        return Optional.of(sdk);
    }

    /** {@code OTEL_FOO_BAR} as autoconfigure's {@code otel.foo.bar}. */
    static Map<String, String> properties(Map<String, String> env) {
        var out = new HashMap<String, String>();
        env.forEach((k, v) -> {
            if (k.startsWith("OTEL_")) out.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
        });
        return out;
    }

    /** The SDK's message without the values of {@code *_HEADERS} variables, which carry collectors' credentials. */
    static String masked(String message, Map<String, String> env) {
        String out = message == null ? "invalid configuration" : message;
        for (var e : env.entrySet()) {
            if (e.getKey().startsWith("OTEL_")
                    && e.getKey().endsWith("_HEADERS")
                    && !e.getValue().isBlank()) {
                out = out.replace(e.getValue(), "[REDACTED]");
            }
        }
        return out;
    }

    private static String trimmed(Map<String, String> env, String key) {
        String v = env.get(key);
        return v == null ? "" : v.trim();
    }
}
