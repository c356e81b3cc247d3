package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.json.Json;
import dev.bosun.server.NodeCluster.Node;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.EndReason;
import dev.bosun.wire.Event;
import dev.bosun.wire.PollResult;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.SessionStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two and three {@code bosun serve} processes on one PostgreSQL database, talked to over HTTP:
 * every node serves every session, long-polls wake across nodes, a killed node's sessions are taken
 * over and nothing it acknowledged is lost.
 */
class MultiNodeTest {
    @TempDir
    Path dir;

    private static List<Event> all(Node n, String sessionId) {
        var out = new ArrayList<Event>();
        long after = 0;
        while (true) {
            PollResult r = n.client().poll(sessionId, after, 100, Duration.ZERO);
            out.addAll(r.events());
            after = r.nextCursor();
            if (!r.hasMore()) return out;
        }
    }

    /** The node's {@code bosun_streams_open}: long-polls and SSE streams it is holding right now. */
    private static double openStreams(Node n) throws Exception {
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            String text = http.send(
                            java.net.http.HttpRequest.newBuilder(n.url().resolve("/metrics"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString())
                    .body();
            var m = java.util.regex.Pattern.compile("(?m)^bosun_streams_open (\\S+)$")
                    .matcher(text);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }
    }

    @Test
    void everyNodeServesEverySessionAndALongPollWakesOnAnotherNodesSend() throws Exception {
        try (var cluster = new NodeCluster(dir, Duration.ofSeconds(5))) {
            var nodes = cluster.start("a", "b");
            Node a = nodes.get(0), b = nodes.get(1);
            Session s = a.client().createSession(CreateSession.of("multi", "agent"));
            long seq = a.client().send(s.sessionId(), "input", Json.object().put("n", 1));
            assertThat(b.client().poll(s.sessionId(), 0, 10, Duration.ZERO).events())
                    .extracting(Event::seq)
                    .contains(seq);

            var waiting = CompletableFuture.supplyAsync(
                    () -> b.client().poll(s.sessionId(), seq, 10, Duration.ofSeconds(20)));
            // B holds the long poll (it took a stream slot) before A sends: the send must wake it across nodes.
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> openStreams(b) >= 1);
            assertThat(waiting).isNotDone();
            long sent = System.nanoTime();
            long next = a.client().send(s.sessionId(), "input", Json.object().put("n", 2));
            PollResult woke = waiting.get(15, TimeUnit.SECONDS);
            long wokeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertThat(woke.events()).extracting(Event::seq).containsExactly(next);
            System.out.println("cross-node long-poll woke " + wokeMs + " ms after the send");

            // A worker on A answers a send made through B: B's commit reaches A as a notification.
            Session w =
                    a.client().createSession(CreateSession.of("worker", "agent").withProfile("echo"));
            long in = b.client().send(w.sessionId(), "input", Json.object().put("via", "b"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> all(b, w.sessionId()).stream()
                            .anyMatch(e -> e.eventType().equals("echo")
                                    && e.payload().at("/received/seq").asLong() == in));

            b.client().endSession(s.sessionId(), SessionOutcome.SUCCESS, Optional.empty());
            assertThat(a.client().getSession(s.sessionId()).status()).isEqualTo(SessionStatus.ENDED);
            b.client().terminate(w.sessionId(), "ended through b");
            assertThat(a.client().getSession(w.sessionId()).reason()).isEqualTo(EndReason.TERMINATED);
        }
    }

    @Test
    void threeNodesStartAtOnceAndAKilledNodesSessionsAreTakenOverLosingNothing() throws Exception {
        try (var cluster = new NodeCluster(dir, Duration.ofSeconds(2))) {
            var nodes = cluster.start("a", "b", "c"); // at once, on a fresh schema: a migration race
            Node a = nodes.get(0), b = nodes.get(1), c = nodes.get(2);
            assertThat(scalar(cluster, "SELECT COUNT(*) FROM schema_migrations"))
                    .isEqualTo(dev.bosun.store.postgres.PostgresStore.schemaVersion());
            assertThat(scalar(cluster, "SELECT COUNT(*) FROM nodes")).isEqualTo(3);

            var workerSessions = new ArrayList<String>();
            var plain = new ArrayList<String>();
            for (int i = 0; i < 3; i++) {
                workerSessions.add(a.client()
                        .createSession(CreateSession.of("w" + i, "agent").withProfile("echo"))
                        .sessionId());
                plain.add(a.client()
                        .createSession(CreateSession.of("p" + i, "agent"))
                        .sessionId());
            }
            var targets = new ArrayList<String>(workerSessions);
            targets.addAll(plain);
            // Traffic through A until it dies; every acknowledged send is remembered with its seq.
            var acked = new ConcurrentHashMap<String, Long>();
            var stop = new AtomicBoolean();
            var senders = new ArrayList<CompletableFuture<Void>>();
            for (int t = 0; t < 4; t++) {
                int tt = t;
                senders.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        String id = targets.get((i + tt) % targets.size());
                        String key = tt + ":" + i;
                        try {
                            acked.put(
                                    key + "@" + id,
                                    a.client().send(id, "input", Json.object().put("k", key)));
                        } catch (dev.bosun.client.BosunClientException | java.io.UncheckedIOException e) {
                            return; // A is gone
                        } catch (RuntimeException e) {
                            return;
                        }
                    }
                }));
            }
            // Kill A mid-traffic once it has acknowledged a fair number of sends (a count, not a time:
            // under load the senders may need far longer than any fixed pause to get there).
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> acked.size() > 10);
            cluster.kill(a);
            stop.set(true);
            CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            assertThat(acked).as("sends A acknowledged before it died").hasSizeGreaterThan(10);

            // B or C notices A's lease lapse and ends A's worker sessions worker_lost.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> workerSessions.stream()
                            .allMatch(id -> b.client().getSession(id).status() == SessionStatus.ENDED));
            for (String id : workerSessions) {
                assertThat(c.client().getSession(id).reason()).as(id).isEqualTo(EndReason.WORKER_LOST);
            }
            // Everything A acknowledged is there, through another node, at the seq A gave.
            var logs = new java.util.HashMap<String, Map<Long, Event>>();
            for (String id : targets) {
                var bySeq = new java.util.HashMap<Long, Event>();
                for (Event e : all(b, id)) bySeq.put(e.seq(), e);
                logs.put(id, bySeq);
            }
            acked.forEach((keyAtId, seq) -> {
                String key = keyAtId.substring(0, keyAtId.indexOf('@'));
                String id = keyAtId.substring(keyAtId.indexOf('@') + 1);
                Event e = logs.get(id).get(seq);
                assertThat(e)
                        .as("acknowledged %s at seq %d of %s", key, seq, id)
                        .isNotNull();
                assertThat(e.payload().get("k").asText()).isEqualTo(key);
            });
            // Sessions without a worker belong to no node: they carry on through the others.
            for (String id : plain) {
                assertThat(b.client().getSession(id).status()).isEqualTo(SessionStatus.RUNNING);
                long seq = c.client().send(id, "input", Json.object().put("after", "kill"));
                assertThat(b.client().poll(id, seq - 1, 10, Duration.ZERO).events())
                        .extracting(Event::seq)
                        .containsExactly(seq);
            }
        }
    }

    @Test
    void tilesADeadNodeHadInFlightAreDeliveredByAnotherInOrder() throws Exception {
        try (var plato = new dev.bosun.contract.FakePlato();
                var cluster = new NodeCluster(dir, Duration.ofSeconds(2))) {
            plato.slowMillis = 1500;
            plato.always(dev.bosun.contract.FakePlato.Fault.SLOW);
            cluster.env("BOSUN_PLATO_URL", plato.url().toString()).env("BOSUN_DELIVERY_TIMEOUT", "2s");
            var nodes = cluster.start("a", "b");
            Node a = nodes.get(0), b = nodes.get(1);
            var sessions = new ArrayList<String>();
            for (int i = 0; i < 8; i++) {
                Session s = a.client().createSession(CreateSession.of("tiles-" + i, "oracle1"));
                var t = a.client().addTask(s.sessionId(), dev.bosun.wire.AddTask.of("work-" + i));
                a.client()
                        .completeTask(
                                s.sessionId(),
                                t.taskId(),
                                dev.bosun.wire.CompleteTask.of(dev.bosun.wire.TaskOutcome.SUCCESS));
                a.client().endSession(s.sessionId(), SessionOutcome.SUCCESS, Optional.empty());
                sessions.add(s.sessionId());
            }
            // Kill A while PLATO holds tiles open (it stores each after 1.5 s, whether or not the sender is still
            // there).
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> plato.requests().size() >= 4);
            cluster.kill(a);
            // PLATO goes on storing what A had in flight; whichever of that and B's resend comes second is
            // answered "Duplicate tile", so PLATO holds each tile once either way.
            plato.always(null);
            // B (whose relay ran all along) takes over A's lanes once A's claims lapse; nothing is lost.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            scalar(cluster, "SELECT COUNT(*) FROM deliveries WHERE kind = 'TILE' AND state = 'PENDING'")
                                            == 0
                                    && scalar(cluster, "SELECT COUNT(*) FROM deliveries WHERE kind = 'TILE'") == 32);
            assertThat(scalar(cluster, "SELECT COUNT(*) FROM deliveries WHERE kind = 'TILE' AND state = 'DELIVERED'"))
                    .as("a resend PLATO calls a duplicate is a delivery, never a rejection")
                    .isEqualTo(32);
            // PLATO holds each tile once (it answered the resends "Duplicate tile"), each session's in log order.
            var bySession = new java.util.HashMap<String, List<String>>();
            for (var r : plato.accepted()) {
                bySession
                        .computeIfAbsent(r.answerObject().get("session_id").asText(), k -> new ArrayList<>())
                        .add(r.question().substring(0, r.question().indexOf(']') + 1));
            }
            assertThat(bySession.keySet()).containsExactlyInAnyOrderElementsOf(sessions);
            for (var kinds : bySession.values()) {
                assertThat(kinds).containsExactly("[SESSION_START]", "[TASK_START]", "[TASK_END]", "[SESSION_END]");
            }
            assertThat(b.client().getSession(sessions.get(0)).status()).isEqualTo(SessionStatus.ENDED);
        }
    }

    private static long scalar(NodeCluster cluster, String sql) throws Exception {
        try (Connection conn = DriverManager.getConnection(
                        cluster.url().jdbcUrl(), cluster.url().properties("bosun-test"));
                Statement s = conn.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
