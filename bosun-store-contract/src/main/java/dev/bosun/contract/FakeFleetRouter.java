package dev.bosun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a real fleet-h1-router (which cannot run in these tests), on 127.0.0.1 and a free
 * port: it keeps the agents registered with it and routes each task to the <em>last</em> registered
 * agent that has every required capability, a choice Bosun's own rule (lowest β₁, then load, then
 * the <em>first</em> registered) would not make, so a test can tell who decided.
 */
public final class FakeFleetRouter implements AutoCloseable {
    public static final String REASONING = "the fake fleet-h1-router picked the newest capable agent";

    /** A request as the router received it. */
    public record Request(String method, String path, JsonNode body) {}

    private final HttpServer server;
    private final Map<String, Set<String>> agents = new LinkedHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeFleetRouter(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
    }

    public static FakeFleetRouter start() {
        try {
            var r = new FakeFleetRouter(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
            r.server.start();
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() { return "http://127.0.0.1:" + server.getAddress().getPort(); }

    public List<Request> requests() { return List.copyOf(requests); }

    /** Agent ids in the order they were registered with this router. */
    public synchronized List<String> agents() { return List.copyOf(agents.keySet()); }

    /** Stops answering: the port is closed, so calls are refused. */
    @Override
    public void close() { server.stop(0); }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] in = ex.getRequestBody().readAllBytes();
            JsonNode body = in.length == 0 ? null : Json.parse(new String(in, StandardCharsets.UTF_8));
            String route = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), body));
            switch (route) {
                case "POST /register/agent" -> send(ex, 200, register(body));
                case "POST /route" -> route(ex, body);
                case "GET /status" -> send(ex, 200, Json.object().put("n_agents", agents().size()));
                default -> send(ex, 404, Json.object().put("detail", "Not Found"));
            }
        }
    }

    private synchronized ObjectNode register(JsonNode body) {
        var caps = new HashSet<String>();
        body.get("capabilities").forEach(c -> caps.add(c.asText()));
        String id = body.get("agent_id").asText();
        agents.remove(id); // re-registering makes it the newest
        agents.put(id, caps);
        return Json.object().put("status", "registered").put("agent_id", id);
    }

    private void route(HttpExchange ex, JsonNode body) throws IOException {
        var required = new ArrayList<String>();
        body.get("required_capabilities").forEach(c -> required.add(c.asText()));
        String chosen = null;
        synchronized (this) {
            for (var a : agents.entrySet()) if (a.getValue().containsAll(required)) chosen = a.getKey();
        }
        if (chosen == null) {
            send(ex, 400, Json.object().put("error", "no registered agent has " + String.join(", ", required)));
            return;
        }
        send(ex, 200, Json.object().put("agent_id", chosen).put("task_id", body.get("task_id").asText())
                .put("h1_before", 0).put("h1_after", 0).put("confidence", 0.8).put("emergence_risk", 0.0)
                .put("capability_match_score", 1.0).put("reasoning", REASONING));
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) throws IOException {
        byte[] out = Json.bytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }
}
