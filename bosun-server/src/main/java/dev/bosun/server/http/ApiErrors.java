package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.wire.ErrorEnvelope;
import dev.bosun.wire.WireJson;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where errors become HTTP: each {@link ErrorCode} maps to one status, and the body is
 * always {@code {"error": {"code", "message", "details"}}}. Never a stack trace, never a host path.
 */
public final class ApiErrors {
    private ApiErrors() {}

    public static int status(ErrorCode code) {
        return switch (code) {
            case INVALID_ARGUMENT -> 400;
            case UNAUTHENTICATED -> 401;
            case SESSIONS_DISABLED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT, NO_CAPABLE_AGENT -> 409;
            case PAYLOAD_TOO_LARGE -> 413;
            case LIMIT_REACHED -> 429;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
            case FORBIDDEN -> 403;
            case URI_TOO_LONG -> 414;
            case HEADERS_TOO_LARGE -> 431;
            case UNAVAILABLE -> 503;
            case INSUFFICIENT_STORAGE -> 507;
            case IDEMPOTENCY_KEY_REUSED -> 422;
            case IDEMPOTENCY_KEY_IN_PROGRESS -> 409;
            case INTERNAL -> 500;
        };
    }

    public static void write(Context ctx, BosunException e) {
        headers(e).forEach(ctx::header);
        // A body too large to read is left unread, and Jetty then drops the connection: say so, or a
        // client sends its next request on it and gets no answer.
        if (e.code() == ErrorCode.PAYLOAD_TOO_LARGE) ctx.header("Connection", "close");
        ctx.status(status(e.code())).contentType("application/json").result(WireJson.bytes(body(e)));
    }

    /** As {@link #write(Context, BosunException)}, for the servlet filter in front of Javalin. */
    public static void write(HttpServletResponse res, BosunException e) throws IOException {
        headers(e).forEach(res::setHeader);
        res.setStatus(status(e.code()));
        res.setContentType("application/json");
        res.getOutputStream().write(WireJson.bytes(body(e)));
    }

    /** The envelope of {@code e}, as the client gets it. */
    public static ErrorEnvelope body(BosunException e) {
        // INTERNAL messages come from deep inside (a driver, the OS) and may name paths: say less.
        String message = e.code() == ErrorCode.INTERNAL && !e.details().containsKey("session_id")
                ? "internal error; the server log has the details"
                : e.getMessage();
        return WireMapping.error(e.code(), message, e.details());
    }

    /** The headers that go with {@code e}: {@code Retry-After} on limits, {@code WWW-Authenticate} on 401. */
    public static Map<String, String> headers(BosunException e) {
        var out = new LinkedHashMap<String, String>();
        if (e.details().get("retry_after_seconds") instanceof Number n)
            out.put("Retry-After", Long.toString(n.longValue()));
        if (e.code() == ErrorCode.UNAUTHENTICATED) out.put("WWW-Authenticate", "Bearer");
        return out;
    }

    /**
     * The code for a status that Jetty chose before Bosun saw the request (a malformed request line,
     * a URI or headers too large): the one code that maps to it, else the generic one of its class.
     */
    public static ErrorCode codeFor(int status) {
        return switch (status) {
            case 403 -> ErrorCode.FORBIDDEN;
            case 409 -> ErrorCode.CONFLICT;
            default ->
                Arrays.stream(ErrorCode.values())
                        .filter(c -> status(c) == status)
                        .findFirst()
                        .orElse(status >= 500 ? ErrorCode.INTERNAL : ErrorCode.INVALID_ARGUMENT);
        };
    }
}
