package dev.bosun.server.http;

import io.opentelemetry.api.trace.Span;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;
import org.slf4j.MDC;

/**
 * The first filter on every request: gives it a request id (the caller's {@code X-Request-Id} when it
 * is a safe token, else a new UUID), echoes it in the response, and puts it, with the session id of a
 * {@code /v1/sessions/{id}} path, in the logging MDC for the lines the request causes. A request that
 * never reaches a route (refused at the edge) gets its access-log line here; the others get theirs
 * from {@link AccessLog} when Javalin has finished them. It also counts the request in the
 * {@link Drain} from its arrival until its answer has been sent in full, and starts the request's
 * span ({@link HttpSpans}), current while the request runs, with its {@code trace_id} in the MDC.
 */
public final class RequestContext extends HttpFilter {
    public static final String HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "bosun.request_id";
    static final String STARTED = "bosun.started_nanos";
    static final String LOGGED = "bosun.access_logged";
    static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern SESSION = Pattern.compile("^/v1/sessions/([A-Za-z0-9_-]{1,64})(/.*)?$");

    private static final java.util.Set<String> OPEN_WHILE_DRAINING = java.util.Set.of("/healthz", "/metrics");

    private final AccessLog access;
    private final Drain drain;
    private final HttpSpans spans;

    public RequestContext(AccessLog access, Drain drain, HttpSpans spans) {
        this.access = access;
        this.drain = drain;
        this.spans = spans;
    }

    /** The caller's id when it is 1 to 128 of {@code A-Z a-z 0-9 . _ : -}, else a fresh one. */
    static String requestId(String given) {
        return given != null && VALID.matcher(given).matches() ? given : freshId();
    }

    /**
     * A random (version 4) UUID from the thread's own generator. {@code UUID.randomUUID()} draws on one
     * shared {@code SecureRandom} per request, a lock and a read of the kernel's pool that every request
     * thread queues for; a request id names a request in logs and answers and guards nothing (D125).
     */
    static String freshId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // the IETF variant
        return new UUID(msb, lsb).toString();
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String id = requestId(req.getHeader(HEADER));
        req.setAttribute(ATTRIBUTE, id);
        req.setAttribute(STARTED, System.nanoTime());
        res.setHeader(HEADER, id);
        MDC.put("request_id", id);
        Matcher m = SESSION.matcher(req.getRequestURI());
        if (m.matches()) MDC.put("session_id", m.group(1));
        Span span = spans.start(req, id);
        if (span.getSpanContext().isValid()) {
            // Logs and traces join on these (D102); absent while tracing is off.
            MDC.put("trace_id", span.getSpanContext().getTraceId());
            MDC.put("span_id", span.getSpanContext().getSpanId());
        }
        drain.enter();
        // The request leaves the drain's count when Jetty has sent its last byte, not when this filter
        // returns: Jetty flushes the buffered end of the answer after the servlet, and a drain that
        // stopped the server in that window closed the connection without an answer.
        ServletContextRequest core = ServletContextRequest.getServletContextRequest(req);
        if (core != null) Request.addCompletionListener(core, failure -> drain.exit());
        try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
            if (drain.draining() && !OPEN_WHILE_DRAINING.contains(req.getRequestURI())) {
                res.setHeader("Connection", "close");
                ApiErrors.write(
                        res,
                        new dev.bosun.error.BosunException(
                                dev.bosun.error.ErrorCode.UNAVAILABLE,
                                "this node is shutting down; retry, and a load balancer sends you to another node",
                                java.util.Map.of("retry_after_seconds", 1)));
                return;
            }
            chain.doFilter(req, res);
        } finally {
            if (core == null) drain.exit();
            if (!req.isAsyncStarted()) {
                if (req.getAttribute(LOGGED) == null) access.write(req, res.getStatus(), id);
                spans.end(req, res.getStatus());
            }
            MDC.clear();
        }
    }
}
