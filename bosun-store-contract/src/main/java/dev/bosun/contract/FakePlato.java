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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A deployed PLATO server, served for real over HTTP on loopback (nothing is faked below the HTTP
 * layer), in one of the two flavours Bosun meets, each modelled on its public source:
 *
 * <p><b>{@link Flavor#ROOM_SERVER}</b> ({@code scripts/plato-room-server.py} in SuperInstance/oracle1-workspace,
 * stdlib Python, no authentication). {@code POST /submit} takes the tile; its room is
 * {@code domain.lower().replace(" ", "_")}. The P0 gate, in this order, answers 403
 * {@code {"status": "rejected", "reason": …, "room": …, "gate": "P0"}} for: a missing or empty
 * {@code domain}/{@code question}/{@code answer} ({@code Missing required field: answer}); {@code len(answer)}
 * under 20 or over 5000 ({@code Answer too short (7 < 20)}: for an object answer Python's {@code len} counts
 * its keys); a question under 5 characters; an absolute word ({@code always, never, guaranteed, impossible,
 * proven, everyone, nobody}) between spaces in the lower-cased answer; a confidence outside 0..1; and a
 * duplicate — the first 16 hex digits of SHA-256(question + answer) already recorded ({@code Duplicate tile}).
 * A tile that passes has its hash recorded, then is added to its room and the room saved to
 * {@code rooms/<room>.json}: for a room with {@code /} that file cannot be written, the handler dies and the
 * connection is closed without an answer — the hash stays recorded and the tile is kept in memory only.
 * Accepted: 200 {@code {"status": "accepted", "room", "tile_hash", "room_tile_count"}}. A non-string answer
 * that gets past the length gate crashes the handler the same way ({@code answer.lower()}).
 *
 * <p><b>{@link Flavor#PLATO_SERVER}</b> (SuperInstance/plato-server {@code server.py}: SQLite, bearer key).
 * Every path but {@code /health} needs {@code Authorization: Bearer <key>} equal to its non-empty key, else 401
 * {@code {"error": "Unauthorized — …"}}. {@code POST /submit}: room = {@code room} or {@code domain}; no
 * question or answer → 400 {@code {"error": "Fields required: question, answer"}}; a blocked word
 * ({@code always, never, impossible, guaranteed, nobody}) among the answer's whitespace-separated words, or an
 * answer under 20 characters once stripped → 400 {@code {"error": …, "status": "rejected"}}; a non-string
 * answer crashes the handler (no answer). No duplicate check: every accepted submit is a new row, 200
 * {@code {"status": "accepted", "tile_id", "tile_hash", "room"}}. {@code GET /room/<name>} answers 400
 * {@code {"error": "Invalid room name"}} unless the name is {@code [A-Za-z0-9._-]+}.
 *
 * <p>Scripted faults, taken one per request before anything else: {@link Fault#ERROR_500}, {@link Fault#SLOW}
 * (the server takes {@link #slowMillis} to handle it, then answers), {@link Fault#DROP} (closes the connection
 * without an answer, having done nothing). {@link #stop()} and {@link #start()} take it down and up on the
 * same port; {@link #gateRefuses} makes the gate refuse given questions (as it would a gate it has and Bosun
 * cannot trigger from a test).
 */
public final class FakePlato implements AutoCloseable {
    /** A scripted fault; {@link #NONE} handles the request normally (to script a sequence). */
    public enum Fault {
        NONE,
        ERROR_500,
        SLOW,
        DROP
    }

    public enum Flavor {
        ROOM_SERVER,
        PLATO_SERVER
    }

    /** A tile as received, with the request's headers of interest. */
    public record Received(ObjectNode tile, String authorization, String tileId, long atNanos) {
        public String question() {
            return tile.path("question").asText();
        }

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

    private static final List<String> ROOM_SERVER_ABSOLUTE =
            List.of("always", "never", "guaranteed", "impossible", "proven", "everyone", "nobody");
    private static final List<String> PLATO_SERVER_BLOCKED =
            List.of("always", "never", "impossible", "guaranteed", "nobody");
    private static final Pattern READABLE_ROOM = Pattern.compile("[A-Za-z0-9._-]+");

    /** The handler died: the connection is closed without an answer, as Python's server does. */
    private static final class Crash extends RuntimeException {
        Crash(String why) {
            super(why, null, false, false);
        }
    }

    private final Flavor flavor;
    private final int port;
    private HttpServer server;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();
    private volatile Fault always;
    private final Set<String> hashes = ConcurrentHashMap.newKeySet();
    private final List<Received> accepted = new CopyOnWriteArrayList<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final List<String> crashes = new CopyOnWriteArrayList<>();
    private final Map<String, List<ObjectNode>> rooms = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private volatile java.util.concurrent.Semaphore pace;
    public volatile long slowMillis = 3000;
    /** plato-server's {@code PLATO_API_KEY}: empty refuses every request, as the real one does. */
    public volatile String apiKey = "";
    /** Questions refused by the gate whatever they hold. */
    public final Set<String> gateRefuses = ConcurrentHashMap.newKeySet();

    /** A PLATO Room Server. */
    public FakePlato() throws IOException {
        this(Flavor.ROOM_SERVER);
    }

    public FakePlato(Flavor flavor) throws IOException {
        this.flavor = flavor;
        this.server = create(0);
        this.port = server.getAddress().getPort();
        server.start();
    }

    /** A plato-server with this API key. */
    public static FakePlato platoServer(String apiKey) throws IOException {
        FakePlato p = new FakePlato(Flavor.PLATO_SERVER);
        p.apiKey = apiKey;
        return p;
    }

    private HttpServer create(int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.createContext("/", this::handle);
        return s;
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public Flavor flavor() {
        return flavor;
    }

    public void fault(Fault... next) {
        faults.addAll(List.of(next));
    }

    /** Applies a fault to every request until cleared with {@code null}. */
    public void always(Fault f) {
        always = f;
    }

    /**
     * From now on every submit waits, once received, for a permit from {@link #allow} before it is
     * handled: a test moves PLATO on one request at a time and looks at Bosun in between.
     */
    public void pace() {
        pace = new java.util.concurrent.Semaphore(0);
    }

    /** Lets {@code n} more paced submits be handled. */
    public void allow(int n) {
        pace.release(n);
    }

    /** Down: connections are refused. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** Up again on the same port. */
    public synchronized void start() throws IOException {
        server = create(port);
        server.start();
    }

    /** Tiles stored and answered 200, in the order stored. */
    public List<Received> accepted() {
        return new ArrayList<>(accepted);
    }

    /** Every submit that reached the handler, whatever was answered. */
    public List<Received> requests() {
        return new ArrayList<>(requests);
    }

    /** Why the handler died on a request (the connection was closed without an answer), in order. */
    public List<String> crashes() {
        return new ArrayList<>(crashes);
    }

    /** The tiles of a room as the server holds them (the Room Server's memory, plato-server's table). */
    public List<ObjectNode> room(String name) {
        return new ArrayList<>(rooms.getOrDefault(name, List.of()));
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getRawPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            ObjectNode tile = path.equals("/submit") ? parse(body) : null;
            Received received = tile == null
                    ? null
                    : new Received(
                            tile,
                            ex.getRequestHeaders().getFirst("Authorization"),
                            ex.getRequestHeaders().getFirst("X-Bosun-Tile-Id"),
                            System.nanoTime());
            if (received != null) requests.add(received);
            if (flavor == Flavor.PLATO_SERVER && !path.equals("/health") && !authorized(ex)) {
                respond(ex, 401, Map.of("error", "Unauthorized — provide Authorization: Bearer <PLATO_API_KEY>"));
                return;
            }
            if (ex.getRequestMethod().equals("POST") && path.equals("/submit")) {
                submit(ex, received);
            } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/room/")) {
                readRoom(ex, path.substring("/room/".length()));
            } else if (ex.getRequestMethod().equals("GET")
                    && (path.equals("/") || path.equals("/status") || path.equals("/health"))) {
                respond(ex, 200, Map.of("status", "active"));
            } else {
                respond(ex, 404, Map.of("error", "Not found"));
            }
        } catch (Crash c) {
            crashes.add(c.getMessage());
            // Out of the handler: the HTTP server closes the connection without a response, as Python's does.
            throw c;
        }
    }

    private boolean authorized(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        String key = apiKey;
        return auth != null
                && auth.startsWith("Bearer ")
                && !key.isEmpty()
                && auth.substring(7).equals(key);
    }

    private static ObjectNode parse(byte[] body) {
        try {
            return Json.parse(new String(body, StandardCharsets.UTF_8)) instanceof ObjectNode o ? o : null;
        } catch (Exception e) {
            return null;
        }
    }

    private void submit(HttpExchange ex, Received r) throws IOException {
        if (r == null) {
            if (flavor == Flavor.PLATO_SERVER) throw new Crash("json.loads failed");
            respond(ex, 400, Map.of("error", "Invalid JSON"));
            return;
        }
        var paced = pace;
        if (paced != null) paced.acquireUninterruptibly();
        Fault f = faults.poll();
        if (f == null) f = always;
        if (f == Fault.DROP) throw new Crash("scripted drop");
        if (f == Fault.ERROR_500) {
            respond(ex, 500, Map.of("error", "internal server error"));
            return;
        }
        if (f == Fault.SLOW) sleep(slowMillis);
        ObjectNode tile = r.tile();
        synchronized (lock) { // one handler at a time over the hashes and rooms, as the real ones' files and lock
            if (flavor == Flavor.ROOM_SERVER) roomServerSubmit(ex, tile, r);
            else platoServerSubmit(ex, tile, r);
        }
    }

    private void roomServerSubmit(HttpExchange ex, ObjectNode tile, Received r) throws IOException {
        String room = tile.has("domain")
                ? pyStr(tile.get("domain")).toLowerCase(Locale.ROOT).replace(" ", "_")
                : "general";
        String reason = roomServerGate(tile);
        if (reason != null) {
            var out = new LinkedHashMap<String, Object>();
            out.put("status", "rejected");
            out.put("reason", reason);
            out.put("room", room);
            out.put("gate", "P0");
            respond(ex, 403, out);
            return;
        }
        String hash = sha256(tile.get("question").asText() + tile.get("answer").asText())
                .substring(0, 16);
        hashes.add(hash);
        rooms.computeIfAbsent(room, k -> new CopyOnWriteArrayList<>()).add(tile);
        // _save_room: open(ROOMS_DIR / f"{room}.json", "w") fails for a room with '/': no such directory.
        if (room.contains("/")) throw new Crash("FileNotFoundError: rooms/" + room + ".json");
        accepted.add(r);
        var out = new LinkedHashMap<String, Object>();
        out.put("status", "accepted");
        out.put("room", room);
        out.put("tile_hash", hash);
        out.put("room_tile_count", rooms.get(room).size());
        respond(ex, 200, out);
    }

    /** TileGate.validate, gate by gate; null when the tile passes. */
    private String roomServerGate(ObjectNode t) {
        for (String field : List.of("domain", "question", "answer")) {
            if (!truthy(t.get(field))) return "Missing required field: " + field;
        }
        JsonNode a = t.get("answer");
        int len = pyLen(a);
        if (len < 20) return "Answer too short (" + len + " < 20)";
        if (len > 5000) return "Answer too long (" + len + " > 5000)";
        if (pyLen(t.get("question")) < 5) return "Question too short";
        if (!a.isTextual()) throw new Crash("AttributeError: 'dict' object has no attribute 'lower'");
        String lower = " " + a.asText().toLowerCase(Locale.ROOT) + " ";
        for (String w : ROOM_SERVER_ABSOLUTE)
            if (lower.contains(" " + w + " ")) return "Absolute claim detected: '" + w + "'";
        if (gateRefuses.contains(t.path("question").asText())) return "Refused by the gate";
        double c = t.has("confidence") ? t.get("confidence").asDouble() : 0.5;
        if (c < 0 || c > 1) return "Invalid confidence: " + c;
        if (!t.get("question").isTextual()) throw new Crash("TypeError: can only concatenate str");
        String hash = sha256(t.get("question").asText() + a.asText()).substring(0, 16);
        if (hashes.contains(hash)) return "Duplicate tile";
        return null;
    }

    private void platoServerSubmit(HttpExchange ex, ObjectNode tile, Received r) throws IOException {
        String domain = tile.has("domain") ? pyStr(tile.get("domain")) : "general";
        String room = tile.has("room") ? pyStr(tile.get("room")) : domain;
        if (!truthy(tile.get("question")) || !truthy(tile.get("answer"))) {
            respond(ex, 400, Map.of("error", "Fields required: question, answer"));
            return;
        }
        JsonNode a = tile.get("answer");
        if (!a.isTextual()) throw new Crash("AttributeError: 'dict' object has no attribute 'lower'");
        List<String> words = List.of(a.asText().toLowerCase(Locale.ROOT).strip().split("\\s+"));
        for (String w : PLATO_SERVER_BLOCKED) {
            if (words.contains(w)) {
                respond(
                        ex,
                        400,
                        Map.of(
                                "error",
                                "Gate blocked: '" + w + "' detected. Use specific language.",
                                "status",
                                "rejected"));
                return;
            }
        }
        if (a.asText().strip().length() < 20) {
            respond(ex, 400, Map.of("error", "Answer too short (min 20 chars)", "status", "rejected"));
            return;
        }
        if (gateRefuses.contains(tile.path("question").asText())) {
            respond(ex, 400, Map.of("error", "Refused by the gate", "status", "rejected"));
            return;
        }
        String hash = sha256(room + ":" + tile.get("question").asText() + ":" + a.asText())
                .substring(0, 16);
        rooms.computeIfAbsent(room, k -> new CopyOnWriteArrayList<>()).add(tile);
        accepted.add(r);
        var out = new LinkedHashMap<String, Object>();
        out.put("status", "accepted");
        out.put("tile_id", UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        out.put("tile_hash", hash);
        out.put("room", room);
        respond(ex, 200, out);
    }

    private void readRoom(HttpExchange ex, String name) throws IOException {
        if (flavor == Flavor.PLATO_SERVER && !READABLE_ROOM.matcher(name).matches()) {
            respond(ex, 400, Map.of("error", "Invalid room name"));
            return;
        }
        List<ObjectNode> tiles = room(name);
        var out = new LinkedHashMap<String, Object>();
        out.put("room", name);
        out.put("tile_count", tiles.size());
        out.put("tiles", tiles);
        respond(ex, 200, out);
    }

    /** Python's truthiness of a JSON value. */
    private static boolean truthy(JsonNode v) {
        if (v == null || v.isNull()) return false;
        if (v.isTextual()) return !v.asText().isEmpty();
        if (v.isContainerNode()) return v.size() > 0;
        if (v.isNumber()) return v.asDouble() != 0;
        return v.asBoolean();
    }

    /** Python's len(): code points of a string, keys of a dict, items of a list; anything else crashes. */
    private static int pyLen(JsonNode v) {
        if (v.isTextual()) return v.asText().codePointCount(0, v.asText().length());
        if (v.isContainerNode()) return v.size();
        throw new Crash("TypeError: object has no len()");
    }

    private static String pyStr(JsonNode v) {
        if (!v.isTextual()) throw new Crash("AttributeError: not a str");
        return v.asText();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        var paced = pace;
        if (paced != null) paced.release(100_000); // no handler stays parked
        server.stop(0);
    }
}
