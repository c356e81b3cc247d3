package dev.bosun.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double of the real fleet-h1-router 0.1.0 (SuperInstance/fleet-h1-router, {@code serve} on port
 * 8902), modelled on its source, on 127.0.0.1 and a free port. It behaves as that program does:
 * <ul>
 *   <li>its registry and graph live in memory only: {@link #restart()} forgets every agent, task and
 *       edge (and, like {@code serve}, starts again with oracle1, ccc and forgemaster when preloaded);</li>
 *   <li>{@code POST /route {task_id, required_capabilities?}} registers the task, takes the agents that
 *       have every required capability or, when none has, <b>any agent</b>; picks the one whose link
 *       projects the lowest β₁, then the fewest {@code n_tasks}, then the first registered; records the
 *       edge and adds 1 to the agent's {@code n_tasks} when the edge is new; answers 200 with
 *       {@code agent_id, task_id, h1_before, h1_after, confidence, emergence_risk,
 *       capability_match_score, reasoning}. With no agent at all: 200 with {@code agent_id ""} and
 *       confidence 0.0. It does not read {@code prefer_agents} or any other field;</li>
 *   <li>β₁ = E − V + C with C fixed at 1 (0 for an empty graph), so it is negative on a sparse graph;</li>
 *   <li>{@code POST /register/agent {agent_id, capabilities?}} answers 200 {@code {"status": "registered"}}
 *       without a content type; registering again replaces the capabilities and resets {@code n_tasks};</li>
 *   <li>{@code GET /status}, {@code GET /agents}, {@code GET /h1-snapshot} answer its shapes; any other path,
 *       or a query string, is 404 without a body;</li>
 *   <li>a body that is not JSON, or lacks {@code task_id}/{@code agent_id}, raises in its handler: the
 *       connection closes without an answer. It serves one request at a time.</li>
 * </ul>
 */
public final class FleetH1RouterDouble implements AutoCloseable {
    /** The agents {@code fleet-h1-router serve} registers at start. */
    public static final Map<String, List<String>> SERVE_AGENTS = preload();

    /** A request as the router received it. */
    public record Request(String method, String path, JsonNode body) {}

    private static final int OFFSET = -2;
    private static final double MIN_CONFIDENCE = 0.5;

    private final boolean preloaded;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    private final Set<String> tasks = new LinkedHashSet<>();
    private final Set<List<String>> edges = new LinkedHashSet<>();
    private int port;
    private HttpServer server;

    private static final class AgentState {
        Set<String> capabilities;
        int nTasks;

        AgentState(Set<String> capabilities) {
            this.capabilities = capabilities;
        }
    }

    private FleetH1RouterDouble(boolean preloaded) {
        this.preloaded = preloaded;
    }

    /** As {@code fleet-h1-router serve} runs: oracle1, ccc and forgemaster registered at start. */
    public static FleetH1RouterDouble start() {
        return started(true);
    }

    /** With an empty registry, as an {@code H1Router()} served without the preloaded agents. */
    public static FleetH1RouterDouble startEmpty() {
        return started(false);
    }

    private static FleetH1RouterDouble started(boolean preloaded) {
        var r = new FleetH1RouterDouble(preloaded);
        r.reset();
        r.listen();
        return r;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests to one path, in order. */
    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Agent ids as its registry holds them, in registration order. */
    public synchronized List<String> agents() {
        return List.copyOf(agents.keySet());
    }

    public synchronized Set<String> capabilities(String agentId) {
        return Set.copyOf(agents.get(agentId).capabilities);
    }

    /** Another client of the router registers an agent (what Bosun does not see). */
    public synchronized void registerDirectly(String agentId, List<String> capabilities) {
        register(agentId, capabilities);
    }

    /** The process stops: calls are refused until {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) server.stop(0);
        server = null;
    }

    /** The process starts again on the same port, having forgotten everything (its state is in memory only). */
    public synchronized void restart() {
        stop();
        reset();
        listen();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void reset() {
        agents.clear();
        tasks.clear();
        edges.clear();
        if (preloaded) SERVE_AGENTS.forEach(this::register);
    }

    private void listen() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        port = server.getAddress().getPort();
        server.createContext("/", this::handle);
        server.start();
    }

    private synchronized void handle(HttpExchange ex) throws IOException {
        byte[] in = ex.getRequestBody().readAllBytes();
        String path = ex.getRequestURI().getRawPath();
        boolean query = ex.getRequestURI().getRawQuery() != null; // it compares self.path, query included
        requests.add(new Request(ex.getRequestMethod(), path, parseOrNull(in)));
        String route = query ? "" : ex.getRequestMethod() + " " + path;
        switch (route) {
            case "GET /status" -> send(ex, 200, "application/json", Json.bytes(status()));
            case "GET /agents" -> send(ex, 200, "application/json", Json.bytes(agentList()));
            case "GET /h1-snapshot" -> send(ex, 200, "application/json", Json.bytes(snapshot()));
            case "POST /route" -> {
                JsonNode body = Json.parse(new String(in, StandardCharsets.UTF_8)); // raises on bad JSON: no answer
                send(
                        ex,
                        200,
                        "application/json",
                        Json.bytes(route(required(body, "task_id"), strings(body, "required_capabilities"))));
            }
            case "POST /register/agent" -> {
                JsonNode body = Json.parse(new String(in, StandardCharsets.UTF_8));
                register(required(body, "agent_id"), strings(body, "capabilities"));
                send(ex, 200, null, "{\"status\": \"registered\"}".getBytes(StandardCharsets.UTF_8));
            }
            default -> {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            }
        }
    }

    private static JsonNode parseOrNull(byte[] in) {
        if (in.length == 0) return null;
        try {
            return Json.parse(new String(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return null;
        }
    }

    /** data["task_id"]: a KeyError in the handler, which closes the connection without an answer. */
    private static String required(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null) throw new IllegalStateException("KeyError: '" + field + "'");
        return v.asText();
    }

    private static List<String> strings(JsonNode body, String field) {
        var out = new ArrayList<String>();
        JsonNode v = body.get(field);
        if (v != null) v.forEach(c -> out.add(c.asText()));
        return out;
    }

    private void register(String id, List<String> capabilities) {
        AgentState a = agents.get(id);
        if (a == null) agents.put(id, new AgentState(new LinkedHashSet<>(capabilities)));
        else { // a dict assignment: same place, new capabilities, n_tasks back to 0
            a.capabilities = new LinkedHashSet<>(capabilities);
            a.nTasks = 0;
        }
    }

    private long vertices() {
        return agents.size() + tasks.size();
    }

    private long h1(long vertices, long edgeCount) {
        return edgeCount - vertices + (vertices == 0 ? 0 : 1);
    }

    private ObjectNode route(String taskId, List<String> required) {
        tasks.add(taskId);
        List<String> eligible = agents.entrySet().stream()
                .filter(e -> e.getValue().capabilities.containsAll(required))
                .map(Map.Entry::getKey)
                .toList();
        if (eligible.isEmpty()) eligible = List.copyOf(agents.keySet()); // no capable agent: fall back to any agent
        long v = vertices();
        long before = h1(v, edges.size());
        if (eligible.isEmpty()) {
            return decision("", taskId, before, before, 0.0, 0.0, 1.0, "No agents available");
        }
        String best = null;
        long bestH1 = Long.MAX_VALUE;
        int bestLoad = Integer.MAX_VALUE;
        for (String id : eligible) {
            long after = h1(v, edges.size() + (edges.contains(List.of(id, taskId)) ? 0 : 1));
            int load = agents.get(id).nTasks;
            if (after < bestH1 || (after == bestH1 && load < bestLoad)) {
                best = id;
                bestH1 = after;
                bestLoad = load;
            }
        }
        long margin = bestH1 - (v + OFFSET);
        double risk = margin <= 0 ? 0.0 : margin == 1 ? 0.3 : margin == 2 ? 0.6 : 0.9;
        if (edges.add(List.of(best, taskId))) agents.get(best).nTasks++;
        Set<String> caps = agents.get(best).capabilities;
        double match = required.isEmpty()
                ? 1.0
                : (double) new LinkedHashSet<>(required)
                                .stream().filter(caps::contains).count()
                        / new LinkedHashSet<>(required).size();
        double confidence = Math.max(Math.min(1.0, match * (1.0 - risk)), MIN_CONFIDENCE);
        return decision(
                best,
                taskId,
                before,
                bestH1,
                confidence,
                risk,
                match,
                "Selected " + best + " (H¹: " + before + "→" + bestH1 + ")");
    }

    private static ObjectNode decision(
            String agent,
            String task,
            long before,
            long after,
            double confidence,
            double risk,
            double match,
            String reasoning) {
        return Json.object()
                .put("agent_id", agent)
                .put("task_id", task)
                .put("h1_before", before)
                .put("h1_after", after)
                .put("confidence", confidence)
                .put("emergence_risk", risk)
                .put("capability_match_score", match)
                .put("reasoning", reasoning);
    }

    private String description(long v, long e, long h1) {
        long laman = e - (2 * v - 3);
        if (laman > 0) return h1 < v - 2 ? "over-constrained" : "rigid";
        return laman < 0 ? "under-constrained" : "laman-rigid";
    }

    private ObjectNode status() {
        long v = vertices();
        ObjectNode o = Json.object();
        if (v == 0) {
            return o.put("n_agents", 0)
                    .put("n_tasks", 0)
                    .put("n_edges", 0)
                    .put("n_vertices", 0)
                    .put("h1_dimension", 0)
                    .put("n_components", 0)
                    .put("description", "empty")
                    .put("emergence_detected", false)
                    .put("margin", 0);
        }
        long h1 = h1(v, edges.size());
        return o.put("n_agents", agents.size())
                .put("n_tasks", tasks.size())
                .put("n_edges", edges.size())
                .put("n_vertices", v)
                .put("h1_dimension", h1)
                .put("n_components", 1)
                .put("description", description(v, edges.size(), h1))
                .put("emergence_detected", h1 > v + OFFSET)
                .put("margin", h1 - (v + OFFSET));
    }

    private ObjectNode snapshot() {
        long v = vertices();
        long h1 = h1(v, edges.size());
        long laman = edges.size() - (2 * v - 3);
        return Json.object()
                .put("n_vertices", v)
                .put("n_edges", edges.size())
                .put("n_components", v == 0 ? 0 : 1)
                .put("h1_dimension", h1)
                .put("threshold", v + OFFSET)
                .put("emergence", h1 > v + OFFSET)
                .put("laman_rigid", laman >= 0)
                .put("laman_margin", laman)
                .put("n_agents", agents.size())
                .put("n_tasks", tasks.size())
                .put("description", v == 0 ? "empty" : description(v, edges.size(), h1));
    }

    private ArrayNode agentList() {
        ArrayNode out = Json.MAPPER.createArrayNode();
        agents.forEach((id, a) -> {
            ObjectNode n = out.addObject().put("agent_id", id);
            a.capabilities.forEach(n.putArray("capabilities")::add);
            n.put("n_tasks", a.nTasks);
        });
        return out;
    }

    private static void send(HttpExchange ex, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private static Map<String, List<String>> preload() {
        var m = new LinkedHashMap<String, List<String>>();
        m.put("oracle1", List.of("coordination", "plato", "research", "publishing", "crates"));
        m.put("ccc", List.of("telegram", "messaging", "ai"));
        m.put("forgemaster", List.of("compilation", "llvm", "constraint-theory"));
        return java.util.Collections.unmodifiableMap(m);
    }
}
