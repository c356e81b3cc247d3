package dev.bosun.server.http;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line per request on the {@code bosun.access} logger: method, route template (never the raw
 * path, which may carry ids a tenant would rather not see in a shared log), status, duration in ms,
 * request id and tenant, as key-value pairs (JSON fields with {@code log_format = json}).
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("bosun.access");
    private final RouteTemplates templates;

    public AccessLog(RouteTemplates templates) {
        this.templates = templates;
    }

    /** The route template of a request: Javalin's endpoint, or the template its path matches. */
    public String route(Context ctx) {
        var endpoint = ctx.endpoints().matchedHttpEndpoint();
        return endpoint != null
                ? endpoint.path
                : templates.template(ctx.method().name(), ctx.path());
    }

    /** The line of a request Javalin routed (called from its request logger). */
    public void write(Context ctx, String route, float ms) {
        HttpServletRequest req = ctx.req();
        req.setAttribute(RequestContext.LOGGED, Boolean.TRUE);
        line(
                ctx.method().name(),
                route,
                ctx.statusCode(),
                Math.round(ms),
                (String) req.getAttribute(RequestContext.ATTRIBUTE),
                ctx.attribute(Scope.TENANT));
    }

    /** The line of a request refused before it reached a route. */
    void write(HttpServletRequest req, int status, String requestId) {
        Object started = req.getAttribute(RequestContext.STARTED);
        long ms = started instanceof Long t ? (System.nanoTime() - t) / 1_000_000 : 0;
        line(req.getMethod(), templates.template(req.getMethod(), req.getRequestURI()), status, ms, requestId, (String)
                req.getAttribute(Scope.TENANT));
    }

    private static void line(String method, String route, int status, long ms, String requestId, String tenant) {
        if (!log.isInfoEnabled()) return;
        LoggingEventBuilder b = log.atInfo()
                .addKeyValue("http.method", method)
                .addKeyValue("http.route", route)
                .addKeyValue("http.status", status)
                .addKeyValue("duration_ms", ms);
        if (requestId != null) b = b.addKeyValue("request_id", requestId);
        if (tenant != null) b = b.addKeyValue("tenant", tenant);
        b.log("{} {} {} {}ms", method, route, status, ms);
    }
}
