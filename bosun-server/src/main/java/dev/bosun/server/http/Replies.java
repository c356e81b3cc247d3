package dev.bosun.server.http;

import dev.bosun.wire.SeqResponse;
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

    /**
     * The answer to send and emit, the hottest write route: {@link SeqResponse}'s bytes written without a
     * Jackson generator, whose buffer alone was ~5 % of the sends benchmark's samples (D115).
     * RepliesTest holds these bytes equal to {@link WireJson}'s for the record.
     */
    static void seq(Context ctx, int status, SeqResponse answer) {
        ctx.status(status).contentType("application/json").result(seqJson(answer));
    }

    static String seqJson(SeqResponse answer) {
        return "{\"seq\":" + answer.seq() + "}";
    }

    static void noContent(Context ctx) {
        ctx.status(204);
        ctx.res().setContentType(null); // Javalin presets text/plain; a 204 has no content to type
    }
}
