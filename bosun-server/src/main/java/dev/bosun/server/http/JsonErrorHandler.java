package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.wire.WireJson;
import java.nio.ByteBuffer;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty answers some requests before Javalin sees them: a URI or headers over its buffers (414,
 * 431), a request line or encoding it cannot parse (400). Its default answer is an HTML page; this
 * one writes Bosun's JSON error envelope for every status instead, with Jetty's status kept.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // every method gets the envelope, not only GET/POST/HEAD
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty drops the connection after a request it could not take; say so, or a client reuses it and fails.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(status, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int status, String reason) {
        ErrorCode code = ApiErrors.codeFor(status);
        String message = switch (status) {
            case 414 -> "the request URI is longer than the server reads";
            case 431 -> "the request headers are larger than the server reads";
            case 400 -> "malformed HTTP request" + (printable(reason) ? ": " + reason : "");
            default -> "the request failed with HTTP status " + status + (printable(reason) ? ": " + reason : "");
        };
        Map<String, Object> details = switch (status) {
            case 414 -> Map.of("field", "uri");
            case 431 -> Map.of("field", "headers");
            case 400 -> Map.of("field", "request");
            default -> Map.of();
        };
        var e = new BosunException(code, message, details);
        return WireJson.bytes(ApiErrors.body(e));
    }

    /** Jetty's reasons are short fixed phrases; anything else (long, or with a path in it) is left out. */
    private static boolean printable(String reason) {
        return reason != null
                && !reason.isBlank()
                && reason.length() <= 80
                && reason.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                && !reason.contains("/");
    }
}
