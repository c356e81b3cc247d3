package dev.bosun.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.id.Ids;
import dev.bosun.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * A {@link RemoteRouter} over HTTP, with the JDK's client: JSON in and out, every call bounded by one
 * timeout (to connect, and for the whole answer), and every way the router can fail turned into an
 * UNAVAILABLE {@link BosunException} whose message names the router by {@code scheme://host:port}
 * only and whose details are {@code router_url} and a stable {@code reason}:
 * {@code refused}, {@code unresolved}, {@code tls}, {@code timeout}, {@code dropped},
 * {@code http_status}, {@code not_json}, {@code not_object}, {@code bad_answer}, {@code interrupted}.
 *
 * <p>A 4xx answer that explains itself (a JSON {@code error} or {@code detail}) is the router judging
 * the request rather than failing, so it is INVALID_ARGUMENT with that explanation (reason
 * {@code rejected}); 404, 405, 408 and 429 stay UNAVAILABLE, since they mean a wrong URL or a
 * router that is busy, not a wrong request.
 */
public final class HttpRemoteRouter implements RemoteRouter, AutoCloseable {
    private final String root;
    private final String origin;
    private final Duration timeout;
    private final HttpClient client;

    /**
     * @param baseUrl where the router's contract paths start ({@code {baseUrl}/route}, …)
     * @param timeout the longest any one call may take, connecting included
     */
    public HttpRemoteRouter(URI baseUrl, Duration timeout) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        String scheme = baseUrl.getScheme();
        if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("not an http:// or https:// URL with a host");
        }
        int port = baseUrl.getPort() >= 0 ? baseUrl.getPort() : "https".equals(scheme) ? 443 : 80;
        this.origin = scheme + "://" + baseUrl.getHost() + ":" + port;
        String path = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        this.root = origin + path; // user info, query and fragment are not part of the contract's paths
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade dance with routers that do not expect it
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The router as messages name it: {@code scheme://host:port}. */
    public String origin() {
        return origin;
    }

    @Override
    public RemoteDecision route(String taskId, List<String> requiredCapabilities) {
        ObjectNode body = Json.object().put("task_id", taskId);
        requiredCapabilities.forEach(body.putArray("required_capabilities")::add);
        Call call = new Call("POST", "/route");
        ObjectNode d = call.object(call.send(Optional.of(body)));
        // The reference answers agent_id "" (confidence 0.0) when it has no agent at all: an answer, not a fault.
        String agentId = call.string(d, "agent_id");
        if (!agentId.isEmpty() && !Ids.isSafe(agentId))
            throw call.badAnswer("answered an agent_id that is not a valid agent id");
        String answeredTask = call.text(d, "task_id");
        if (!answeredTask.equals(taskId)) {
            throw call.badAnswer("answered a decision for another task (task_id " + quoteShort(answeredTask) + ")");
        }
        JsonNode reasoning = d.get("reasoning");
        String why = reasoning != null
                        && reasoning.isTextual()
                        && !reasoning.asText().isBlank()
                ? quoteShort(reasoning.asText())
                : "routed by the remote router at " + origin;
        return new RemoteDecision(
                agentId,
                call.integer(d, "h1_before"),
                call.integer(d, "h1_after"),
                call.number(d, "confidence"),
                call.number(d, "emergence_risk"),
                call.number(d, "capability_match_score"),
                why);
    }

    @Override
    public List<RegisteredAgent> agents() {
        Call call = new Call("GET", "/agents");
        JsonNode answer = call.send(Optional.empty());
        if (!answer.isArray()) throw call.badAnswer("answered something other than a JSON array of agents");
        var out = new java.util.ArrayList<RegisteredAgent>();
        for (JsonNode a : answer) {
            if (!(a instanceof ObjectNode o)) throw call.badAnswer("listed an agent that is not a JSON object");
            String id = call.text(o, "agent_id");
            JsonNode caps = o.get("capabilities");
            if (caps == null || !caps.isArray())
                throw call.badAnswer("listed agent " + quoteShort(id) + " without a capabilities array");
            var cs = new java.util.ArrayList<String>();
            caps.forEach(c -> cs.add(c.asText()));
            out.add(new RegisteredAgent(id, List.copyOf(cs)));
        }
        return List.copyOf(out);
    }

    @Override
    public void registerAgent(String agentId, List<String> capabilities) {
        ObjectNode body = Json.object().put("agent_id", agentId);
        capabilities.forEach(body.putArray("capabilities")::add);
        Call call = new Call("POST", "/register/agent");
        // The contract says nothing we need about the answer, but an HTML page from a proxy is not a router.
        JsonNode answer = call.send(Optional.of(body));
        if (!answer.isMissingNode()) call.object(answer);
    }

    @Override
    public ObjectNode status() {
        Call call = new Call("GET", "/status");
        return call.object(call.send(Optional.empty()));
    }

    @Override
    public ObjectNode snapshot() {
        Call call = new Call("GET", "/h1-snapshot");
        return call.object(call.send(Optional.empty()));
    }

    /** Lets the client's threads go. */
    @Override
    public void close() {
        client.shutdownNow();
    }

    /** One request to the router, so that every failure can say which. */
    private final class Call {
        private final String method;
        private final String path;

        Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** The answer's JSON, or a missing node when a 2xx came without a body. */
        JsonNode send(Optional<ObjectNode> body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path))
                    .timeout(timeout)
                    .header("Accept", "application/json");
            if (body.isPresent()) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body.get())));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> r = exchange(b.build());
            int status = r.statusCode();
            String contentType = r.headers().firstValue("Content-Type").orElse("no content type");
            if (status >= 200 && status < 300) {
                if (r.body().isBlank()) return MissingNode.getInstance();
                return parse(r.body())
                        .orElseThrow(() -> fail(
                                "not_json",
                                "answered " + status + " with a body that is not JSON (" + quoteShort(contentType)
                                        + ")",
                                Map.of()));
            }
            Optional<String> explanation = parse(r.body()).flatMap(HttpRemoteRouter::explanation);
            String what =
                    "answered HTTP " + status + explanation.map(e -> ": " + e).orElse("");
            if (status >= 400
                    && status < 500
                    && explanation.isPresent()
                    && !List.of(404, 405, 408, 429).contains(status)) {
                throw rejected(status, what, explanation.get());
            }
            throw fail("http_status", what, Map.of("status", status));
        }

        private BosunException rejected(int status, String what, String explanation) {
            return new BosunException(
                    ErrorCode.INVALID_ARGUMENT,
                    message(what),
                    Map.of("router_url", origin, "reason", "rejected", "status", status, "router_error", explanation));
        }

        private HttpResponse<String> exchange(HttpRequest request) {
            // The request timeout stops once the headers arrive (a body that stalls half-way would hang the
            // call); the future's deadline bounds the whole exchange.
            CompletableFuture<HttpResponse<String>> f = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
            try {
                return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                throw fail("timeout", "no complete answer within " + millis(timeout), Map.of(), e);
            } catch (InterruptedException e) {
                f.cancel(true);
                Thread.currentThread().interrupt();
                throw fail("interrupted", "the call was interrupted", Map.of(), e);
            } catch (ExecutionException e) {
                throw transportFailure(e.getCause() == null ? e : e.getCause());
            }
        }

        private BosunException transportFailure(Throwable t) {
            if (has(t, HttpConnectTimeoutException.class)) {
                return fail("timeout", "could not connect within " + millis(timeout), Map.of(), t);
            }
            if (has(t, HttpTimeoutException.class))
                return fail("timeout", "no answer within " + millis(timeout), Map.of(), t);
            if (has(t, UnresolvedAddressException.class) || has(t, java.net.UnknownHostException.class)) {
                return fail("unresolved", "its host name does not resolve", Map.of(), t);
            }
            if (has(t, ConnectException.class)) return fail("refused", "connection refused", Map.of(), t);
            if (has(t, SSLException.class)) return fail("tls", "the TLS handshake failed", Map.of(), t);
            if (has(t, IOException.class)) {
                return fail("dropped", "the connection broke before a complete answer arrived", Map.of(), t);
            }
            return fail("dropped", "the call failed (" + t.getClass().getSimpleName() + ")", Map.of(), t);
        }

        ObjectNode object(JsonNode answer) {
            if (answer instanceof ObjectNode o) return o;
            throw fail(
                    "not_object",
                    answer.isMissingNode()
                            ? "answered with an empty body"
                            : "answered JSON that is not an object ("
                                    + answer.getNodeType().name().toLowerCase() + ")",
                    Map.of());
        }

        String text(ObjectNode o, String field) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull()) throw missing(field);
            if (!n.isTextual() || n.asText().isEmpty()) throw mistyped(field, "a non-empty string");
            return n.asText();
        }

        /** A string field that may be empty. */
        String string(ObjectNode o, String field) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull()) throw missing(field);
            if (!n.isTextual()) throw mistyped(field, "a string");
            return n.asText();
        }

        long integer(ObjectNode o, String field) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull()) throw missing(field);
            // A float with an integral value (3.0) is what some JSON writers make of an int; 3.5 is not β₁.
            if (!n.isNumber()
                    || (!n.isIntegralNumber() && n.asDouble() != Math.rint(n.asDouble()))
                    || !n.canConvertToLong()) {
                throw mistyped(field, "an integer");
            }
            return n.asLong();
        }

        double number(ObjectNode o, String field) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull()) throw missing(field);
            if (!n.isNumber()) throw mistyped(field, "a number");
            return n.asDouble();
        }

        private BosunException missing(String field) {
            return fail("bad_answer", "answered without " + field, Map.of("field", field));
        }

        private BosunException mistyped(String field, String expected) {
            return fail(
                    "bad_answer", "answered " + field + " as something other than " + expected, Map.of("field", field));
        }

        BosunException badAnswer(String what) {
            return fail("bad_answer", what, Map.of());
        }

        private BosunException fail(String reason, String what, Map<String, ?> more) {
            return fail(reason, what, more, null);
        }

        private BosunException fail(String reason, String what, Map<String, ?> more, Throwable cause) {
            var details = new LinkedHashMap<String, Object>();
            details.put("router_url", origin);
            details.put("reason", reason);
            details.putAll(more);
            return new BosunException(ErrorCode.UNAVAILABLE, message(what), details, cause);
        }

        private String message(String what) {
            return "remote router at " + origin + " (" + method + " " + path + "): " + what;
        }
    }

    private static Optional<JsonNode> parse(String body) {
        if (body == null || body.isBlank()) return Optional.empty();
        try {
            return Optional.of(Json.parse(body));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /**
     * The router's own words for a refusal: {@code {"error": "..."}}, {@code {"error": {"message": "..."}}}
     * or FastAPI's {@code {"detail": "..."}} and {@code {"detail": [{"msg": "..."}]}}.
     */
    private static Optional<String> explanation(JsonNode answer) {
        if (!answer.isObject()) return Optional.empty();
        for (String field : List.of("error", "detail")) {
            JsonNode n = answer.get(field);
            if (n == null) continue;
            if (n.isTextual() && !n.asText().isBlank()) return Optional.of(quoteShort(n.asText()));
            if (n.isObject() && n.path("message").isTextual())
                return Optional.of(quoteShort(n.get("message").asText()));
            if (n.isArray() && !n.isEmpty() && n.get(0).path("msg").isTextual()) {
                return Optional.of(quoteShort(n.get(0).get("msg").asText()));
            }
        }
        return Optional.empty();
    }

    /** Text from the router, cut short: it goes into messages and must not flood them. */
    private static String quoteShort(String s) {
        String oneLine = s.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }

    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    private static boolean has(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }
}
