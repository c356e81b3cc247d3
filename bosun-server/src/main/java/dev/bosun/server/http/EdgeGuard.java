package dev.bosun.server.http;

import dev.bosun.config.ServerSettings;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;

/**
 * What a browser must not be able to do to a Bosun it can reach (D57): in front of every route it
 * checks that the {@code Host} is one the server answers for (a DNS-rebinding page names its own),
 * that a cross-site {@code Origin} is one {@code cors_origins} allows (answering CORS preflights for
 * those), and that a request body is declared {@code application/json} (a form or {@code text/plain}
 * post needs no preflight, so it is how a page forges a request).
 */
public final class EdgeGuard extends HttpFilter {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH", "DELETE");
    static final String ALLOWED_HEADERS = "Authorization, Content-Type, Last-Event-ID, Idempotency-Key, X-Request-Id";
    static final String ALLOWED_METHODS = "GET, POST, DELETE";

    private final boolean checkHost;
    private final Set<String> hosts = new HashSet<>();
    private final boolean anyOrigin;
    private final Set<String> origins;
    /** A floor for the drain: a small max_request_bytes must not make an ordinary oversize body a reset. */
    static final long MIN_LINGER_BYTES = 4L << 20;
    /** How long the drain waits for the next bytes: a client that declared a body and stalls is let go. */
    static final long LINGER_READ_MILLIS = 2_000;

    private final long lingerBytes;

    public EdgeGuard(ServerSettings s) {
        // With keys a page cannot act without the key, so the Host check is the operator's choice then.
        this.checkHost = !s.authEnabled() || !s.allowedHosts().isEmpty();
        hosts.add("localhost");
        hosts.add("[::1]");
        hosts.add(
                s.host().toLowerCase(Locale.ROOT).contains(":") && !s.host().startsWith("[")
                        ? "[" + s.host().toLowerCase(Locale.ROOT) + "]"
                        : s.host().toLowerCase(Locale.ROOT));
        hosts.addAll(s.allowedHosts());
        this.lingerBytes = Math.max(2 * s.maxRequestBytes(), MIN_LINGER_BYTES);
        this.anyOrigin = s.corsOrigins().contains("*");
        this.origins = Set.copyOf(s.corsOrigins());
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        try {
            checkHost(req.getHeader("Host"));
            checkEscapes("path", req.getRequestURI());
            // Only the API reads its query; elsewhere a stray '%' harms nothing and is left alone.
            if (Api.authenticated(req.getRequestURI())) checkEscapes("query", req.getQueryString());
            String origin = req.getHeader("Origin");
            if (origin != null && !sameOrigin(origin, req)) {
                if (!corsAllows(origin)) {
                    throw new BosunException(
                            ErrorCode.FORBIDDEN,
                            "cross-site requests from origin " + shown(origin)
                                    + " are refused; an operator may allow it in cors_origins",
                            Map.of("field", "Origin", "rule", "cors_origins"));
                }
                res.setHeader("Access-Control-Allow-Origin", origin);
                res.addHeader("Vary", "Origin");
                if (req.getMethod().equals("OPTIONS") && req.getHeader("Access-Control-Request-Method") != null) {
                    res.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
                    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                    res.setHeader("Access-Control-Max-Age", "600");
                    res.setStatus(204);
                    return;
                }
                res.setHeader("Access-Control-Expose-Headers", "Retry-After, Location, X-Request-Id");
            }
            checkContentType(req);
        } catch (BosunException e) {
            // the body of a refused request is never read, and Jetty drops a connection left with one
            if (hasBody(req)) res.setHeader("Connection", "close");
            ApiErrors.write(res, e);
            discardUnread(req, res);
            return;
        }
        try {
            chain.doFilter(req, res);
        } finally {
            if (!req.isAsyncStarted()) discardUnread(req, res);
        }
    }

    /**
     * Reads and drops what is left of a request body that nobody read (a refused request, a body sent
     * to a route that takes none, the rest of one over max_request_bytes), up to twice that limit
     * and at least {@link #MIN_LINGER_BYTES}. Closing a connection with unread bytes in it makes the
     * kernel reset it, and a reset can destroy the answer still on its way to the client: it saw
     * "no bytes" or a cut-off chunked body instead of its 413 or 200. The answer is flushed first,
     * so a client that reads while it sends has it even when the body is longer than the drain and
     * Jetty closes the connection (as nginx's lingering close does).
     */
    private void discardUnread(HttpServletRequest req, HttpServletResponse res) {
        long length = req.getContentLengthLong();
        if (length <= 0) return;
        try {
            if (req.getInputStream().isFinished()) return; // the route read it all: nothing to protect
            res.flushBuffer();
        } catch (IOException | IllegalStateException e) {
            return; // the client went away, or the body was taken as a reader: nothing left to drain
        }
        if (length > lingerBytes) return;
        EndPoint endPoint = ServletContextRequest.getServletContextRequest(req)
                .getConnectionMetaData()
                .getConnection()
                .getEndPoint();
        long idle = endPoint.getIdleTimeout();
        if (idle <= 0 || idle > LINGER_READ_MILLIS) endPoint.setIdleTimeout(LINGER_READ_MILLIS);
        try (var in = req.getInputStream()) {
            byte[] sink = new byte[8192];
            long left = lingerBytes;
            for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) left -= n;
        } catch (IOException | IllegalStateException ignored) {
            // the client went away or stalled, or the body was taken as a reader: nothing left for us to drain
        } finally {
            endPoint.setIdleTimeout(idle);
        }
    }

    /**
     * Every {@code %} in the raw path and query starts two hex digits. Jetty lets through forms such
     * as {@code %u0041} that Javalin's decoder then fails on, which answered 500 for a client's typo.
     */
    static void checkEscapes(String field, String raw) {
        if (raw == null) return;
        for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
            if (i + 2 >= raw.length()
                    || !HexFormat.isHexDigit(raw.charAt(i + 1))
                    || !HexFormat.isHexDigit(raw.charAt(i + 2))) {
                throw new BosunException(
                        ErrorCode.INVALID_ARGUMENT,
                        "the request " + field + " has a '%' that is not "
                                + "followed by two hex digits; percent-encode it as %25",
                        Map.of("field", field, "rule", "percent_encoding"));
            }
        }
    }

    private void checkHost(String host) {
        if (!checkHost || host == null) return; // HTTP/1.0 without Host is no browser
        String name = hostName(host.strip().toLowerCase(Locale.ROOT));
        if (hosts.contains(name)
                || name.endsWith(".localhost")
                || LOOPBACK_V4.matcher(name).matches()) return;
        throw new BosunException(
                ErrorCode.FORBIDDEN,
                "this server does not answer for host " + shown(host)
                        + "; it answers for loopback names and allowed_hosts",
                Map.of("field", "Host", "rule", "allowed_hosts"));
    }

    /** The host of a {@code Host} header: without its port, IPv6 kept in brackets. */
    static String hostName(String host) {
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    private static boolean sameOrigin(String origin, HttpServletRequest req) {
        String host = req.getHeader("Host");
        return host != null && origin.equalsIgnoreCase(req.getScheme() + "://" + host.strip());
    }

    private boolean corsAllows(String origin) {
        return anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
    }

    private static void checkContentType(HttpServletRequest req) {
        if (!BODY_METHODS.contains(req.getMethod())) return;
        String type = req.getHeader("Content-Type");
        if (type == null ? !hasBody(req) : isJson(type)) return;
        throw new BosunException(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                (type == null ? "a request body without a Content-Type" : "Content-Type " + shown(type))
                        + " is refused; send the body as Content-Type: application/json (UTF-8)",
                Map.of("field", "Content-Type", "rule", "application/json"));
    }

    private static boolean hasBody(HttpServletRequest req) {
        return req.getContentLengthLong() > 0 || req.getHeader("Transfer-Encoding") != null;
    }

    /** {@code application/json}, with no parameter but an optional UTF-8 charset. */
    static boolean isJson(String contentType) {
        String[] parts = contentType.split(";");
        if (!parts[0].strip().equalsIgnoreCase("application/json")) return false;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) continue;
            if (!p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) return false;
        }
        return true;
    }

    /** A header value as it may be quoted back: short and printable. */
    private static String shown(String v) {
        String s = v.length() > 100 ? v.substring(0, 100) + "…" : v;
        return "'" + s.replaceAll("[^\\x20-\\x7e…]", "?") + "'";
    }
}
