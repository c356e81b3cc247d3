package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.TargetHealth;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
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
 * loopback ({@link FakePlato}) behaving as the deployed PLATO Room Server or plato-server do, with
 * their gates, duplicate check (or lack of one), crashes and faults. The relay is driven by hand
 * ({@code step}) under the harness's manual clock, so retries and the maximum age are reached
 * without sleeping.
 */
public abstract class TileRelayContract extends ManagerHarness {
    protected FakePlato plato;

    @BeforeEach
    void startPlato() throws Exception {
        plato = new FakePlato();
        plato.slowMillis = 3500; // past delivery_timeout, which is long enough for a loaded machine
        reconfigure(c -> loader().load());
    }

    @AfterEach
    void stopPlato() {
        if (plato != null) plato.close();
    }

    /** The suite's config: this PLATO, short timeouts and backoff. */
    protected ConfigLoader loader() {
        return Fixtures.loader(dataDir)
                .set("plato_url", plato.url().toString())
                .set("delivery_timeout", "3s")
                .set("delivery_backoff_min", "1s")
                .set("delivery_backoff_max", "10s")
                .set("delivery_max_age", "1h");
    }

    @Override
    protected BosunConfig config(Path dataDir) {
        return Fixtures.config(dataDir);
    }

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
        return manager.tiles()
                .ofSession("default", sessionId, Optional.empty(), 1000)
                .items();
    }

    private Session sessionWithOneTask(String name, TaskOutcome outcome) {
        Session s = manager.startSession(
                SessionConfig.builder(name, "oracle1").tags("research", "h1").build());
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
        assertThat(got)
                .extracting(FakePlato.Received::question)
                .containsExactly(
                        "[SESSION_START] oracle1:constraint-theory-research",
                        "[TASK_START] analyze-fleet-h1 → oracle1",
                        "[TASK_END] analyze-fleet-h1 — SUCCESS",
                        "[SESSION_END] oracle1:constraint-theory-research — SUCCESS");
        for (FakePlato.Received r : got) {
            assertThat(r.tile().get("answer").isTextual())
                    .as("answer_format=string by default")
                    .isTrue();
            assertThat(r.tile().get("domain").asText()).as("the default room").isEqualTo("bosun-sessions");
            assertThat(r.tile().get("source").asText()).isEqualTo("bosun");
            assertThat(r.tileId()).startsWith("tile_");
            assertThat(r.tile().fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder("domain", "question", "answer", "tags", "confidence", "source");
        }
        JsonNode start = got.get(0).answerObject();
        assertThat(start.get("session_id").asText()).isEqualTo(s.id());
        assertThat(start.get("agent_id").asText()).isEqualTo("oracle1");
        assertThat(start.get("session_name").asText()).isEqualTo("constraint-theory-research");
        assertThat(start.get("started").asText()).isEqualTo(s.createdAt().toString());
        assertThat(start.get("tags")).extracting(JsonNode::asText).containsExactly("research", "h1");
        assertThat(start.get("max_tasks").asInt()).isEqualTo(config.maxTasks());
        assertThat(start.get("task_timeout_seconds").asLong())
                .isEqualTo(config.taskTimeout().toSeconds());
        assertThat(start.get("h1_router_enabled").asBoolean()).isFalse();
        assertThat(got.get(0).tile().get("tags"))
                .extracting(JsonNode::asText)
                .containsExactly("scout", "session", "start", "oracle1");
        assertThat(got.get(0).tile().get("confidence").asDouble()).isEqualTo(1.0);

        JsonNode taskStart = got.get(1).answerObject();
        assertThat(taskStart.fieldNames()).toIterable().containsExactly("session_id", "task_id", "agent_id", "routing");
        assertThat(got.get(1).tile().get("confidence").asDouble()).isEqualTo(0.9);
        assertThat(got.get(1).tile().get("tags"))
                .extracting(JsonNode::asText)
                .containsExactly("scout", "task", "start", "oracle1");
        assertThat(got.get(2).answerObject().get("duration_ms").asLong()).isEqualTo(234);

        JsonNode end = got.get(3).answerObject();
        assertThat(end.get("outcome").asText()).isEqualTo("success");
        assertThat(end.get("tasks").get("total").asInt()).isEqualTo(1);
        assertThat(end.get("tasks").get("succeeded").asInt()).isEqualTo(1);
        assertThat(end.get("tasks").fieldNames())
                .toIterable()
                .containsExactly("total", "succeeded", "failed", "cancelled", "timeout");
        assertThat(end.get("patterns")).extracting(JsonNode::asText).containsExactly("all_tasks_succeeded");
        assertThat(end.has("h1_delta")).isTrue();
        assertThat(end.has("duration_seconds")).isTrue();
        assertThat(got.get(3).tile().get("tags"))
                .extracting(JsonNode::asText)
                .containsExactly("scout", "session", "end", "success", "oracle1");
        assertThat(got.get(3).tile().get("confidence").asDouble()).isEqualTo(0.95);

        List<Delivery> mine = tiles(s.id());
        assertThat(mine).extracting(Delivery::state).containsOnly(DeliveryState.DELIVERED);
        assertThat(mine).extracting(Delivery::eventSeq).isSorted();
        assertThat(mine).allSatisfy(d -> {
            assertThat(d.remoteId())
                    .as("the Room Server's tile_hash")
                    .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{16}"));
            assertThat(d.attempts()).isEqualTo(1);
            assertThat(d.body().get("answer").isObject())
                    .as("stored with the answer as an object")
                    .isTrue();
        });
        assertThat(manager.get(s.id()).patterns()).containsExactly("all_tasks_succeeded");
        assertThat(plato.room("bosun-sessions"))
                .as("saved in its room, readable")
                .hasSize(4);
        assertThat(plato.crashes()).isEmpty();
    }

    @Test
    void answerFormatObjectIsRefusedByTheRoomServerWhichMeasuresTheObjectsKeys() {
        reconfigure(c -> loader().set("answer_format", "object").load());
        Session s = manager.startSession(
                SessionConfig.builder("object-answers", "oracle1").build());
        drive(() -> tiles(s.id()).get(0).state() != DeliveryState.PENDING);
        assertThat(plato.requests())
                .singleElement()
                .satisfies(r -> assertThat(r.tile().get("answer").isObject()).isTrue());
        Delivery d = tiles(s.id()).get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(d.lastStatus()).contains(403);
        assertThat(d.lastError()).contains("Answer too short (8 < 20)");
    }

    @Test
    void theDefaultRoomIsStoredAndReadBackByPlatoServer() throws Exception {
        usePlatoServer("k-1");
        Session s = sessionWithOneTask("readable", TaskOutcome.SUCCESS);
        drive(() -> tiles(s.id()).stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));
        var http = java.net.http.HttpClient.newHttpClient();
        var read = http.send(
                java.net.http.HttpRequest.newBuilder(plato.url().resolve("/room/bosun-sessions"))
                        .header("Authorization", "Bearer k-1")
                        .GET()
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(dev.bosun.json.Json.parse(read.body()).get("tile_count").asInt())
                .isEqualTo(4);
        assertThat(tiles(s.id()))
                .allSatisfy(d ->
                        assertThat(d.remoteId()).as("plato-server's tile_id").isPresent());
    }

    @Test
    void aRoomWithASlashIsRefusedAtStartAndPerSessionUnlessHierarchicalRoomsAreAllowed() {
        assertThatThrownBy(() -> loader().set("scout_room", "gc/research/scout-reports/holodeck-session")
                        .load())
                .isInstanceOf(BosunException.class)
                .hasMessageContaining("scout_room")
                .hasMessageContaining("'/'")
                .hasMessageContaining("plato_room_names: hierarchical")
                .hasMessageContaining("gc-research-scout-reports-holodeck-session");
        BosunException e = expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(SessionConfig.builder("slashed", "oracle1")
                        .scoutRoom("gc/research")
                        .build()));
        assertThat(e.details()).containsEntry("field", "scout_room").containsEntry("rule", "plato_room_names=strict");
        assertThat(manager.startSession(SessionConfig.builder("flat", "oracle1")
                                .scoutRoom("gc.research_scout-1")
                                .build())
                        .scoutRoom())
                .contains("gc.research_scout-1");
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(
                        SessionConfig.builder("dots", "oracle1").scoutRoom("..").build()));

        reconfigure(c -> loader().set("plato_room_names", "hierarchical")
                .set("scout_room", "gc/research/holodeck")
                .load());
        assertThat(manager.startSession(SessionConfig.builder("tree", "oracle1")
                                .scoutRoom("gc/research")
                                .build())
                        .scoutRoom())
                .contains("gc/research");
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(SessionConfig.builder("up", "oracle1")
                        .scoutRoom("gc/../etc")
                        .build()));
    }

    /**
     * The Room Server with a hierarchical room, as seen in the field: it records the tile's hash, then
     * dies saving the room, so Bosun sees the connection closed without an answer; the resend is
     * answered "Duplicate tile". That tile reached PLATO: it is delivered (with a note saying how), never rejected.
     */
    @Test
    void aDuplicateAnswerToATileSentBeforeIsADeliveryWithANote() {
        reconfigure(c -> loader().set("plato_room_names", "hierarchical")
                .set("scout_room", "gc/research")
                .load());
        Session s =
                manager.startSession(SessionConfig.builder("tree", "oracle1").build());
        drive(() -> tiles(s.id()).get(0).state() != DeliveryState.PENDING);
        assertThat(plato.crashes()).singleElement().asString().contains("rooms/gc/research.json");
        Delivery d = tiles(s.id()).get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(d.attempts()).isEqualTo(2);
        assertThat(d.lastError())
                .hasValueSatisfying(note -> assertThat(note)
                        .contains("PLATO already had this tile")
                        .contains("Duplicate tile")
                        .contains("closed the connection without an answer"));
        assertThat(d.remoteId())
                .as("the Room Server's hash of it")
                .hasValueSatisfying(h -> assertThat(h).matches("[0-9a-f]{16}"));
        assertThat(plato.room("gc/research")).hasSize(1);
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
        assertThat(rejected.lastError()).contains("Refused by the gate");
        assertThat(rejected.attempts()).isEqualTo(1);
        assertThat(plato.requests())
                .filteredOn(r -> r.question().startsWith("[TASK_START]"))
                .hasSize(1);
        assertThat(manager.tiles()
                        .list("default", Optional.of(DeliveryState.REJECTED), Optional.empty(), 10)
                        .items())
                .extracting(Delivery::id)
                .containsExactly(rejected.id());
    }

    @Test
    void anAbsoluteWordInAnAnswerIsRefusedByTheGateForGood() {
        Session s = manager.startSession(
                SessionConfig.builder("absolute", "oracle1").build());
        Task t = manager.addTask(s.id(), TaskSpec.builder("deploy").build());
        manager.completeTask(
                s.id(), t.id(), Completion.of(TaskOutcome.FAILED).withError("it will never start: port in use"));
        drive(() -> tiles(s.id()).stream().noneMatch(d -> d.state() == DeliveryState.PENDING));
        Delivery end = tiles(s.id()).get(2);
        assertThat(end.state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(end.lastError()).contains("Absolute claim detected: 'never'");
    }

    @Test
    void serverErrorsSlowAnswersAndDroppedConnectionsAreRetriedUntilDelivered() {
        plato.fault(FakePlato.Fault.ERROR_500, FakePlato.Fault.SLOW, FakePlato.Fault.DROP);
        Session s = sessionWithOneTask("flaky", TaskOutcome.SUCCESS);
        drive(() -> tiles(s.id()).stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));
        List<Delivery> mine = tiles(s.id());
        assertThat(mine.get(0).attempts())
                .as("500, timeout, dropped, then accepted")
                .isEqualTo(4);
        // The slow attempt was stored after Bosun gave up on it: PLATO holds each tile once whichever came first.
        assertThat(plato.accepted()).hasSize(4);
        assertThat(plato.accepted())
                .extracting(FakePlato.Received::question)
                .first()
                .asString()
                .startsWith("[SESSION_START]");
        assertThat(plato.accepted())
                .extracting(FakePlato.Received::question)
                .last()
                .asString()
                .startsWith("[SESSION_END]");
    }

    @Test
    void aFailedAttemptIsRecordedWithWhyAndWhenItIsTriedAgain() {
        plato.always(FakePlato.Fault.ERROR_500);
        Session s =
                manager.startSession(SessionConfig.builder("failing", "oracle1").build());
        manager.relay().step();
        drive(() -> tiles(s.id()).get(0).attempts() >= 1
                && tiles(s.id()).get(0).lastError().isPresent());
        Delivery d = tiles(s.id()).get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(d.lastStatus()).contains(500);
        assertThat(d.lastError())
                .hasValueSatisfying(e -> assertThat(e)
                        .contains("answered HTTP 500: internal server error")
                        .contains("127.0.0.1:"));
        assertThat(d.nextAttemptAt()).isPresent();
    }

    @Test
    void anOutageThenRecoveryDeliversEveryTileInOrderPerSessionWithoutDuplicates() throws Exception {
        plato.stop();
        var sessions = new ArrayList<String>();
        for (int i = 0; i < 6; i++)
            sessions.add(sessionWithOneTask("outage-" + i, i % 2 == 0 ? TaskOutcome.SUCCESS : TaskOutcome.FAILED)
                    .id());
        for (int i = 0; i < 20; i++) {
            manager.relay().step();
            manager.relay().awaitInFlight(Duration.ofSeconds(5));
            clock.advance(Duration.ofMinutes(3)); // an hour down in all (20 x 3 min), well inside the maximum age
        }
        assertThat(plato.accepted()).isEmpty();
        assertThat(manager.store().deliveries().countByState(DeliveryKind.TILE))
                .containsEntry(DeliveryState.PENDING, 24L);
        assertThat(tiles(sessions.get(0)).get(0).lastError())
                .hasValueSatisfying(e -> assertThat(e).contains("refused"));

        plato.start();
        drive(() -> plato.accepted().size() == 24);
        Map<String, List<String>> bySession = plato.accepted().stream()
                .collect(Collectors.groupingBy(
                        r -> r.answerObject().get("session_id").asText(),
                        Collectors.mapping(FakePlato.Received::question, Collectors.toList())));
        assertThat(bySession).hasSize(6);
        for (List<String> qs : bySession.values()) {
            assertThat(qs)
                    .extracting(q -> q.substring(0, q.indexOf(']') + 1))
                    .containsExactly("[SESSION_START]", "[TASK_START]", "[TASK_END]", "[SESSION_END]");
        }
        assertThat(new HashSet<>(plato.accepted().stream()
                        .map(FakePlato.Received::tileId)
                        .toList()))
                .hasSize(24);
        assertThat(manager.store().deliveries().countByState(DeliveryKind.TILE))
                .containsEntry(DeliveryState.DELIVERED, 24L)
                .containsEntry(DeliveryState.PENDING, 0L);
    }

    @Test
    void aTileStillFailingAtTheMaximumAgeIsDeadLetteredAndCanBeRetried() {
        plato.always(FakePlato.Fault.ERROR_500);
        Session s =
                manager.startSession(SessionConfig.builder("doomed", "oracle1").build());
        manager.relay().step();
        for (int i = 0; i < 40 && tiles(s.id()).get(0).state() == DeliveryState.PENDING; i++) {
            drive(() -> true);
            clock.advance(Duration.ofMinutes(5));
        }
        Delivery dead = tiles(s.id()).get(0);
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(dead.lastError()).hasValueSatisfying(e -> assertThat(e).contains("gave up after"));
        assertThat(manager.tiles()
                        .list("default", Optional.of(DeliveryState.DEAD), Optional.empty(), 10)
                        .items())
                .extracting(Delivery::id)
                .containsExactly(dead.id());

        plato.always(null);
        Delivery again = manager.tiles().retry("default", dead.id());
        assertThat(again.state()).isEqualTo(DeliveryState.PENDING);
        drive(() -> manager.tiles().get("default", dead.id()).state() == DeliveryState.DELIVERED);
        assertThat(plato.accepted()).extracting(FakePlato.Received::tileId).containsExactly(dead.id());
    }

    @Test
    void emitTilesFalseKeepsTilesLocalForTheConfigOrOneSession() {
        Session quiet = manager.startSession(SessionConfig.builder("quiet", "oracle1")
                .emitTiles(false)
                .scoutRoom("my-own-room")
                .build());
        Session loud =
                manager.startSession(SessionConfig.builder("loud", "oracle1").build());
        drive(() -> plato.accepted().size() == 1);
        assertThat(tiles(quiet.id())).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(DeliveryState.LOCAL);
            assertThat(d.body().get("domain").asText()).isEqualTo("my-own-room");
        });
        assertThat(plato.accepted())
                .singleElement()
                .satisfies(r ->
                        assertThat(r.answerObject().get("session_id").asText()).isEqualTo(loud.id()));

        reconfigure(c -> loader().set("emit_tiles", false).load());
        Session off =
                manager.startSession(SessionConfig.builder("off", "oracle1").build());
        Session optIn = manager.startSession(
                SessionConfig.builder("opt-in", "oracle1").emitTiles(true).build());
        drive(() -> plato.accepted().size() == 2);
        assertThat(tiles(off.id())).extracting(Delivery::state).containsExactly(DeliveryState.LOCAL);
        assertThat(tiles(optIn.id())).extracting(Delivery::state).containsExactly(DeliveryState.DELIVERED);
    }

    @Test
    void theApiKeyGoesAsABearerToken() throws Exception {
        usePlatoServer("k-123");
        Session s =
                manager.startSession(SessionConfig.builder("keyed", "oracle1").build());
        drive(() -> plato.accepted().size() == 1);
        assertThat(plato.accepted().get(0).authorization()).isEqualTo("Bearer k-123");
        assertThat(tiles(s.id()).get(0).state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void aResendAfterAnAnswerWasLostIsDeliveredNotRejected() {
        // PLATO stores the tile but its answer comes after Bosun gave up: the relay cannot know and
        // resends; PLATO calls the resend a duplicate, which for a tile sent before means it is there.
        plato.fault(FakePlato.Fault.SLOW);
        Session s = manager.startSession(
                SessionConfig.builder("lost-answer", "oracle1").build());
        manager.relay().step();
        try {
            manager.relay().awaitInFlight(Duration.ofSeconds(10)); // times out at 3 s; PLATO stores it at 3.5 s
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> plato.accepted().size() == 1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        drive(() -> tiles(s.id()).get(0).state() != DeliveryState.PENDING);
        assertThat(plato.accepted()).hasSize(1);
        Delivery d = tiles(s.id()).get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(d.lastError()).hasValueSatisfying(n -> assertThat(n).contains("PLATO already had this tile"));
        assertThat(d.attempts()).isEqualTo(2);
    }

    /** Each outcome is recorded when its answer arrives; only the tile being sent is claimed. */
    @Test
    void eachTileIsRecordedAsItsAnswerArrivesAndOnlyTheOneInFlightIsClaimed() {
        plato.pace();
        Session s = sessionWithOneTask("paced", TaskOutcome.SUCCESS);
        manager.relay().step();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> plato.requests().size() == 1);
        plato.allow(1);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> plato.requests().size() == 2);
        List<Delivery> mid = tiles(s.id());
        assertThat(mid.get(0).state()).as("recorded before the next was sent").isEqualTo(DeliveryState.DELIVERED);
        assertThat(mid.get(1).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(mid.get(1).attempts()).as("in flight: one send").isEqualTo(1);
        assertThat(mid.subList(2, 4))
                .as("not sent, not claimed")
                .allSatisfy(d -> assertThat(d.attempts()).isZero());
        plato.allow(10);
        drive(() -> tiles(s.id()).stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));
        assertThat(tiles(s.id())).allSatisfy(d -> assertThat(d.attempts()).isEqualTo(1));
    }

    /** attempts are sends, and each tile backs off from its own failures, not its lane's. */
    @Test
    void attemptsCountSendsAndEachTileBacksOffFromItsOwnFailures() throws Exception {
        plato.fault(
                FakePlato.Fault.NONE,
                FakePlato.Fault.ERROR_500,
                FakePlato.Fault.NONE,
                FakePlato.Fault.ERROR_500,
                FakePlato.Fault.NONE,
                FakePlato.Fault.ERROR_500);
        Session s = sessionWithOneTask("once-each", TaskOutcome.SUCCESS);
        Duration longest = Duration.ZERO;
        for (int i = 0;
                i < 40
                        && !(tiles(s.id()).size() == 4
                                && tiles(s.id()).stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));
                i++) {
            manager.relay().step();
            manager.relay().awaitInFlight(Duration.ofSeconds(5));
            for (Delivery d : tiles(s.id())) {
                if (d.state() == DeliveryState.PENDING
                        && d.lastError().isPresent()
                        && d.nextAttemptAt().isPresent()) {
                    Duration wait =
                            Duration.between(d.updatedAt(), d.nextAttemptAt().get());
                    if (wait.compareTo(longest) > 0) longest = wait;
                }
            }
            clock.advance(Duration.ofMillis(500));
        }
        List<Delivery> mine = tiles(s.id());
        assertThat(mine).extracting(Delivery::state).containsOnly(DeliveryState.DELIVERED);
        Map<String, Long> sends = plato.requests().stream()
                .collect(Collectors.groupingBy(FakePlato.Received::tileId, Collectors.counting()));
        assertThat(mine)
                .allSatisfy(d -> assertThat((long) d.attempts())
                        .as("attempts of " + d.id())
                        .isEqualTo(sends.get(d.id())));
        assertThat(mine).extracting(Delivery::attempts).containsExactly(1, 2, 2, 2);
        assertThat(longest).as("one failure each: backoff_min at most").isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    /** A refused key pauses the target: said once, probed rarely, resumed by a probe that is answered. */
    @Test
    void aRefusedKeyPausesTheTargetUntilAProbeIsAnswered() throws Exception {
        usePlatoServer("right-key");
        reconfigure(c -> loader().set("plato_api_key", "wrong-key").load());
        var pauses = new java.util.concurrent.CopyOnWriteArrayList<String>();
        manager.relay().addObserver(new dev.bosun.delivery.DeliveryObserver() {
            @Override
            public void paused(DeliveryKind kind, String target, String cause) {
                pauses.add(target + ":" + cause);
            }
        });
        Session s = sessionWithOneTask("wrong-key", TaskOutcome.SUCCESS);
        Session other =
                manager.startSession(SessionConfig.builder("other", "oracle1").build());
        drive(() -> !plato.requests().isEmpty());
        TargetHealth h = manager.relay().health(DeliveryKind.TILE, "plato");
        assertThat(h.status()).isEqualTo(TargetHealth.Status.PAUSED);
        assertThat(h.cause()).contains("auth");
        assertThat(h.detail())
                .hasValueSatisfying(d -> assertThat(d).contains("HTTP 401").doesNotContain("wrong-key"));
        int atPause = plato.requests().size();
        assertThat(atPause)
                .as("what was in flight when it paused: the two lanes' heads at most")
                .isBetween(1, 2);
        for (int i = 0; i < 10; i++) { // 20 s of clock: no probe is due yet
            drive(() -> true);
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(plato.requests()).as("paused: not hammered").hasSize(atPause);
        clock.advance(Duration.ofSeconds(31));
        drive(() -> true);
        assertThat(plato.requests()).as("one probe").hasSize(atPause + 1);
        assertThat(pauses).as("said once").containsExactly("plato:auth");

        plato.apiKey = "wrong-key"; // the operator fixed PLATO's side
        clock.advance(Duration.ofSeconds(31));
        drive(() -> tiles(s.id()).stream().allMatch(d -> d.state() == DeliveryState.DELIVERED)
                && tiles(other.id()).get(0).state() == DeliveryState.DELIVERED);
        assertThat(manager.relay().health(DeliveryKind.TILE, "plato").status()).isEqualTo(TargetHealth.Status.UP);
        assertThat(tiles(s.id()))
                .noneMatch(d -> d.state() == DeliveryState.DEAD || d.state() == DeliveryState.REJECTED);
    }

    @Test
    void aPausedTargetResumesOnRequest() throws Exception {
        usePlatoServer("right-key");
        reconfigure(c -> loader().set("plato_api_key", "wrong-key").load());
        Session s =
                manager.startSession(SessionConfig.builder("resume", "oracle1").build());
        drive(() -> !plato.requests().isEmpty());
        assertThat(manager.relay().health(DeliveryKind.TILE, "plato").status()).isEqualTo(TargetHealth.Status.PAUSED);
        plato.apiKey = "wrong-key";
        assertThat(manager.relay().resume(DeliveryKind.TILE, "plato")).isTrue();
        assertThat(manager.relay().resume(DeliveryKind.TILE, "plato"))
                .as("not paused any more")
                .isFalse();
        manager.relay().step();
        manager.relay().awaitInFlight(Duration.ofSeconds(5));
        assertThat(tiles(s.id()).get(0).state())
                .as("sent at once, before any probe was due")
                .isEqualTo(DeliveryState.DELIVERED);
    }

    /**
     * plato-server crashes on every object answer (no answer at all): after 3 on the same tile the
     * target is paused with that cause, and the tiles behind it are neither sent nor dead-lettered.
     */
    @Test
    void aServerThatCrashesOnTheSameTileEveryTimeIsPausedNotHammered() throws Exception {
        usePlatoServer("k");
        reconfigure(c -> loader().set("plato_api_key", "k")
                .set("answer_format", "object")
                .load());
        Session s = sessionWithOneTask("crashing", TaskOutcome.SUCCESS);
        for (int i = 0;
                i < 20 && manager.relay().health(DeliveryKind.TILE, "plato").status() != TargetHealth.Status.PAUSED;
                i++) {
            drive(() -> true);
            clock.advance(Duration.ofSeconds(5));
        }
        TargetHealth h = manager.relay().health(DeliveryKind.TILE, "plato");
        assertThat(h.status()).isEqualTo(TargetHealth.Status.PAUSED);
        assertThat(h.cause()).contains("crash");
        String head = tiles(s.id()).get(0).id();
        assertThat(h.detail())
                .hasValueSatisfying(d -> assertThat(d)
                        .contains("closed the connection without an answer")
                        .contains("3 times in a row on " + head));
        assertThat(plato.crashes()).hasSize(3);
        assertThat(plato.requests()).extracting(FakePlato.Received::tileId).containsOnly(head);
        int before = plato.requests().size();
        for (int i = 0; i < 10; i++) {
            drive(() -> true);
            clock.advance(Duration.ofSeconds(2));
        }
        assertThat(plato.requests())
                .as("nothing sent in the 20 s after the pause")
                .hasSize(before);
        assertThat(tiles(s.id())).extracting(Delivery::state).containsOnly(DeliveryState.PENDING);
    }

    /** Age for dead-lettering counts from when a tile could first be sent, not from its event. */
    @Test
    void aTileThatWaitedBehindAStuckHeadIsNotDeadOnItsFirstFailure() {
        plato.always(FakePlato.Fault.ERROR_500);
        Session s = sessionWithOneTask("stuck", TaskOutcome.SUCCESS);
        drive(() -> tiles(s.id()).size() == 4);
        for (int i = 0; i < 40 && tiles(s.id()).get(0).state() == DeliveryState.PENDING; i++) {
            drive(() -> true);
            clock.advance(Duration.ofMinutes(5));
        }
        assertThat(tiles(s.id()).get(0).state()).isEqualTo(DeliveryState.DEAD);
        drive(() -> tiles(s.id()).get(1).attempts() >= 1);
        Delivery follower = tiles(s.id()).get(1);
        assertThat(follower.state()).as("its hour starts now").isEqualTo(DeliveryState.PENDING);
        assertThat(follower.readyAt()).isPresent();
        plato.always(null);
        drive(() -> tiles(s.id()).stream().skip(1).allMatch(d -> d.state() == DeliveryState.DELIVERED));
    }

    /** Every checkpoint in the log becomes a tile: the end's cancellations, a worker's or an agent's error. */
    @Test
    void cancelledTasksAndAgentErrorsBecomeTiles() {
        Session s = manager.startSession(
                SessionConfig.builder("cut-short", "oracle1").build());
        manager.addTask(s.id(), TaskSpec.builder("left-running").build());
        manager.emit(
                s.id(),
                "error",
                dev.bosun.json.Json.object()
                        .put("message", "disk quota exceeded")
                        .put("code", "quota"));
        manager.endSession(s.id(), SessionOutcome.FAILED, Optional.of("stopped"));
        drive(() -> tiles(s.id()).size() == 5
                && tiles(s.id()).stream().allMatch(d -> d.state() == DeliveryState.DELIVERED));
        assertThat(plato.accepted())
                .extracting(r -> r.question().substring(0, r.question().indexOf(']') + 1))
                .containsExactly("[SESSION_START]", "[TASK_START]", "[SESSION_ERROR]", "[TASK_END]", "[SESSION_END]");
        JsonNode error = plato.accepted().get(2).answerObject();
        assertThat(error.get("message").asText()).isEqualTo("disk quota exceeded");
        assertThat(error.get("reported_by").asText()).isEqualTo("agent");
        assertThat(plato.accepted().get(3).question()).isEqualTo("[TASK_END] left-running — CANCELLED");
        assertThat(plato.accepted().get(3).answerObject().get("outcome").asText())
                .isEqualTo("cancelled");
    }

    /** Replaces the Room Server with a plato-server (bearer key, no duplicate check) and points Bosun at it. */
    protected void usePlatoServer(String key) throws java.io.IOException {
        plato.close();
        plato = FakePlato.platoServer(key);
        plato.slowMillis = 3500;
        reconfigure(c -> loader().set("plato_api_key", key).load());
    }

    /** A relay running on its own thread (as in the server) delivers without being stepped. */
    @Test
    void theBackgroundRelayDeliversOnItsOwn() {
        closeKeepingSessions();
        store = factory().open(dataDir);
        manager = SessionManager.builder(config).store(store).autoReap(false).build();
        sessionWithOneTask("background", TaskOutcome.SUCCESS);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> plato.accepted().size() == 4);
    }
}
