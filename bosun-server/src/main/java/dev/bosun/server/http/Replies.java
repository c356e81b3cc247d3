package dev.bosun.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.json.Json;
import io.javalin.http.Context;

/** The two kinds of successful answer the JSON routes give: a JSON body, or none (204). */
final class Replies {
    private Replies() {}

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static void noContent(Context ctx) {
        ctx.status(204);
        ctx.res().setContentType(null); // Javalin presets text/plain; a 204 has no content to type
    }
}
