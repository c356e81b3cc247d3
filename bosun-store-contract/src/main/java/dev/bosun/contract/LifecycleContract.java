package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStats;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskSpec;
import dev.bosun.task.TaskStatus;
import dev.bosun.util.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The session lifecycle, tasks, the event log and every bad input, through the SessionManager. */
public abstract class LifecycleContract extends ManagerHarness {

    private Session start() {
        return manager.startSession(SessionConfig.builder("research", "oracle1")
                .tags("research", "h1")
                .build());
    }

    @Test
    void fullLifecycleWritesEveryCheckpointGapless() {
        Session s = start();
        assertThat(s.id()).startsWith("sess_").hasSize(31);
        assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(s.expiresAt()).isEqualTo(s.createdAt().plus(Duration.ofHours(24)));

        Task t1 = manager.addTask(
                s.id(),
                TaskSpec.builder("analyze-h1-data")
                        .id("t1")
                        .data(json("{\"query\":\"what is H1?\"}"))
                        .priority(TaskPriority.HIGH)
                        .requiredCapabilities("research")
                        .build());
        Task t2 = manager.addTask(s.id(), TaskSpec.builder("write-report").build());
        assertThat(t1.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(t2.id()).startsWith("task_");
        assertThat(manager.activeTasks(s.id())).extracting(Task::id).containsExactly("t1", t2.id());

        clock.advance(Duration.ofMillis(2340));
        Task done = manager.completeTask(
                s.id(), "t1", Completion.of(TaskOutcome.SUCCESS).withResult(json("{\"patterns_found\":5}")));
        assertThat(done.status()).isEqualTo(TaskStatus.SUCCESS);
        assertThat(done.durationMs()).contains(2340L); // measured when not given
        assertThat(done.result()).contains(json("{\"patterns_found\":5}"));
        manager.send(s.id(), "input", json("{\"hello\":1}"));
        manager.emit(s.id(), "reply", json("[1,2]"));

        Session ended = manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        assertThat(ended.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(ended.outcome()).contains(SessionOutcome.SUCCESS);
        assertThat(ended.reason()).contains(EndReason.COMPLETED);
        assertThat(ended.taskCounts().total()).isEqualTo(2);
        assertThat(ended.taskCounts().succeeded()).isEqualTo(1);
        assertThat(ended.taskCounts().cancelled()).isEqualTo(1); // ending cancels open tasks
        assertThat(manager.getTask(s.id(), t2.id()).status()).isEqualTo(TaskStatus.CANCELLED);

        List<Event> log = allEvents(s.id());
        assertGapless(log);
        // The task the end cancelled ends in the log too, before the session does.
        assertThat(log)
                .extracting(Event::type)
                .containsExactly(
                        "session_started",
                        "task_started",
                        "task_started",
                        "task_completed",
                        "input",
                        "reply",
                        "task_completed",
                        "session_ended");
        assertThat(log)
                .extracting(Event::direction)
                .containsExactly(
                        Direction.SYSTEM,
                        Direction.SYSTEM,
                        Direction.SYSTEM,
                        Direction.SYSTEM,
                        Direction.IN,
                        Direction.OUT,
                        Direction.SYSTEM,
                        Direction.SYSTEM);
        assertThat(log.get(6).payload().get("task_id").asText()).isEqualTo(t2.id());
        assertThat(log.get(6).payload().get("outcome").asText()).isEqualTo("cancelled");
        var endPayload = log.get(log.size() - 1).payload();
        assertThat(endPayload.get("outcome").asText()).isEqualTo("success");
        assertThat(endPayload.get("reason").asText()).isEqualTo("completed");
        assertThat(endPayload.at("/tasks/total").asInt()).isEqualTo(2);
        assertThat(endPayload.at("/tasks/succeeded").asInt()).isEqualTo(1);
        assertThat(endPayload.at("/tasks/cancelled").asInt()).isEqualTo(1);
        assertThat(log.get(0).payload().get("agent_id").asText()).isEqualTo("oracle1");
    }

    @Test
    void anEndedSessionRefusesEveryWriteAndLosesNothing() {
        Session s = start();
        manager.addTask(s.id(), TaskSpec.builder("a").id("a").build());
        manager.completeTask(s.id(), "a", TaskOutcome.SUCCESS);
        manager.endSession(s.id(), SessionOutcome.FAILED, Optional.of("gave up"));
        long before = manager.get(s.id()).lastSeq();

        var e = expectError(ErrorCode.CONFLICT, () -> manager.send(s.id(), "input", json("{}")));
        assertThat(e.getMessage()).contains("ended");
        expectError(ErrorCode.CONFLICT, () -> manager.emit(s.id(), "out", json("{}")));
        expectError(
                ErrorCode.CONFLICT,
                () -> manager.addTask(s.id(), TaskSpec.builder("b").build()));
        expectError(ErrorCode.CONFLICT, () -> manager.completeTask(s.id(), "a", TaskOutcome.FAILED));
        expectError(ErrorCode.CONFLICT, () -> manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty()));
        expectError(ErrorCode.CONFLICT, () -> manager.heartbeat(s.id()));
        assertThat(manager.terminate(s.id(), "again").reason()).contains(EndReason.COMPLETED); // idempotent
        assertThat(manager.get(s.id()).lastSeq()).isEqualTo(before);
        assertThat(manager.get(s.id()).error()).contains("gave up");
    }

    @Test
    void terminateIsIdempotentAndCancels() {
        Session s = start();
        Session t = manager.terminate(s.id(), "operator request");
        assertThat(t.outcome()).contains(SessionOutcome.CANCELLED);
        assertThat(t.reason()).contains(EndReason.TERMINATED);
        assertThat(manager.terminate(s.id(), null)).isEqualTo(t);
        assertThat(allEvents(s.id())).extracting(Event::type).containsExactly("session_started", "session_ended");
    }

    @Test
    void disabledGateRefusesNewSessions() {
        reconfigure(c -> Fixtures.config(c.dataDir(), false, 1000));
        var e = expectError(ErrorCode.SESSIONS_DISABLED, this::start);
        assertThat(e.getMessage()).contains("sessions_enabled");
    }

    @Test
    void concurrentSessionCapIsEnforced() {
        reconfigure(c -> Fixtures.config(c.dataDir(), true, 2));
        Session a = start();
        start();
        var e = expectError(ErrorCode.LIMIT_REACHED, this::start);
        assertThat(e.details()).containsEntry("limit", 2);
        manager.terminate(a.id(), null);
        assertThat(start().status()).isEqualTo(SessionStatus.RUNNING);
    }

    @Test
    void completingATaskTwiceIsAConflict() {
        Session s = start();
        manager.addTask(s.id(), TaskSpec.builder("a").id("a").build());
        manager.completeTask(s.id(), "a", TaskOutcome.SUCCESS);
        var e = expectError(ErrorCode.CONFLICT, () -> manager.completeTask(s.id(), "a", TaskOutcome.SUCCESS));
        assertThat(e.getMessage()).contains("already completed");
        expectError(
                ErrorCode.CONFLICT,
                () -> manager.addTask(s.id(), TaskSpec.builder("dup").id("a").build()));
        expectError(ErrorCode.NOT_FOUND, () -> manager.completeTask(s.id(), "nope", TaskOutcome.SUCCESS));
        assertThat(manager.get(s.id()).taskCounts().total()).isEqualTo(1);
    }

    @Test
    void taskCapIsEnforcedPerSession() {
        Session s = manager.startSession(
                SessionConfig.builder("cap", "a1").maxTasks(2).build());
        manager.addTask(s.id(), TaskSpec.builder("1").build());
        manager.addTask(s.id(), TaskSpec.builder("2").build());
        var e = expectError(
                ErrorCode.LIMIT_REACHED,
                () -> manager.addTask(s.id(), TaskSpec.builder("3").build()));
        assertThat(e.details()).containsEntry("field", "max_tasks");
    }

    @Test
    void badIdsAreRefusedNamingTheField() {
        Session s = start();
        for (String bad : List.of("../etc", "a/b", "a\\b", "", " x", "x".repeat(129), "a\nb", ".hidden")) {
            var e = expectError(
                    ErrorCode.INVALID_ARGUMENT,
                    () -> manager.addTask(s.id(), TaskSpec.builder("n").id(bad).build()));
            assertThat(e.details()).containsEntry("field", "task_id");
            var e2 = expectError(
                    ErrorCode.INVALID_ARGUMENT,
                    () -> manager.startSession(SessionConfig.builder("n", bad).build()));
            assertThat(e2.details()).containsEntry("field", "agent_id");
        }
        assertThat(manager.addTask(
                                s.id(),
                                TaskSpec.builder("n").id("x".repeat(128)).build())
                        .id())
                .hasSize(128);
        expectError(ErrorCode.NOT_FOUND, () -> manager.get("../../etc/passwd"));
        expectError(ErrorCode.NOT_FOUND, () -> manager.send("sess_unknown", "input", json("{}")));
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(SessionConfig.builder(" ", "a").build()));
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(
                        SessionConfig.builder("n", "a").tags("ok", "bad\u0007").build()));
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.addTask(
                        s.id(), TaskSpec.builder("n").requiredCapabilities("").build()));
        expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.send(s.id(), "", json("{}")));
        expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.send(s.id(), "t".repeat(65), json("{}")));
        assertThat(manager.send(s.id(), "t".repeat(64), json("{}")).type()).hasSize(64);
    }

    @Test
    void payloadsOverTheLimitAreRefusedAndNothingIsLost() {
        Session s = start();
        Event kept = manager.send(s.id(), "input", json("{\"keep\":true}"));
        String big = "x".repeat(config.maxMessageBytes());
        var e = expectError(
                ErrorCode.PAYLOAD_TOO_LARGE, () -> manager.send(s.id(), "input", Json.MAPPER.valueToTree(big)));
        assertThat(e.details()).containsEntry("field", "payload").containsEntry("limit_bytes", (long)
                config.maxMessageBytes());
        expectError(ErrorCode.PAYLOAD_TOO_LARGE, () -> manager.emit(s.id(), "out", Json.MAPPER.valueToTree(big)));
        expectError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                () -> manager.addTask(
                        s.id(),
                        TaskSpec.builder("n").data(Json.MAPPER.valueToTree(big)).build()));
        ObjectNode meta = Json.object();
        meta.put("blob", big);
        expectError(
                ErrorCode.PAYLOAD_TOO_LARGE,
                () -> manager.startSession(
                        SessionConfig.builder("n", "a").metadata(meta).build()));
        assertThat(allEvents(s.id())).extracting(Event::seq).containsExactly(1L, kept.seq());
    }

    /** Exotic JSON the store must give back exactly (issue: 1e400 became "Infinity", long decimals 0.1, …). */
    static final String EXOTIC = "{\"big\":1e400,\"tiny\":-1E-400,\"long\":0.1000000000000000055511151231257827,"
            + "\"scale\":1.10,\"int\":123456789012345678901234567890,\"neg0\":-0.0,\"min\":-9223372036854775808,"
            + "\"nul\":\"a\\u0000b\",\"ctl\":\"\\u001f\\u007f\",\"sep\":\"\\u2028\\u2029\",\"bom\":\"\\ufeff\",\"max\":\"\\uffff\",\"emoji\":\"\\ud83d\\ude00 \ud83d\ude00\","
            + "\"\\u0000key\":[],\"\u00e9\u4e2d\":{\"\":null},\"esc\":\"\\\"\\\\/\\b\\f\\n\\r\\t\"}";

    @Test
    void jsonValuesReadBackExactlyThroughEveryReadOfTheStore() throws Exception {
        var exotic = Json.parse(EXOTIC);
        String canonical = Json.write(exotic);
        assertThat(canonical)
                .contains(
                        "1E+400",
                        "0.1000000000000000055511151231257827",
                        "1.10",
                        "-0.0",
                        "123456789012345678901234567890",
                        "\\u0000");
        Session s = manager.startSession(
                SessionConfig.builder("n", "a").metadata((ObjectNode) exotic).build());
        Event in = manager.send(s.id(), "input", exotic);
        Event out = manager.emit(s.id(), "out", exotic);
        manager.addTask(s.id(), TaskSpec.builder("t").id("t1").data(exotic).build());
        manager.completeTask(s.id(), "t1", Completion.of(TaskOutcome.SUCCESS).withResult(exotic));

        assertThat(Json.write(manager.get(s.id()).metadata())).isEqualTo(canonical);
        assertThat(manager.list(SessionFilter.ALL, Optional.empty(), 10).items())
                .filteredOn(x -> x.id().equals(s.id()))
                .singleElement()
                .satisfies(x -> assertThat(Json.write(x.metadata())).isEqualTo(canonical));
        for (Event e : allEvents(s.id())) {
            if (e.seq() == in.seq() || e.seq() == out.seq())
                assertThat(Json.write(e.payload())).isEqualTo(canonical);
        }
        assertThat(Json.write(manager.getTask(s.id(), "t1").data())).isEqualTo(canonical);
        assertThat(Json.write(manager.getTask(s.id(), "t1").result().orElseThrow()))
                .isEqualTo(canonical);
        assertThat(manager.tasks(s.id())).singleElement().satisfies(t -> {
            assertThat(Json.write(t.data())).isEqualTo(canonical);
            assertThat(Json.write(t.result().orElseThrow())).isEqualTo(canonical);
        });
        assertThat(allEvents(s.id()).stream()
                        .filter(e -> e.seq() == in.seq())
                        .findFirst()
                        .orElseThrow()
                        .payload())
                .isEqualTo(exotic);
    }

    @Test
    void jsonValuesOverALimitOrWithoutAnExactFormAreRefusedNamingFieldAndRule() throws Exception {
        Session s = start();
        Event kept = manager.send(s.id(), "input", json("{\"keep\":true}"));
        int depth = config.jsonLimits().maxDepth();
        var atLimit = Json.parse("[".repeat(depth) + "]".repeat(depth));
        var overLimit = Json.parse("{\"a\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
        assertThat(manager.send(s.id(), "deep", atLimit).payload()).isEqualTo(atLimit);
        var e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.send(s.id(), "input", overLimit));
        assertThat(e.details())
                .containsEntry("field", "payload")
                .containsEntry("rule", "max_json_depth")
                .containsEntry("limit", (long) depth)
                .containsKey("path");
        assertThat(e.getMessage()).startsWith("payload ").contains("max_json_depth");
        ObjectNode keys = Json.object();
        for (int i = 0; i <= config.jsonLimits().maxKeys(); i++) keys.put("k" + i, i);
        e = expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.addTask(s.id(), TaskSpec.builder("n").data(keys).build()));
        assertThat(e.details()).containsEntry("field", "data").containsEntry("rule", "max_json_keys");
        ObjectNode str = Json.object();
        str.put("s", "x".repeat(config.jsonLimits().maxStringBytes() + 1));
        // by default strings may be as long as a whole message: one longer is over both, and 413 wins
        boolean alsoTooLarge = config.jsonLimits().maxStringBytes() >= config.maxMessageBytes();
        e = expectError(
                alsoTooLarge ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(
                        SessionConfig.builder("n", "a").metadata(str).build()));
        assertThat(e.details()).containsEntry("field", "metadata");
        if (!alsoTooLarge)
            assertThat(e.details())
                    .containsEntry("rule", "max_json_string_bytes")
                    .containsEntry("path", "/s");
        e = expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.completeTask(
                        s.id(),
                        "none",
                        Completion.of(TaskOutcome.SUCCESS)
                                .withResult(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(Double.NaN))));
        assertThat(e.details()).containsEntry("field", "result").containsEntry("rule", "finite_number");
        e = expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.emit(s.id(), "out", com.fasterxml.jackson.databind.node.TextNode.valueOf("half \ud83d")));
        assertThat(e.details()).containsEntry("field", "payload").containsEntry("rule", "valid_unicode");
        e = expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> manager.startSession(
                        SessionConfig.builder("half \ud83d", "a").build()));
        assertThat(e.details()).containsEntry("field", "name").containsEntry("rule", "valid_unicode");
        e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.send(s.id(), "type\udc00", json("{}")));
        assertThat(e.details()).containsEntry("field", "event_type").containsEntry("rule", "valid_unicode");
        assertThat(allEvents(s.id())).extracting(Event::seq).containsExactly(1L, kept.seq(), kept.seq() + 1);
    }

    @Test
    void timeoutsOutsideTheirRangesAreRefused() {
        record Case(SessionConfig spec, String field) {}
        var cases = List.of(
                new Case(
                        SessionConfig.builder("n", "a")
                                .idleTimeout(Duration.ZERO)
                                .build(),
                        "idle_timeout"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .idleTimeout(Duration.ofSeconds(-5))
                                .build(),
                        "idle_timeout"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .idleTimeout(Duration.ofSeconds(29))
                                .build(),
                        "idle_timeout"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .idleTimeout(Duration.ofDays(400))
                                .build(),
                        "idle_timeout"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .ttl(Duration.ofSeconds(59))
                                .build(),
                        "ttl"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .ttl(Duration.ofDays(3650))
                                .build(),
                        "ttl"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .ttl(Duration.ofMinutes(5))
                                .idleTimeout(Duration.ofMinutes(10))
                                .build(),
                        "idle_timeout"),
                new Case(SessionConfig.builder("n", "a").maxTasks(0).build(), "max_tasks"),
                new Case(SessionConfig.builder("n", "a").maxTasks(1_000_000).build(), "max_tasks"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .taskTimeout(Duration.ZERO)
                                .build(),
                        "task_timeout"),
                new Case(
                        SessionConfig.builder("n", "a")
                                .taskTimeout(Duration.ofDays(30))
                                .build(),
                        "task_timeout"),
                new Case(SessionConfig.builder("n", "a").profile("nope").build(), "profile"));
        for (Case c : cases) {
            var e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.startSession(c.spec()));
            assertThat(e.details()).as(e.getMessage()).containsEntry("field", c.field());
            assertThat(e.getMessage()).contains(c.field());
        }
        // A short ttl with the default idle clamps idle rather than failing.
        Session s = manager.startSession(
                SessionConfig.builder("n", "a").ttl(Duration.ofMinutes(5)).build());
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(manager.list(SessionFilter.ALL, Optional.empty(), 100).items())
                .hasSize(1);
    }

    @Test
    void badCursorsAndLimitsAreRefused() {
        Session s = start();
        manager.send(s.id(), "input", json("1"));
        var e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.poll(s.id(), -1, 10, Duration.ZERO));
        assertThat(e.details()).containsEntry("field", "after");
        e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.poll(s.id(), 3, 10, Duration.ZERO));
        assertThat(e.getMessage()).contains("past the end");
        e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.poll(s.id(), 0, 0, Duration.ZERO));
        assertThat(e.details()).containsEntry("field", "limit");
        expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.poll(s.id(), 0, 10_000, Duration.ZERO));
        expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.poll(s.id(), 0, 10, Duration.ofMinutes(10)));
        assertThat(manager.poll(s.id(), 2, 10, Duration.ZERO).events()).isEmpty(); // at the end is fine
        expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.list(SessionFilter.ALL, Optional.empty(), 0));
        expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.list(SessionFilter.ALL, Optional.of("../x"), 10));
    }

    @Test
    void pollPagesThroughTheLogWithACursor() {
        Session s = start();
        for (int i = 0; i < 25; i++) manager.send(s.id(), "input", json("{\"i\":" + i + "}"));
        PollResult first = manager.poll(s.id(), 0, 10, Duration.ZERO);
        assertThat(first.events()).hasSize(10);
        assertThat(first.hasMore()).isTrue();
        assertThat(first.nextCursor()).isEqualTo(10);
        PollResult last = manager.poll(s.id(), 20, 10, Duration.ZERO);
        assertThat(last.events()).extracting(Event::seq).containsExactly(21L, 22L, 23L, 24L, 25L, 26L);
        assertThat(last.hasMore()).isFalse();
        assertThat(last.status()).isEqualTo(SessionStatus.RUNNING);
        PollResult none = manager.poll(s.id(), 26, 10, Duration.ZERO);
        assertThat(none.nextCursor()).isEqualTo(26);
        assertThat(none.events()).isEmpty();
    }

    @Test
    void longPollWakesOnSendAndReturnsAtEnd() throws Exception {
        Session s = start();
        var waiting = CompletableFuture.supplyAsync(() -> manager.poll(s.id(), 1, 10, Duration.ofSeconds(20)));
        awaitTicket(s.id());
        assertThat(waiting).isNotDone();
        long sent = System.nanoTime();
        manager.send(s.id(), "input", json("{\"wake\":true}"));
        PollResult r = waiting.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
                .isLessThan(Duration.ofSeconds(5)); // woke, did not time out
        assertThat(r.events()).extracting(Event::type).containsExactly("input");

        var atEnd = CompletableFuture.supplyAsync(() -> manager.poll(s.id(), 2, 10, Duration.ofSeconds(20)));
        awaitTicket(s.id());
        manager.terminate(s.id(), null);
        PollResult ended = atEnd.get(10, TimeUnit.SECONDS);
        assertThat(ended.events()).extracting(Event::type).containsExactly("session_ended");
        PollResult afterEnd = manager.poll(s.id(), 3, 10, Duration.ofSeconds(20));
        assertThat(afterEnd.events()).isEmpty();
        assertThat(afterEnd.status()).isEqualTo(SessionStatus.ENDED);
    }

    @Test
    void longPollTimesOutEmpty() {
        Session s = start();
        PollResult r = manager.poll(s.id(), 1, 10, Duration.ofMillis(200));
        assertThat(r.events()).isEmpty();
        assertThat(r.nextCursor()).isEqualTo(1);
    }

    @Test
    void listFiltersAndPaginatesNewestFirst() {
        var ids = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            clock.advance(Duration.ofMillis(5));
            ids.add(manager.startSession(SessionConfig.builder("s" + i, i % 2 == 0 ? "even" : "odd")
                            .tags(i < 3 ? List.of("early") : List.of("late"))
                            .build())
                    .id());
        }
        manager.terminate(ids.get(0), null);
        Page<Session> p1 = manager.list(SessionFilter.ALL, Optional.empty(), 3);
        assertThat(p1.items()).extracting(Session::id).containsExactly(ids.get(6), ids.get(5), ids.get(4));
        assertThat(p1.hasMore()).isTrue();
        Page<Session> p3 = manager.list(
                SessionFilter.ALL,
                manager.list(SessionFilter.ALL, p1.nextCursor(), 3).nextCursor(),
                3);
        assertThat(p3.items()).extracting(Session::id).containsExactly(ids.get(0));
        assertThat(p3.hasMore()).isFalse();
        assertThat(manager.list(SessionFilter.ALL.withAgentId("even"), Optional.empty(), 100)
                        .items())
                .hasSize(4);
        assertThat(manager.list(SessionFilter.ALL.withTag("early"), Optional.empty(), 100)
                        .items())
                .hasSize(3);
        assertThat(manager.list(SessionFilter.ALL.withStatus(SessionStatus.ENDED), Optional.empty(), 100)
                        .items())
                .extracting(Session::id)
                .containsExactly(ids.get(0));
        assertThat(manager.list(SessionFilter.ALL.withTenant("other"), Optional.empty(), 100)
                        .items())
                .isEmpty();
        assertThat(manager.active()).hasSize(6);
    }

    @Test
    void listFiltersByOutcomeAndNameAndListsOldestFirstByCursor() {
        var ids = new ArrayList<String>();
        for (String name : List.of("alpha-1", "beta", "alpha-2", "gamma")) {
            clock.advance(Duration.ofMillis(5));
            ids.add(manager.startSession(SessionConfig.builder(name, "a").build())
                    .id());
        }
        manager.endSession(ids.get(0), SessionOutcome.SUCCESS, Optional.empty());
        manager.endSession(ids.get(1), SessionOutcome.FAILED, Optional.of("no"));
        manager.terminate(ids.get(2), "stop");
        assertThat(manager.list(SessionFilter.ALL.withOutcome(SessionOutcome.FAILED), Optional.empty(), 100)
                        .items())
                .extracting(Session::id)
                .containsExactly(ids.get(1));
        assertThat(manager.list(SessionFilter.ALL.withOutcome(SessionOutcome.TIMEOUT), Optional.empty(), 100)
                        .items())
                .isEmpty();
        assertThat(manager.list(SessionFilter.ALL.withNameContaining("alpha"), Optional.empty(), 100)
                        .items())
                .extracting(Session::id)
                .containsExactly(ids.get(2), ids.get(0));
        // a part of a name is matched as text: % and _ are no wildcards
        assertThat(manager.list(SessionFilter.ALL.withNameContaining("%a"), Optional.empty(), 100)
                        .items())
                .isEmpty();
        assertThat(manager.list(SessionFilter.ALL.withNameContaining("alpha_"), Optional.empty(), 100)
                        .items())
                .isEmpty();
        assertThat(manager.list(SessionFilter.ALL.withProfile("echo"), Optional.empty(), 100)
                        .items())
                .isEmpty();
        SessionFilter oldest = SessionFilter.ALL.ordered(SessionFilter.Order.OLDEST_FIRST);
        Page<Session> first = manager.list(oldest, Optional.empty(), 3);
        assertThat(first.items()).extracting(Session::id).containsExactly(ids.get(0), ids.get(1), ids.get(2));
        Page<Session> rest = manager.list(oldest, first.nextCursor(), 3);
        assertThat(rest.items()).extracting(Session::id).containsExactly(ids.get(3));
        assertThat(rest.hasMore()).isFalse();
    }

    @Test
    void statsCountEverySessionExactlyAndTheEndsSinceAMoment() {
        Session before = manager.startSession(SessionConfig.builder("old", "a").build());
        manager.send(before.id(), "input", json("{}"));
        manager.endSession(before.id(), SessionOutcome.SUCCESS, Optional.empty());
        clock.advance(Duration.ofHours(1));
        Instant since = clock.instant();
        var ids = new ArrayList<String>();
        for (int i = 0; i < 5; i++)
            ids.add(manager.startSession(SessionConfig.builder("s" + i, "a").build())
                    .id());
        manager.startSession(
                SessionConfig.builder("theirs", "a").tenant("other").build());
        manager.endSession(ids.get(0), SessionOutcome.SUCCESS, Optional.empty());
        manager.endSession(ids.get(1), SessionOutcome.FAILED, Optional.empty());
        manager.endSession(ids.get(2), SessionOutcome.FAILED, Optional.empty());
        manager.terminate(ids.get(3), null);
        long events = 0;
        for (String id : List.of(before.id(), ids.get(0), ids.get(1), ids.get(2), ids.get(3), ids.get(4))) {
            events += manager.get(id).lastSeq();
        }

        SessionStats st = manager.stats(SessionConfig.DEFAULT_TENANT, since);
        assertThat(List.of(st.creating() + st.running(), st.ended())).containsExactly(1L, 5L);
        assertThat(st.events()).isEqualTo(events);
        assertThat(st.startedSince()).isEqualTo(5);
        assertThat(st.endedSince())
                .containsExactly(
                        new SessionStats.Ended(SessionOutcome.FAILED, EndReason.COMPLETED, 2),
                        new SessionStats.Ended(SessionOutcome.CANCELLED, EndReason.TERMINATED, 1),
                        new SessionStats.Ended(SessionOutcome.SUCCESS, EndReason.COMPLETED, 1));
        assertThat(manager.stats("nobody", since)).isEqualTo(new SessionStats(0, 0, 0, 0, since, 0, List.of()));
    }

    @Test
    void everythingCommittedSurvivesARestart() {
        Session s = start();
        manager.addTask(
                s.id(), TaskSpec.builder("a").id("a").data(json("{\"x\":1}")).build());
        manager.send(s.id(), "input", json("{\"n\":1}"));
        Session ended =
                manager.startSession(SessionConfig.builder("other", "a2").build());
        manager.endSession(ended.id(), SessionOutcome.TIMEOUT, Optional.of("late"));
        List<Event> before = allEvents(s.id());

        restart();

        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(manager.getTask(s.id(), "a").data()).isEqualTo(json("{\"x\":1}"));
        assertThat(allEvents(s.id())).isEqualTo(before);
        assertThat(manager.get(ended.id()).outcome()).contains(SessionOutcome.TIMEOUT);
        Event next = manager.send(s.id(), "input", json("{\"n\":2}"));
        assertThat(next.seq()).isEqualTo(before.size() + 1L);
    }

    @Test
    void heartbeatAndPollsThatReturnEventsCountAsActivity() {
        Session s = start();
        clock.advance(Duration.ofMinutes(10));
        assertThat(manager.heartbeat(s.id()).lastActivityAt()).isEqualTo(clock.instant());
        clock.advance(Duration.ofMinutes(10));
        manager.poll(s.id(), 1, 10, Duration.ZERO); // nothing new: not activity
        assertThat(manager.get(s.id()).lastActivityAt())
                .isEqualTo(clock.instant().minus(Duration.ofMinutes(10)));
        manager.poll(s.id(), 0, 10, Duration.ZERO); // returns events: activity
        assertThat(manager.get(s.id()).lastActivityAt()).isEqualTo(clock.instant());
    }

    @Test
    void listenersHearEveryCommittedEventOnceInOrderAndABrokenOneHarmsNothing() {
        var heard = new java.util.concurrent.CopyOnWriteArrayList<Event>();
        manager.addListener(e -> {
            throw new IllegalStateException("a broken listener");
        });
        manager.addListener(heard::add);
        Session s = start();
        Session other = start();
        for (int i = 0; i < 50; i++) manager.send(i % 2 == 0 ? s.id() : other.id(), "input", json("{\"i\":" + i + "}"));
        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        await().atMost(Duration.ofSeconds(10))
                .until(() -> heard.stream()
                                .anyMatch(e ->
                                        e.sessionId().equals(s.id()) && e.type().equals("session_ended"))
                        && heard.stream()
                                        .filter(e -> e.sessionId().equals(other.id()))
                                        .count()
                                == 26);
        assertThat(heard.stream().filter(e -> e.sessionId().equals(s.id())).toList())
                .isEqualTo(allEvents(s.id()));
        assertThat(heard.stream().filter(e -> e.sessionId().equals(other.id())).toList())
                .isEqualTo(allEvents(other.id()));
    }

    @Test
    void listenersAreNotReplayedHistoryAfterARestart() {
        Session s = start();
        manager.send(s.id(), "before", json("1"));
        restart();
        var heard = new java.util.concurrent.CopyOnWriteArrayList<Event>();
        manager.addListener(heard::add);
        Event after = manager.send(s.id(), "after", json("2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !heard.isEmpty());
        assertThat(heard).extracting(Event::seq).containsExactly(after.seq());
    }

    @Test
    void errorsNeverCarryHostPathsOrTraces() {
        Session s = start();
        BosunException e = expectError(ErrorCode.INVALID_ARGUMENT, () -> manager.poll(s.id(), 99, 10, Duration.ZERO));
        assertThat(e.getMessage())
                .doesNotContain(dataDir.toString())
                .doesNotContain("Exception")
                .doesNotContain("at dev.");
    }

    /** Until the poll on another thread holds its wake-up ticket: a send after this wakes it, not its first read. */
    private void awaitTicket(String sessionId) {
        await().atMost(Duration.ofSeconds(10)).until(() -> manager.pollWaiting(sessionId));
    }
}
