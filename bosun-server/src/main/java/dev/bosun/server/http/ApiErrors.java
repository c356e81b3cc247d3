package dev.bosun.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.json.Json;
import io.javalin.http.Context;
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
            case UNAVAILABLE -> 503;
            case INSUFFICIENT_STORAGE -> 507;
            case INTERNAL -> 500;
        };
    }

    public static ObjectNode body(ErrorCode code, String message, Map<String, ?> details) {
        ObjectNode err = Json.object();
        err.put("code", code.name());
        err.put("message", message);
        err.set("details", Json.MAPPER.valueToTree(details));
        ObjectNode root = Json.object();
        root.set("error", err);
        return root;
    }

    public static void write(Context ctx, BosunException e) {
        if (e.details().get("retry_after_seconds") instanceof Number n) ctx.header("Retry-After", Long.toString(n.longValue()));
        if (e.code() == ErrorCode.UNAUTHENTICATED) ctx.header("WWW-Authenticate", "Bearer");
        // INTERNAL messages come from deep inside (a driver, the OS) and may name paths: say less.
        String message = e.code() == ErrorCode.INTERNAL && !e.details().containsKey("session_id")
                ? "internal error; the server log has the details" : e.getMessage();
        ctx.status(status(e.code())).contentType("application/json").result(Json.write(body(e.code(), message, e.details())));
    }
}
