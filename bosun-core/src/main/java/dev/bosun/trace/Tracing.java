package dev.bosun.trace;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Bosun's one door to OpenTelemetry traces (docs/OPERATIONS.md, Traces; docs/DECISIONS.md D102).
 * Core code starts its spans and carries {@code traceparent} only through here, so the rest of core
 * needs no tracing imports beyond {@link Span} and {@link SpanKind}. Until a server installs an SDK
 * ({@link #install}) everything here is the API's no-op: a span is a no-op object (only its
 * attributes are still built), {@link #headers()} is empty and {@link #traceparent()} is absent.
 */
public final class Tracing {
    /** The instrumentation scope of every Bosun span. */
    public static final String SCOPE = "dev.bosun";
    /** The W3C header, and (upper-cased) the environment variable of the OTel env-carrier convention. */
    public static final String TRACEPARENT = "traceparent";

    public static final String TRACEPARENT_ENV = "TRACEPARENT";
    /** The attributes several of Bosun's spans carry. */
    public static final AttributeKey<String> TENANT = AttributeKey.stringKey("bosun.tenant");

    public static final AttributeKey<String> SESSION_ID = AttributeKey.stringKey("bosun.session.id");
    /** OpenTelemetry's database attribute: {@code sqlite} or {@code postgresql} on a store write's span. */
    public static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");

    private static final TextMapSetter<Map<String, String>> MAP_SETTER = (map, key, value) -> {
        if (map != null) map.put(key, value);
    };

    private static volatile OpenTelemetry otel = OpenTelemetry.noop();
    private static volatile Tracer tracer = otel.getTracer(SCOPE);
    private static volatile boolean enabled;

    private Tracing() {}

    /** Makes {@code telemetry} the source of every span and propagator from now on (the server, once, at start). */
    public static void install(OpenTelemetry telemetry) {
        otel = telemetry;
        tracer = telemetry.getTracer(SCOPE);
        enabled = telemetry != OpenTelemetry.noop();
    }

    /**
     * Whether an OpenTelemetry other than the no-op one is installed: a hot path (a routing decision)
     * skips building attributes and a current context that nothing would record.
     */
    public static boolean enabled() {
        return enabled;
    }

    /** Back to the no-op (tests, and a server that closes its SDK). */
    public static void reset() {
        install(OpenTelemetry.noop());
    }

    /** Starts a span, a child of the current context's span; the caller makes it current and ends it. */
    public static Span start(String name, SpanKind kind, Attributes attributes) {
        return tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setAllAttributes(attributes)
                .startSpan();
    }

    /** Starts a span, a child of {@code parent}'s span (e.g. one extracted from a caller's header). */
    public static Span start(String name, SpanKind kind, Attributes attributes, Context parent) {
        return tracer.spanBuilder(name)
                .setParent(parent)
                .setSpanKind(kind)
                .setAllAttributes(attributes)
                .startSpan();
    }

    /**
     * Runs {@code body} in a new current span and ends it; {@code onResult} may add what the result says
     * (a status, an outcome). A thrown exception is recorded on the span, which is then an error.
     */
    public static <T> T call(
            String name, SpanKind kind, Attributes attributes, Supplier<T> body, BiConsumer<Span, T> onResult) {
        Span span = start(name, kind, attributes);
        try (Scope ignored = span.makeCurrent()) {
            T result = body.get();
            onResult.accept(span, result);
            return result;
        } catch (RuntimeException | Error e) {
            fail(span, e);
            throw e;
        } finally {
            span.end();
        }
    }

    /**
     * Whether the current context is in a trace: a store write is traced as part of the request or job
     * that makes it, and a background write with nothing around it (a reaper sweep, a purge) starts no
     * trace of its own, which would only be noise.
     */
    public static boolean inTrace() {
        return Span.current().getSpanContext().isValid();
    }

    /** Marks a span failed by {@code e}: the exception event and an ERROR status naming its type. */
    public static void fail(Span span, Throwable e) {
        span.recordException(e);
        span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
    }

    /** A context whose span is {@code cause}, to start a span under a cause remembered in memory. */
    public static Context under(SpanContext cause) {
        return cause != null && cause.isValid() ? Context.root().with(Span.wrap(cause)) : Context.root();
    }

    /** The headers ({@code traceparent}, {@code tracestate}) that carry the current context to an HTTP receiver. */
    public static Map<String, String> headers() {
        var out = new LinkedHashMap<String, String>(2);
        otel.getPropagators().getTextMapPropagator().inject(Context.current(), out, MAP_SETTER);
        return out;
    }

    /** The current context as a W3C {@code traceparent} value, when tracing is on and a span is current. */
    public static Optional<String> traceparent() {
        return Optional.ofNullable(headers().get(TRACEPARENT));
    }

    /** The context a caller sent (its {@code traceparent}), read from any header source; root when none. */
    public static <C> Context extract(C carrier, TextMapGetter<C> getter) {
        return otel.getPropagators().getTextMapPropagator().extract(Context.root(), carrier, getter);
    }
}
