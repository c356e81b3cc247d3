package dev.bosun.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.PrivatePostgres;
import dev.bosun.json.Json;
import dev.bosun.server.NodeCluster;
import dev.bosun.server.NodeCluster.Node;
import dev.bosun.store.postgres.PgUrl;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.SendEvent;
import dev.bosun.wire.WireJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on a PostgreSQL of the test's own, stopped ({@code pg_ctl stop -m immediate}) under traffic
 * and started again: calls during the outage answer 503 UNAVAILABLE naming no password and no host
 * path, readiness says not ready, every write acknowledged before, during or after the outage is
 * there, and the same node process takes writes again without a restart.
 */
@Tag("faults")
class PostgresOutageTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveAnOutageAndTheNodeRecoversWithoutRestart() throws Exception {
        PrivatePostgres.require();
        try (var pg = PrivatePostgres.start();
                var cluster = Traffic.unthrottled(new NodeCluster(dir, Duration.ofSeconds(2), PgUrl.parse(pg.url())));
                var http = HttpClient.newHttpClient()) {
            Node node = cluster.start("solo").getFirst();
            long pid = node.process().pid();
            var book = new Acknowledged();
            var sessions = new ArrayList<String>();
            for (int i = 0; i < 4; i++) {
                String id = node.client()
                        .createSession(CreateSession.of("outage-" + i, "agent"))
                        .sessionId();
                book.session(id);
                sessions.add(id);
            }
            List<String> secrets = List.of(pg.password(), pg.dir().toString(), dir.toString(), "/usr/lib/postgresql");
            try (var traffic = new Traffic(book, sessions, List.of(node::client), 4)) {
                traffic.awaitAcks(300);
                long down = System.nanoTime();
                pg.stopNow();
                String id = sessions.getFirst();
                var probes = List.of(
                        request(
                                node,
                                "POST",
                                "/v1/sessions/" + id + "/events",
                                WireJson.tree(
                                        new SendEvent("input", Json.object().put("k", "probe")))),
                        request(node, "POST", "/v1/sessions", WireJson.tree(CreateSession.of("probe", "agent"))),
                        request(node, "GET", "/v1/sessions/" + id, null),
                        request(node, "GET", "/v1/sessions/" + id + "/events?after=0", null),
                        request(node, "GET", "/v1/sessions", null));
                // At once: each may wait for the pool's connection timeout before it fails.
                var answers = probes.stream()
                        .map(p -> http.sendAsync(p, HttpResponse.BodyHandlers.ofString()))
                        .toList();
                for (int i = 0; i < probes.size(); i++) {
                    HttpRequest probe = probes.get(i);
                    book.tried();
                    HttpResponse<String> r = answers.get(i).get();
                    String what = probe.method() + " " + probe.uri().getPath() + " during the outage";
                    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(503);
                    assertThat(Json.parse(r.body()).at("/error/code").asText())
                            .as(what)
                            .isEqualTo("UNAVAILABLE");
                    assertThat(r.body()).as(what).doesNotContain(secrets).doesNotContain("\tat ");
                }
                HttpResponse<String> ready =
                        http.send(request(node, "GET", "/readyz", null), HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode())
                        .as("readiness during the outage: " + ready.body())
                        .isEqualTo(503);
                assertThat(ready.body()).doesNotContain(secrets);
                traffic.awaitFailures(4); // the writers hit the outage too
                pg.startAgain();
                long up = System.nanoTime();
                traffic.awaitAcks(300); // the same process writes again: it recovered by itself
                long recovered = System.nanoTime();
                assertThat(traffic.failures().keySet())
                        .as("the only failure an outage may cause")
                        .isSubsetOf("UNAVAILABLE");
                System.out.printf(
                        "postgres outage: down %d ms, 300 writes %d ms after it was back; %d writes tried, %d acknowledged, failures %s%n",
                        (up - down) / 1_000_000,
                        (recovered - up) / 1_000_000,
                        book.triedCount(),
                        book.size(),
                        traffic.failures());
            }
            assertThat(node.process().isAlive()).isTrue();
            assertThat(node.process().pid()).isEqualTo(pid);
            Awaitility.await("ready again")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> node.client().ready().up());
            book.assertAllThere(node.client(), "after the outage");
            assertThat(Files.readString(node.log())).as("the node's log").doesNotContain(pg.password());
            book.record(1);
        }
    }

    private static HttpRequest request(Node node, String method, String path, JsonNode body) {
        var b = HttpRequest.newBuilder(URI.create(node.url() + path)).timeout(Duration.ofSeconds(60));
        if (body == null)
            return b.method(method, HttpRequest.BodyPublishers.noBody()).build();
        return b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
    }
}
