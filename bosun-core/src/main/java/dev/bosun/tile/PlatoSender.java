package dev.bosun.tile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.config.TileSettings;
import dev.bosun.delivery.Attempt;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.HttpPost;
import dev.bosun.delivery.Sender;
import dev.bosun.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * POSTs tiles to {@code {plato_url}/submit} and reads PLATO's verdict, as the deployed servers give it
 * (the PLATO Room Server and {@code plato-server}):
 * <ul>
 *   <li>2xx is delivered, keeping {@code tile_id} (plato-server) or {@code tile_hash} (Room Server);</li>
 *   <li>a 400 or 403 whose body says {@code "status": "rejected"} (a gate failure) is final, except a
 *       duplicate ({@code "reason": "Duplicate tile"}) of a tile sent before: an earlier attempt reached
 *       PLATO and its answer was lost (a timeout, a crash of either side), so it is delivered, with a note;</li>
 *   <li>401, or a 403 that is not a refusal of the tile, is a refused credential ({@link Attempt.Cause#AUTH});</li>
 *   <li>a connection closed without an answer is {@link Attempt.Cause#DROPPED} (the Room Server does that
 *       when it crashes on a tile);</li>
 *   <li>anything else (5xx, other 4xx, timeouts, refused connections) is retried.</li>
 * </ul>
 * Errors name PLATO as {@code host:port} only.
 */
public final class PlatoSender implements Sender {
    private final URI submit;
    private final String where;
    private final TileSettings settings;
    private final Duration timeout;
    private final HttpPost http;

    public PlatoSender(URI platoUrl, TileSettings settings, Duration timeout) {
        String base = platoUrl.toString().replaceAll("/+$", "");
        this.submit = URI.create(base + "/submit");
        this.where = platoUrl.getHost() + (platoUrl.getPort() > 0 ? ":" + platoUrl.getPort() : "");
        this.settings = settings;
        this.timeout = timeout;
        this.http = new HttpPost(timeout);
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.TILE;
    }

    /** The tile as PLATO receives it: the answer JSON-encoded as a string unless {@code answer_format=object}. */
    public static ObjectNode wireTile(ObjectNode tile, TileSettings.AnswerFormat format) {
        ObjectNode out = tile.deepCopy();
        if (format == TileSettings.AnswerFormat.STRING
                && out.get("answer") != null
                && !out.get("answer").isTextual()) {
            out.put("answer", Json.write(out.get("answer")));
        }
        return out;
    }

    @Override
    public Attempt send(Delivery d) {
        ObjectNode tile = wireTile(d.body(), settings.answerFormat());
        byte[] body = Json.write(tile).getBytes(StandardCharsets.UTF_8);
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "bosun");
        headers.put("X-Bosun-Tile-Id", d.id());
        settings.platoApiKey().ifPresent(k -> headers.put("Authorization", "Bearer " + k));
        headers.putAll(dev.bosun.trace.Tracing.headers()); // the attempt's span, when tracing is on
        HttpPost.Response r;
        try {
            r = http.post(submit, headers, body, timeout);
        } catch (TimeoutException e) {
            return new Attempt.Failed(
                    Optional.empty(), "PLATO at " + where + " did not answer within " + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Attempt.Failed(Optional.empty(), "PLATO at " + where + " refused the connection");
        } catch (javax.net.ssl.SSLException e) {
            return new Attempt.Failed(
                    Optional.empty(),
                    "TLS with PLATO at " + where + " failed: " + e.getClass().getSimpleName());
        } catch (IOException e) {
            return new Attempt.Failed(
                    Optional.empty(),
                    "PLATO at " + where + " closed the connection without an answer ("
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + cut(e.getMessage()))
                            + ")",
                    Attempt.Cause.DROPPED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt.Failed(Optional.empty(), "interrupted while sending to PLATO");
        }
        Optional<JsonNode> json = parse(r.body());
        int status = r.status();
        if (status >= 200 && status < 300) {
            return new Attempt.Accepted(
                    status,
                    json.flatMap(j ->
                            text(j, "tile_id").or(() -> text(j, "tile_hash")).or(() -> text(j, "id"))));
        }
        boolean rejected =
                json.flatMap(j -> text(j, "status")).filter("rejected"::equals).isPresent();
        if ((status == 400 || status == 403) && rejected) {
            String reason = json.flatMap(j -> text(j, "reason")
                            .or(() -> text(j, "error"))
                            .or(() -> text(j, "detail"))
                            .or(() -> text(j, "message")))
                    .orElse("rejected by PLATO");
            if (isDuplicate(reason) && d.attempts() > 1) {
                return new Attempt.Accepted(
                        status,
                        json.flatMap(j -> text(j, "tile_hash")).or(() -> roomServerHash(tile)),
                        Optional.of("PLATO already had this tile (it answered " + status + " \"" + cut(reason)
                                + "\"): an "
                                + "earlier attempt reached it and its answer was lost"
                                + d.lastError().map(e -> " (" + cut(e) + ")").orElse("")));
            }
            return new Attempt.Refused(status, cut(reason));
        }
        String detail = json.flatMap(
                        j -> text(j, "error").or(() -> text(j, "detail")).or(() -> text(j, "reason")))
                .map(s -> ": " + cut(s))
                .orElse("");
        String error = "PLATO at " + where + " answered HTTP " + status + detail;
        if (status == 401 || status == 403) {
            return new Attempt.Failed(
                    Optional.of(status),
                    error + " (plato_api_key " + (settings.platoApiKey().isPresent() ? "is refused" : "is not set")
                            + ")",
                    Attempt.Cause.AUTH);
        }
        return new Attempt.Failed(Optional.of(status), error);
    }

    /** PLATO's duplicate refusal: the Room Server's {@code "Duplicate tile"}, or any reason saying so. */
    static boolean isDuplicate(String reason) {
        return reason.toLowerCase(java.util.Locale.ROOT).contains("duplicate");
    }

    /** The Room Server's id of a tile: the first 16 hex digits of SHA-256(question + answer). */
    static Optional<String> roomServerHash(ObjectNode tile) {
        JsonNode q = tile.get("question");
        JsonNode a = tile.get("answer");
        if (q == null || a == null || !q.isTextual() || !a.isTextual()) return Optional.empty();
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((q.asText() + a.asText()).getBytes(StandardCharsets.UTF_8));
            return Optional.of(java.util.HexFormat.of().formatHex(h).substring(0, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    private static Optional<JsonNode> parse(String body) {
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? Optional.empty() : Optional.of(v.asText());
    }

    private static String cut(String s) {
        return s.length() <= 500 ? s : s.substring(0, 499) + "…";
    }
}
