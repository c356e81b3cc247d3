package dev.bosun.server.http;

import dev.bosun.wire.WireJson;
import io.javalin.http.Context;

/**
 * The two kinds of successful answer the JSON routes give: a JSON body, or none (204). Bodies are
 * bosun-wire records (built by {@link WireMapping}) written straight to bytes with the mapper the SDK
 * reads them with, with no tree in between (D110).
 */
final class Replies {
    private Replies() {}

    /** {@code answer}: a wire record, or a list of them (the fleet-h1-router's bare {@code GET /agents}). */
    static void json(Context ctx, int status, Object answer) {
        ctx.status(status).contentType("application/json").result(WireJson.bytes(answer));
    }

    static void noContent(Context ctx) {
        ctx.status(204);
        ctx.res().setContentType(null); // Javalin presets text/plain; a 204 has no content to type
    }
}
