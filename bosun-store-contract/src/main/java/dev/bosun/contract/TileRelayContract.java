package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionManager;
import dev.bosun.session.SessionOutcome;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tiles made from sessions' checkpoints and delivered to a PLATO server: a real HTTP server on
 * loopback ({@link FakePlato}) implementing the {@code /submit} contract with its rejections and
 * faults. The relay is driven by hand ({@code step}) under the harness's manual clock, so retries
 * and the maximum age are reached without sleeping.
 */
public abstract class TileRelayContract extends ManagerHarness {
    protected FakePlato plato;

    @BeforeEach
    void startPlato() throws Exception {
        plato = new FakePlato();
        plato.slowMillis = 1500;
        reconfigure(c -> loader().load());
    }

    @AfterEach
    void stopPlato() { if (plato != null) plato.close(); }

    /** The suite's config: this PLATO, short timeouts and backoff. */
    protected ConfigLoader loader() {
        return Fixtures.loader(dataDir)
                .set("plato_url", plato.url().toString())
                .set("delivery_timeout", "1s")
                .set("delivery_backoff_min", "1s")
                .set("delivery_backoff_max", "10s")
                .set("delivery_max_age", "1h")
                .set("scout_room", "gc/research/scout-reports/holodeck-session");
    }

    @Override
    protected BosunConfig config(Path dataDir) { return Fixtures.config(dataDir); }

    /** Steps the relay, lets in-flight attempts finish, moves the clock on, until {@code done} or 20 s. */
    protected void drive(BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        try {
            while (true) {
                manager.relay().step();
                manager.relay().awaitInFlight(Duration.ofSeconds(5));
                if (done.getAsBoolean()) return;
                if (System.nanoTime() > deadline) throw new AssertionError("relay did not get there within 20 s");
                clock.advance(Duration.ofSeconds(2));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    protected List<Delivery> tiles(String sessionId) {
        return manager.tiles().ofSession("default", sessionId, Optional.empty(), 1000).items();
    }

    private Session sessionWithOneTask(String name, TaskOutcome outcome) {
        Session s = manager.startSession(SessionConfig.builder(name, "oracle1").tags("research", "h1").build());
        Task t = manager.addTask(s.id(), TaskSpec.builder("analyze-fleet-h1").build());
        manager.completeTask(s.id(), t.id(), Completion.of(outcome).withDurationMs(234));
        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        return s;
    }

    @Test
    void everyCheckpointBecomesATileInTheHolodeckFormatDeliveredInOrder() {
        Session s = sessionWithOneTask("constraint-theory-research", TaskOutcome.SUCCESS);
        drive(() -> plato.accepted().size() == 4);

        List<FakePlato.Received> got = plato.accepted();
        assertThat(got).extracting(FakePlato.Received::question).containsExactly(
                "[SESSION_START] oracle1:constraint-theory-research",
                "[TASK_START] analyze-fleet-h1 → oracle1",
                "[TASK_END] analyze-fleet-h1 — SUCCESS",
                "[SESSION_END] oracle1:constraint-theory-research — SUCCESS");
        for (FakePlato.Received r : got) {
            assertThat(r.tile().get("answer").isTextual()).as("answer_format=string by default").isTrue();
            assertThat(r.tile().get("domain").asText()).isEqualTo("gc/research/scout-reports/holodeck-session");
            assertThat(r.tile().get("source").asText()).isEqualTo("bosun");
            assertThat(r.tileId()).startsWith("tile_");
            assertThat(r.tile().fieldNames()).toIterable()
                    .containsExactlyInAnyOrder("domain", "question", "answer", "tags", "confidence", "source");
        }
        JsonNode start = got.get(0).answerObject();
        assertThat(start.get("session_id").asText()).isEqualTo(s.id());
        assertThat(start.get("agent_id").asText()).isEqualTo("oracle1");
        assertThat(start.get("session_name").asText()).isEqualTo("constraint-theory-research");
        assertThat(start.get("started").asText()).isEqualTo(s.createdAt().toString());
        assertThat(start.get("tags")).extracting(JsonNode::asText).containsExactly("research", "h1");
        assertThat(start.get("max_tasks").asInt()).isEqualTo(config.maxTasks());
        assertThat(start.get("task_timeout_seconds").asLong()).isEqualTo(config.taskTimeout().toSeconds());
        assertThat(start.get("h1_router_enabled").asBoolean()).isFalse();
        assertThat(got.get(0).tile().get("tags")).extracting(JsonNode::asText).containsExactly("scout", "session", "start", "oracle1");
        assertThat(got.get(0).tile().get("confidence").asDouble()).isEqualTo(1.0);

        JsonNode taskStart = got.get(1).answerObject();
        assertThat(taskStart.fieldNames()).toIterable().containsExactly("session_id", "task_id", "agent_id", "routing");
        assertThat(got.get(1).tile().get("confidence").asDouble()).isEqualTo(0.9);
        assertThat(got.get(1).tile().get("tags")).extracting(JsonNode::asText).containsExactly("scout", "task", "start", "oracle1");
        assertThat(got.get(2).answerObject().get("duration_ms").asLong()).isEqualTo(234);

        JsonNode end = got.get(3).answerObject();
        assertThat(end.get("outcome").asText()).isEqualTo("success");
        assertThat(end.get("tasks").get("total").asInt()).isEqualTo(1);
        assertThat(end.get("tasks").get("succeeded").asInt()).isEqualTo(1);
        assertThat(end.get("tasks").fieldNames()).toIterable()
                .containsExactly("total", "succeeded", "failed", "cancelled", "timeout");
        assertThat(end.get("patterns")).extracting(JsonNode::asText).containsExactly("all_tasks_succeeded");
        assertThat(end.has("h1_delta")).isTrue();
        assertThat(end.has("duration_seconds")).isTrue();
        assertThat(got.get(3).tile().get("tags")).extracting(JsonNode::asText).containsExactly("scout", "session", "end", "success", "oracle1");
        assertThat(got.get(3).tile().get("confidence").asDouble()).isEqualTo(0.95);

        List<Delivery> mine = tiles(s.id());
        assertThat(mine).extracting(Delivery::state).containsOnly(DeliveryState.DELIVERED);
        assertThat(mine).extracting(Delivery::eventSeq).isSorted();
        assertThat(mine).allSatisfy(d -> {
            assertThat(d.remoteId()).hasValueSatisfying(id -> assertThat(id).startsWith("t-"));
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.body().get("answer").isObject()).as("stored with the answer as an object").isTrue();
        });
        assertThat(manager.get(s.id()).patterns()).containsExactly("all_tasks_succeeded");
    }

    @Test
    void answerFormatObjectSendsTheAnswerAsAJsonObject() {
        reconfigure(c -> loader().set("answer_format", "object").load());
        plato.acceptObjectAnswers = true;
        sessionWithOneTask("object-answers", TaskOutcome.SUCCESS);
        drive(() -> plato.accepted().size() == 4);
        assertThat(plato.accepted()).allSatisfy(r -> assertThat(r.tile().get("answer").isObject()).isTrue());
    }

    @Test
    void aGateRejectionIsFinalRecordedWithTheReasonAndTheSessionsLaneMovesOn() {
        plato.gateRefuses.add("[TASK_START] analyze-fleet-h1 → oracle1");
        Session s = sessionWithOneTask("gated", TaskOutcome.FAILED);
        drive(() -> plato.accepted().size() == 3);
        clock.advance(Duration.ofMinutes(30));
        drive(() -> true);
        Delivery rejected = tiles(s.id()).get(1);
        assertThat(rejected.state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(rejected.lastStatus()).as("PLATO's gate answers 403").contains(403);
        assertThat(rejected.lastError()).contains("gate: question refused by the gate");
        assertThat(rejected.attempts()).isEqualTo(1);
        assertThat(plato.requests()).filteredOn(r -> r.question().startsWith("[TASK_START]")).hasSize(1);
        assertThat(manager.tiles().list("default", Optional.of(DeliveryState.REJECTED), Optional.empty(), 10).items())
                .extracting(Delivery::id).containsExactly(rejected.id());
    }

    @Test
    void anObjectAnswerToAServerThatNeedsStringsIsRejectedNotRetried() {
        reconfigure(c -> loader().set("answer_format", "object").load());
        Session s = manager.startSession(SessionConfig.builder("strict", "oracle1").build());
        drive(() -> tiles(s.id()).get(0).state() != DeliveryState.PENDING);
        assertThat(tiles(s.id()).get(0).state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(tiles(s.id()).get(0).lastError()).contains("gate: answer must be a string");
        assertThat(tiles(s.id()).get(0).lastStatus()).as("a schema failure is a 400").contains(400);
    }

    @Test
    void serverErrorsSlowAnswersAndDroppedConnectionsAreRetriedUntilDelivered() {
        plato.fault(FakePlato.Fault.ERROR_500, FakePlato.Fault.SLOW, FakePlato.Fault.DROP);
        Session s = sessionWithOneTask("flaky", TaskOutcome.SUCCESS);
        drive(() -> plato.accepted().size() == 4);
        List<Delivery> mine = tiles(s.id());
        assertThat(mine).extracting(Delivery::state).containsOnly(DeliveryState.DELIVERED);
        assertThat(mine.get(0).attempts()).as("500, timeout, dropped, then accepted").isEqualTo(4);
        assertThat(plato.accepted()).extracting(FakePlato.Received::question).first().asString().startsWith("[SESSION_START]");
        assertThat(plato.accepted()).extracting(FakePlato.Received::question).last().asString().startsWith("[SESSION_END]");
    }

    @Test
    void aFailedAttemptIsRecordedWithWhyAndWhenItIsTriedAgain() {
        plato.always(FakePlato.Fault.ERROR_500);
        Session s = manager.startSession(SessionConfig.builder("failing", "oracle1").build());
        manager.relay().step();
        drive(() -> tiles(s.id()).get(0).attempts() >= 1 && tiles(s.id()).get(0).lastError().isPresent());
        Delivery d = tiles(s.id()).get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(d.lastStatus()).contains(500);
        assertThat(d.lastError()).hasValueSatisfying(e -> assertThat(e)
                .contains("answered HTTP 500: internal server error").contains("127.0.0.1:"));
        assertThat(d.nextAttemptAt()).isPresent();
    }

    @Test
    void anOutageThenRecoveryDeliversEveryTileInOrderPerSessionWithoutDuplicates() throws Exception {
        plato.stop();
        var sessions = new ArrayList<String>();
        for (int i = 0; i < 6; i++) sessions.add(sessionWithOneTask("outage-" + i, i % 2 == 0 ? TaskOutcome.SUCCESS : TaskOutcome.FAILED).id());
        for (int i = 0; i < 20; i++) {
            manager.relay().step();
            manager.relay().awaitInFlight(Duration.ofSeconds(5));
            clock.advance(Duration.ofMinutes(3)); // an hour down in all (20 x 3 min), well inside the maximum age
        }
        assertThat(plato.accepted()).isEmpty();
        assertThat(manager.store().deliveries().countByState(DeliveryKind.TILE)).containsEntry(DeliveryState.PENDING, 24L);
        assertThat(tiles(sessions.get(0)).get(0).lastError()).hasValueSatisfying(e -> assertThat(e).contains("refused"));

        plato.start();
        drive(() -> plato.accepted().size() == 24);
        Map<String, List<String>> bySession = plato.accepted().stream().collect(Collectors.groupingBy(
                r -> r.answerObject().get("session_id").asText(), Collectors.mapping(FakePlato.Received::question, Collectors.toList())));
        assertThat(bySession).hasSize(6);
        for (List<String> qs : bySession.values()) {
            assertThat(qs).extracting(q -> q.substring(0, q.indexOf(']') + 1))
                    .containsExactly("[SESSION_START]", "[TASK_START]", "[TASK_END]", "[SESSION_END]");
        }
        assertThat(new HashSet<>(plato.accepted().stream().map(FakePlato.Received::tileId).toList())).hasSize(24);
        assertThat(manager.store().deliveries().countByState(DeliveryKind.TILE))
                .containsEntry(DeliveryState.DELIVERED, 24L).containsEntry(DeliveryState.PENDING, 0L);
    }

    @Test
    void aTileStillFailingAtTheMaximumAgeIsDeadLetteredAndCanBeRetried() {
        plato.always(FakePlato.Fault.ERROR_500);
        Session s = manager.startSession(SessionConfig.builder("doomed", "oracle1").build());
        manager.relay().step();
        for (int i = 0; i < 40 && tiles(s.id()).get(0).state() == DeliveryState.PENDING; i++) {
            drive(() -> true);
            clock.advance(Duration.ofMinutes(5));
        }
        Delivery dead = tiles(s.id()).get(0);
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(dead.lastError()).hasValueSatisfying(e -> assertThat(e).contains("gave up after"));
        assertThat(manager.tiles().list("default", Optional.of(DeliveryState.DEAD), Optional.empty(), 10).items())
                .extracting(Delivery::id).containsExactly(dead.id());

        plato.always(null);
        Delivery again = manager.tiles().retry("default", dead.id());
        assertThat(again.state()).isEqualTo(DeliveryState.PENDING);
        drive(() -> manager.tiles().get("default", dead.id()).state() == DeliveryState.DELIVERED);
        assertThat(plato.accepted()).extracting(FakePlato.Received::tileId).containsExactly(dead.id());
    }

    @Test
    void emitTilesFalseKeepsTilesLocalForTheConfigOrOneSession() {
        Session quiet = manager.startSession(SessionConfig.builder("quiet", "oracle1").emitTiles(false).scoutRoom("my/own-room").build());
        Session loud = manager.startSession(SessionConfig.builder("loud", "oracle1").build());
        drive(() -> plato.accepted().size() == 1);
        assertThat(tiles(quiet.id())).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(DeliveryState.LOCAL);
            assertThat(d.body().get("domain").asText()).isEqualTo("my/own-room");
        });
        assertThat(plato.accepted()).singleElement().satisfies(r -> assertThat(r.answerObject().get("session_id").asText()).isEqualTo(loud.id()));

        reconfigure(c -> loader().set("emit_tiles", false).load());
        Session off = manager.startSession(SessionConfig.builder("off", "oracle1").build());
        Session optIn = manager.startSession(SessionConfig.builder("opt-in", "oracle1").emitTiles(true).build());
        drive(() -> plato.accepted().size() == 2);
        assertThat(tiles(off.id())).extracting(Delivery::state).containsExactly(DeliveryState.LOCAL);
        assertThat(tiles(optIn.id())).extracting(Delivery::state).containsExactly(DeliveryState.DELIVERED);
    }

    @Test
    void theApiKeyGoesAsABearerToken() {
        plato.requiredKey = "k-123";
        reconfigure(c -> loader().set("plato_api_key", "k-123").load());
        Session s = manager.startSession(SessionConfig.builder("keyed", "oracle1").build());
        drive(() -> plato.accepted().size() == 1);
        assertThat(plato.accepted().get(0).authorization()).isEqualTo("Bearer k-123");
        assertThat(tiles(s.id()).get(0).state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aResendAfterAnAnswerWasLostIsAtMostADuplicateThatPlatoRejects() {
        // PLATO stores the tile but the answer never arrives (dropped after a slow store): the relay
        // cannot know and resends; PLATO calls it a duplicate, which is final. The tile is there once.
        plato.slowMillis = 2500;
        plato.fault(FakePlato.Fault.SLOW);
        Session s = manager.startSession(SessionConfig.builder("lost-answer", "oracle1").build());
        manager.relay().step();
        try {
            manager.relay().awaitInFlight(Duration.ofSeconds(5)); // times out at 1 s; PLATO stores it at 2.5 s
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        drive(() -> tiles(s.id()).get(0).state() != DeliveryState.PENDING);
        assertThat(plato.accepted()).hasSize(1);
        Delivery d = tiles(s.id()).get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(d.lastError()).contains("duplicate");
        assertThat(d.attempts()).isEqualTo(2);
    }

    /** A relay running on its own thread (as in the server) delivers without being stepped. */
    @Test
    void theBackgroundRelayDeliversOnItsOwn() {
        closeKeepingSessions();
        store = factory().open(dataDir);
        manager = SessionManager.builder(config).store(store).autoReap(false).build();
        sessionWithOneTask("background", TaskOutcome.SUCCESS);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> plato.accepted().size() == 4);
    }
}
