package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.FleetH1RouterDouble;
import dev.bosun.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client written for fleet-h1-router 0.1.0, using only what its README and service offer
 * ({@code POST /register/agent}, {@code POST /route}, {@code GET /status}, {@code GET /agents},
 * {@code GET /h1-snapshot}, with its request shapes and reading its answers' fields), runs the same
 * script against the router's double and against Bosun's compat paths. Everything it sees must be the
 * same, statuses, fields, types and the agents chosen, except β₁ and what follows from it (Bosun's is
 * the true E − V + C; the reference fixes C at 1).
 */
class FleetH1RouterClientTest extends ServerHarness {
    /** Fields whose values are β₁ or follow from it, or are free text: compared by type only. */
    private static final Set<String> BETA_DEPENDENT = Set.of(
            "h1_before",
            "h1_after",
            "h1_dimension",
            "n_components",
            "margin",
            "threshold",
            "emergence",
            "emergence_detected",
            "description",
            "reasoning",
            "laman_rigid");

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FleetH1RouterDouble reference;

    @AfterEach
    void stopReference() {
        if (reference != null) reference.close();
    }

    /** One answer as the client saw it. */
    private record Seen(String call, int status, JsonNode body) {}

    /** The README's fleet, tasks routed as its examples and the service's curl lines do. */
    private List<Seen> script(String base) {
        var seen = new ArrayList<Seen>();
        seen.add(post(
                base,
                "/register/agent",
                "{\"agent_id\": \"oracle1\", \"capabilities\": [\"coordination\", \"plato\", \"research\"]}"));
        seen.add(post(
                base, "/register/agent", "{\"agent_id\": \"ccc\", \"capabilities\": [\"telegram\", \"messaging\"]}"));
        seen.add(post(
                base,
                "/register/agent",
                "{\"agent_id\": \"forgemaster\", \"capabilities\": [\"compilation\", \"llvm\"]}"));
        seen.add(post(
                base,
                "/register/agent",
                "{\"agent_id\": \"oracle2\", \"capabilities\": [\"coordination\", \"plato\"]}"));
        for (String[] t : List.of(
                new String[] {"plato-sync", "[\"coordination\", \"plato\"]"},
                new String[] {"model-benchmark", "[\"compilation\"]"},
                new String[] {"fleet-health-check", "[\"coordination\"]"},
                new String[] {"fleet-health-check-2", "[\"coordination\"]"},
                new String[] {"fleet-health-check-3", "[\"coordination\"]"},
                new String[] {"plato-sync", "[\"coordination\", \"plato\"]"},
                new String[] {"telegram-task", "[\"video\"]"})) {
            seen.add(post(base, "/route", "{\"task_id\": \"" + t[0] + "\", \"required_capabilities\": " + t[1] + "}"));
        }
        seen.add(post(base, "/route", "{\"task_id\": \"no-requirements\"}"));
        seen.add(get(base, "/status"));
        seen.add(get(base, "/agents"));
        seen.add(get(base, "/h1-snapshot"));
        return seen;
    }

    @Test
    void aFleetH1RouterClientWorksUnchangedAgainstBosunsCompatPaths() {
        reference = FleetH1RouterDouble.startEmpty();
        List<Seen> theirs = script(reference.url());
        // min_confidence 0.5 is the reference's fixed floor (Bosun's default is 0.1)
        start(l -> l.set("fleet_compat_paths", true).set("min_confidence", "0.5"));
        List<Seen> ours = script(server.url().toString().replaceAll("/$", ""));

        assertThat(ours).hasSameSizeAs(theirs);
        for (int i = 0; i < theirs.size(); i++) {
            Seen t = theirs.get(i), o = ours.get(i);
            assertThat(o.status()).as("%s status", t.call()).isEqualTo(t.status());
            same(t.call(), t.body(), o.body());
        }
        // what the client reads: the agents chosen, spread by load, fallback included
        assertThat(agents(ours))
                .containsExactly("oracle1", "forgemaster", "oracle2", "oracle1", "oracle2", "oracle1", "ccc", "ccc");
        assertThat(agents(ours)).isEqualTo(agents(theirs));
        // a client reading h1_dimension gets a number from both; Bosun's is never negative
        JsonNode theirSnapshot = theirs.get(theirs.size() - 1).body();
        JsonNode ourSnapshot = ours.get(ours.size() - 1).body();
        assertThat(theirSnapshot.get("h1_dimension").asLong()).isNegative();
        assertThat(ourSnapshot.get("h1_dimension").asLong())
                .isEqualTo(manager.fleet().h1("default"))
                .isNotNegative();
    }

    private static List<String> agents(List<Seen> seen) {
        return seen.stream()
                .filter(s -> s.call().startsWith("POST /route"))
                .map(s -> s.body().get("agent_id").asText())
                .toList();
    }

    /** Same shape, same types, same values except where β₁ decides them. */
    private static void same(String call, JsonNode theirs, JsonNode ours) {
        assertThat(ours.getNodeType()).as("%s: type", call).isEqualTo(theirs.getNodeType());
        if (theirs.isObject()) {
            assertThat(names(ours)).as("%s: fields", call).isEqualTo(names(theirs));
            theirs.fields().forEachRemaining(f -> {
                JsonNode o = ours.get(f.getKey());
                String where = call + " ." + f.getKey();
                assertThat(o.isIntegralNumber())
                        .as("%s: integer?", where)
                        .isEqualTo(f.getValue().isIntegralNumber());
                assertThat(o.isFloatingPointNumber())
                        .as("%s: float?", where)
                        .isEqualTo(f.getValue().isFloatingPointNumber());
                if (!BETA_DEPENDENT.contains(f.getKey())) same(where, f.getValue(), o);
            });
        } else if (theirs.isArray()) {
            assertThat(ours).as("%s: length", call).hasSameSizeAs(theirs);
            for (int i = 0; i < theirs.size(); i++) same(call + "[" + i + "]", theirs.get(i), ours.get(i));
        } else {
            assertThat(ours).as(call).isEqualTo(theirs);
        }
    }

    private static List<String> names(JsonNode o) {
        var out = new ArrayList<String>();
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    private Seen post(String base, String path, String body) {
        return send(
                "POST " + path + " " + body,
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    private Seen get(String base, String path) {
        return send(
                "GET " + path,
                HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }

    private Seen send(String call, HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(request, (n, v) -> true)
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Seen(call, r.statusCode(), Json.parse(r.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
