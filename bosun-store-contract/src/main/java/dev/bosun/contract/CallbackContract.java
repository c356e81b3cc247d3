package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.config.BosunConfig;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.event.Event;
import dev.bosun.fleet.EmergenceAlert;
import dev.bosun.json.Json;
import dev.bosun.listener.ListenerStats;
import dev.bosun.listener.Registration;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import dev.bosun.wire.WebhookSignature;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Library callbacks, webhooks and patterns through the SessionManager: listeners that throw or
 * hang are isolated; webhook deliveries arrive signed at a real receiver on loopback, which checks
 * every signature; patterns are named at the end in the session, its log and its tile.
 */
public abstract class CallbackContract extends ManagerHarness {

    @Override
    protected BosunConfig config(Path dataDir) {
        return Fixtures.loader(dataDir)
                .set("listener_timeout", "200ms")
                .set("webhook_private_targets", true)
                .set("delivery_timeout", "2s")
                .set("h1_router_enabled", true)
                .load();
    }

    private Session start(String name) {
        return manager.startSession(SessionConfig.builder(name, "oracle1").build());
    }

    private void complete(Session s, String id, TaskOutcome outcome, long ms) {
        manager.addTask(s.id(), TaskSpec.builder(id).id(id).build());
        manager.completeTask(s.id(), id, Completion.of(outcome).withDurationMs(ms));
    }

    // ---- listeners ----

    @Test
    void listenersHearEveryEventTaskAndEndAfterTheCommitInOrder() {
        var events = new CopyOnWriteArrayList<Event>();
        var tasks = new CopyOnWriteArrayList<Task>();
        var ends = new CopyOnWriteArrayList<Session>();
        manager.listeners().onEvent(events::add);
        manager.listeners().onTaskComplete(tasks::add);
        manager.listeners().onSessionEnd(ends::add);

        Session s = start("heard");
        complete(s, "a", TaskOutcome.SUCCESS, 10);
        complete(s, "b", TaskOutcome.FAILED, 20);
        manager.endSession(s.id(), SessionOutcome.FAILED, Optional.of("b failed"));

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ends.size() == 1);
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(tasks).extracting(Task::id).containsExactly("a", "b");
        assertThat(tasks).extracting(t -> t.status().name()).containsExactly("SUCCESS", "FAILED");
        assertThat(ends.get(0).outcome()).contains(SessionOutcome.FAILED);
        assertThat(ends.get(0).isEnded()).isTrue();
        assertThat(manager.listeners().stats().failures()).isZero();
    }

    @Test
    void aListenerThatThrowsOrHangsIsIsolatedCountedAndNeverBreaksASession() throws Exception {
        var later = new CopyOnWriteArrayList<Event>();
        var release = new CountDownLatch(1);
        AtomicInteger hangCalls = new AtomicInteger();
        manager.listeners().onEvent(e -> {
            throw new IllegalStateException("listener bug");
        });
        manager.listeners().onTaskComplete(t -> {
            hangCalls.incrementAndGet();
            try {
                release.await(); // hangs until interrupted by the timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        manager.listeners().onEvent(later::add);

        Session s = start("robust");
        complete(s, "a", TaskOutcome.SUCCESS, 1);
        complete(s, "b", TaskOutcome.SUCCESS, 1);
        Session ended = manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        assertThat(ended.outcome()).contains(SessionOutcome.SUCCESS);

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> later.size() == 6);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> manager.listeners().stats().timeouts() == 2);
        ListenerStats stats = manager.listeners().stats();
        assertThat(stats.failures()).isEqualTo(6);
        assertThat(hangCalls.get())
                .as("the second call went ahead after the first timed out")
                .isEqualTo(2);
        release.countDown();
    }

    @Test
    void aClosedRegistrationHearsNothingMore() {
        var heard = new CopyOnWriteArrayList<Event>();
        Registration r = manager.listeners().onEvent(heard::add);
        Session s = start("closed");
        Awaitility.await().until(() -> heard.size() == 1);
        r.close();
        manager.send(s.id(), "chat", Json.object());
        var after = new CopyOnWriteArrayList<Event>();
        manager.listeners().onEvent(after::add);
        long last = manager.send(s.id(), "chat", Json.object()).seq();
        // `after` may or may not hear the first chat too, depending on when the log follower reaches it.
        Awaitility.await().until(() -> after.stream().anyMatch(e -> e.seq() == last));
        assertThat(heard).hasSize(1);
    }

    @Test
    void anEmergenceAlertReachesItsListenerAndBecomesATile() {
        var alerts = new CopyOnWriteArrayList<EmergenceAlert>();
        manager.listeners().onEmergenceAlert(alerts::add);
        var fleet = manager.fleet();
        String t = "default";
        fleet.register(t, "A", List.of("y"));
        fleet.register(t, "B", List.of("y", "w"));
        fleet.register(t, "C", List.of("y", "w"));
        for (int task = 0; task < 4; task++) {
            for (String agent : List.of("A", "B", "C")) {
                fleet.route(t, "p" + task, "p" + task, Optional.empty(), List.of("y"), List.of(agent), false);
            }
        }
        fleet.route(t, "k", "k", Optional.empty(), List.of("y"), List.of("A"), false);
        Session s = start("emergent");
        manager.addTask(
                s.id(), TaskSpec.builder("k").id("k").requiredCapabilities("w").build());

        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> alerts.size() == 1);
        assertThat(alerts.get(0).h1()).isEqualTo(7);
        manager.relay().step();
        List<Delivery> tiles = manager.tiles()
                .ofSession("default", s.id(), Optional.empty(), 100)
                .items();
        Delivery alertTile = tiles.stream()
                .filter(d -> d.eventType().equals("emergence_alert"))
                .findFirst()
                .orElseThrow();
        assertThat(alertTile.body().get("question").asText()).isEqualTo("[EMERGENCE ALERT] β₁=7 > V-2=6");
        assertThat(alertTile.state()).as("no PLATO configured: kept local").isEqualTo(DeliveryState.LOCAL);
        assertThat(tiles.get(1).body().at("/answer/routing/agent_id").asText()).isEqualTo("B");
        assertThat(tiles.get(0).body().at("/answer/h1_router_enabled").asBoolean())
                .isTrue();
    }

    // ---- webhooks ----

    /**
     * A receiver that checks every delivery's signature, as a user's endpoint would, against the
     * manager's clock (deliveries are stamped with the injected clock, here a manual one).
     */
    private final class Receiver implements AutoCloseable {
        final HttpServer server;
        final List<JsonNode> verified = new CopyOnWriteArrayList<>();
        final List<String> refused = new CopyOnWriteArrayList<>();
        final AtomicInteger failFirst = new AtomicInteger();
        volatile String secret;

        Receiver() throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.createContext("/hook", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                var h = ex.getRequestHeaders();
                boolean ok = WebhookSignature.verify(
                        secret,
                        h.getFirst("Bosun-Timestamp"),
                        h.getFirst("Bosun-Signature"),
                        body,
                        clock.instant(),
                        Duration.ofMinutes(5));
                int status;
                if (!ok) {
                    refused.add(new String(body));
                    status = 401;
                } else if (failFirst.getAndDecrement() > 0) {
                    status = 500;
                } else {
                    JsonNode n = Json.parseTrusted(new String(body));
                    assertThat(h.getFirst("Bosun-Delivery"))
                            .isEqualTo(n.get("id").asText());
                    assertThat(h.getFirst("Bosun-Event"))
                            .isEqualTo(n.get("type").asText());
                    verified.add(n);
                    status = 204;
                }
                ex.sendResponseHeaders(status, -1);
                ex.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** Steps the relay (the harness drives it by hand) until {@code done}; moves the manual clock so retries fall due. */
    private void deliverUntil(java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not delivered within 20 s");
            manager.relay().step();
            manager.relay().awaitInFlight(Duration.ofSeconds(5));
            clock.advance(Duration.ofSeconds(30));
        }
    }

    @Test
    void webhooksDeliverSignedEventsOfTheirTypesAndTenantAndRetryAFailure() throws Exception {
        try (Receiver rx = new Receiver()) {
            Webhook w = manager.webhooks()
                    .create("default", rx.url(), List.of("task_completed", "session_ended"), Optional.empty());
            rx.secret = w.secret();
            assertThat(w.secret()).startsWith("whsec_").hasSizeGreaterThan(40);
            manager.webhooks().create("other", rx.url(), List.of("*"), Optional.of("another-tenant-secret"));
            rx.failFirst.set(1);

            Session s = start("hooked");
            complete(s, "a", TaskOutcome.SUCCESS, 5);
            manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
            deliverUntil(() -> rx.verified.size() == 2);

            assertThat(rx.refused).as("every delivery is correctly signed").isEmpty();
            assertThat(rx.verified)
                    .extracting(n -> n.get("type").asText())
                    .containsExactly("task_completed", "session_ended");
            assertThat(rx.verified.get(0).get("session_id").asText()).isEqualTo(s.id());
            assertThat(rx.verified.get(0).at("/payload/task_id").asText()).isEqualTo("a");
            assertThat(rx.verified.get(1).at("/payload/outcome").asText()).isEqualTo("success");
            List<Delivery> ds = manager.webhooks()
                    .deliveries("default", w.id(), Optional.empty(), Optional.empty(), 10)
                    .items();
            assertThat(ds).extracting(Delivery::state).containsOnly(DeliveryState.DELIVERED);
            Delivery first = ds.stream()
                    .filter(d -> d.eventType().equals("task_completed"))
                    .findFirst()
                    .orElseThrow();
            assertThat(first.attempts()).as("a 500, then delivered").isEqualTo(2);
            assertThat(manager.store().deliveries().countByState(DeliveryKind.WEBHOOK))
                    .containsEntry(DeliveryState.DELIVERED, 2L);
        }
    }

    @Test
    void aWrongSecretIsRefusedByTheReceiverAndRetriedNotLost() throws Exception {
        try (Receiver rx = new Receiver()) {
            Webhook w = manager.webhooks()
                    .create("default", rx.url(), List.of("session_started"), Optional.of("the-right-secret-0001"));
            rx.secret = "rotated-on-the-receiver";
            Session s = start("rotated");
            deliverUntil(() -> !rx.refused.isEmpty());
            Delivery d = manager.webhooks()
                    .deliveries("default", w.id(), Optional.empty(), Optional.empty(), 10)
                    .items()
                    .get(0);
            assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
            assertThat(d.lastStatus()).contains(401);
            rx.secret = "the-right-secret-0001";
            deliverUntil(() -> rx.verified.size() == 1);
            assertThat(rx.verified.get(0).get("session_id").asText()).isEqualTo(s.id());
        }
    }

    // ---- patterns ----

    @Test
    void patternsAreNamedAtTheEndInTheSessionItsLogAndItsTile() {
        Session s = manager.startSession(
                SessionConfig.builder("patterned", "oracle1").maxTasks(5).build());
        complete(s, "t1", TaskOutcome.FAILED, 100);
        complete(s, "t2", TaskOutcome.SUCCESS, 100);
        complete(s, "t3", TaskOutcome.SUCCESS, 100);
        complete(s, "t4", TaskOutcome.SUCCESS, 100);
        complete(s, "t5", TaskOutcome.SUCCESS, 1000);
        Session ended = manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        List<String> expected =
                List.of("high_completion_streak", "first_failure_recovered", "slow_task_outlier", "max_tasks_reached");
        assertThat(ended.patterns()).containsExactlyElementsOf(expected);
        assertThat(manager.get(s.id()).patterns()).containsExactlyElementsOf(expected);
        Event end = allEvents(s.id()).get(allEvents(s.id()).size() - 1);
        assertThat(end.payload().get("patterns")).extracting(JsonNode::asText).containsExactlyElementsOf(expected);
        manager.relay().step();
        List<Delivery> tiles = manager.tiles()
                .ofSession("default", s.id(), Optional.empty(), 100)
                .items();
        assertThat(tiles.get(tiles.size() - 1).body().at("/answer/patterns"))
                .extracting(JsonNode::asText)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void tasksStillRunningAtTheEndCountAsCancelledInThePatterns() {
        Session s = start("cut-short");
        complete(s, "t1", TaskOutcome.SUCCESS, 10);
        complete(s, "t2", TaskOutcome.SUCCESS, 10);
        complete(s, "t3", TaskOutcome.SUCCESS, 10);
        manager.addTask(s.id(), TaskSpec.builder("open").id("open").build());
        Session ended = manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        assertThat(ended.patterns()).containsExactly("high_completion_streak");
        assertThat(ended.taskCounts().cancelled()).isEqualTo(1);
    }

    @Test
    void aSessionTheReaperExpiresForIdlenessIsNamedSoAndItsOpenTasksCountAsCancelled() {
        Session s = manager.startSession(SessionConfig.builder("idle", "oracle1")
                .idleTimeout(Duration.ofSeconds(30))
                .build());
        complete(s, "t1", TaskOutcome.TIMEOUT, 10);
        complete(s, "t2", TaskOutcome.TIMEOUT, 10);
        clock.advance(Duration.ofMinutes(1));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).patterns()).containsExactly("repeated_timeouts", "expired_while_idle");
        assertThat(start("live").patterns()).isEmpty();
    }
}
