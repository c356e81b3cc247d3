package dev.bosun.server.http;

import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.propagation.TextMapGetter;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;

/**
 * The SERVER span of every request (docs/OPERATIONS.md, Traces): started by {@link RequestContext}
 * under the caller's {@code traceparent} when it sent a valid one, named and ended with the route
 * template once the request is done, by the request logger for routed requests (also those finished
 * asynchronously, a long-poll or a stream) and by the filter for those refused before a route. Like
 * the access log it never carries the raw path, only the template.
 */
public final class HttpSpans {
    static final String ATTRIBUTE = "bosun.span";
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("bosun.request_id");

    private static final TextMapGetter<HttpServletRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(HttpServletRequest req) {
            return Collections.list(req.getHeaderNames());
        }

        @Override
        public String get(HttpServletRequest req, String key) {
            return req == null ? null : req.getHeader(key);
        }
    };

    private final RouteTemplates templates;

    public HttpSpans(RouteTemplates templates) {
        this.templates = templates;
    }

    /** Starts the request's span (a child of the caller's context) and keeps it on the request until it ends. */
    Span start(HttpServletRequest req, String requestId) {
        Span span = Tracing.start(
                req.getMethod(),
                SpanKind.SERVER,
                Attributes.of(METHOD, req.getMethod(), SCHEME, req.getScheme(), REQUEST_ID, requestId),
                Tracing.extract(req, HEADERS));
        req.setAttribute(ATTRIBUTE, span);
        return span;
    }

    /** Ends the span of a request Javalin routed, with its endpoint's template (called from its request logger). */
    public void end(HttpServletRequest req, String route, int status) {
        if (!(req.getAttribute(ATTRIBUTE) instanceof Span span)) return;
        req.removeAttribute(ATTRIBUTE);
        span.updateName(req.getMethod() + " " + route);
        span.setAttribute(ROUTE, route);
        span.setAttribute(STATUS, (long) status);
        if (req.getAttribute(Scope.TENANT) instanceof String tenant) span.setAttribute(Tracing.TENANT, tenant);
        // The server's own failures are errors; a 4xx is the caller's (OTel's HTTP server convention).
        if (status >= 500) span.setStatus(StatusCode.ERROR);
        span.end();
    }

    /** Ends the span of a request refused before a route, or of one whose request logger did not run. */
    void end(HttpServletRequest req, int status) {
        if (req.getAttribute(ATTRIBUTE) != null)
            end(req, templates.template(req.getMethod(), req.getRequestURI()), status);
    }
}
