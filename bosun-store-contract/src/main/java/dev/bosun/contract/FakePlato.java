package dev.bosun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A PLATO knowledge server's {@code POST /submit} contract, served for real over HTTP on loopback
 * (nothing is faked below the HTTP layer: Bosun's relay talks to it as to a deployed PLATO):
 * <ul>
 *   <li>the schema: {@code answer} present and, unless {@link #acceptObjectAnswers}, a string — else
 *       400 {@code {"status": "rejected", "reason": "gate: answer must be a string"}};</li>
 *   <li>the gate: {@code domain} and {@code question} non-empty, {@code confidence} in 0..1, the
 *       answer 20 to 5000 characters, and no question listed in {@link #gateRefuses} — else
 *       403 {@code {"status": "rejected", "reason": "gate: …"}};</li>
 *   <li>duplicates (same SHA-256 of question + answer) — 403 {@code {"status": "rejected", "reason": "duplicate"}};</li>
 *   <li>accepted — 200 {@code {"status": "accepted", "tile_id": "t-<n>", "tile_hash": "<sha256>"}}.</li>
 * </ul>
 * Scripted faults, taken one per request before the contract is applied: {@link Fault#ERROR_500},
 * {@link Fault#SLOW} (answers after {@link #slowMillis}), {@link Fault#DROP} (closes the connection
 * without an answer). {@link #stop()} and {@link #start()} take it down and up on the same port.
 */
public final class FakePlato implements AutoCloseable {
    public enum Fault { ERROR_500, SLOW, DROP }

    /** A tile as received, with the request's headers of interest. */
    public record Received(ObjectNode tile, String authorization, String tileId, long atNanos) {
        public String question() { return tile.path("question").asText(); }

        /** The answer as an object, however it was encoded on the wire. */
        public JsonNode answerObject() {
            JsonNode a = tile.get("answer");
            if (a != null && a.isTextual()) {
                try {
                    return Json.parse(a.asText());
                } catch (Exception e) {
                    throw new AssertionError("answer is a string but not JSON: " + a.asText(), e);
                }
            }
            return a;
        }
    }

    private final int port;
    private HttpServer server;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private volatile Fault always;
    private final Set<String> hashes = ConcurrentHashMap.newKeySet();
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    public volatile long slowMillis = 3000;
    public volatile boolean acceptObjectAnswers;
    /** When set, requests without {@code Authorization: Bearer <key>} get 401. */
    public volatile String requiredKey;
    /** Questions refused by the gate whatever they hold, to exercise a gate rejection. */
    public final Set<String> gateRefuses = ConcurrentHashMap.newKeySet();

    public FakePlato() throws IOException {
        this.server = create(0);
        this.port = server.getAddress().getPort();
        server.start();
    }

    private HttpServer create(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/submit", this::handle);
        return s;
    }

    public URI url() { return URI.create("http://127.0.0.1:" + port); }

    public void fault(Fault... next) { faults.addAll(List.of(next)); }

    /** Applies a fault to every request until cleared with {@code null}. */
    public void always(Fault f) { always = f; }

    /** Down: connections are refused. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** Up again on the same port. */
    public synchronized void start() throws IOException {
        server = create(port);
        server.start();
    }

    public List<Received> accepted() { return new ArrayList<>(accepted); }

    /** Every request that reached the handler, whatever was answered. */
    public List<Received> requests() { return new ArrayList<>(requests); }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        ObjectNode tile;
        try {
            tile = (ObjectNode) Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (Exception e) {
            respond(ex, 400, Map.of("status", "error", "error", "not JSON"));
            return;
        }
        var r = new Received(tile, ex.getRequestHeaders().getFirst("Authorization"),
                ex.getRequestHeaders().getFirst("X-Bosun-Tile-Id"), System.nanoTime());
        requests.add(r);
        Fault f = faults.poll();
        if (f == null) f = always;
        if (f == Fault.DROP) {
            ex.close();
            return;
        }
        if (f == Fault.ERROR_500) {
            respond(ex, 500, Map.of("error", "internal server error"));
            return;
        }
        if (f == Fault.SLOW) {
            try {
                Thread.sleep(slowMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (requiredKey != null && !("Bearer " + requiredKey).equals(r.authorization())) {
            respond(ex, 401, Map.of("error", "missing or wrong API key"));
            return;
        }
        JsonNode answerNode = tile.get("answer");
        if (answerNode == null || !answerNode.isTextual() && !acceptObjectAnswers) {
            respond(ex, 400, Map.of("status", "rejected", "reason", "gate: answer must be a string"));
            return;
        }
        String gate = gate(tile);
        if (gate != null) {
            respond(ex, 403, Map.of("status", "rejected", "reason", "gate: " + gate));
            return;
        }
        String answer = tile.get("answer").isTextual() ? tile.get("answer").asText() : Json.write(tile.get("answer"));
        String hash = sha256(tile.get("question").asText() + answer);
        if (!hashes.add(hash)) {
            respond(ex, 403, Map.of("status", "rejected", "reason", "duplicate"));
            return;
        }
        accepted.add(r);
        respond(ex, 200, Map.of("status", "accepted", "tile_id", "t-" + ids.incrementAndGet(), "tile_hash", hash));
    }

    private String gate(ObjectNode t) {
        if (t.path("domain").asText().isEmpty()) return "domain is empty";
        if (t.path("question").asText().isEmpty()) return "question is empty";
        if (gateRefuses.contains(t.path("question").asText())) return "question refused by the gate";
        double c = t.path("confidence").asDouble(-1);
        if (c < 0 || c > 1) return "confidence out of range";
        JsonNode a = t.get("answer");
        int len = a.isTextual() ? a.asText().length() : Json.write(a).length();
        if (len < 20 || len > 5000) return "answer length " + len + " outside 20..5000";
        return null;
    }

    private static void respond(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        byte[] b = Json.write(Json.MAPPER.valueToTree(body)).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (var out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() { server.stop(0); }
}
