package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.Due;
import dev.bosun.store.EndRequest;
import dev.bosun.store.EndResult;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.NewTask;
import dev.bosun.store.Store;
import dev.bosun.store.TaskCompletion;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Store interface's own promises, below the SessionManager. */
public abstract class StoreContract {
    @TempDir
    protected Path dataDir;

    protected Store store;
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    protected abstract StoreFactory factory();

    @BeforeEach
    void open() {
        store = factory().open(dataDir);
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    private Session session(String id, boolean worker) {
        return store.createSession(
                new NewSession(
                        id,
                        "default",
                        "n",
                        "agent",
                        List.of("t"),
                        Json.object(),
                        worker ? Optional.of("echo") : Optional.empty(),
                        "node-a",
                        t0,
                        Duration.ofMinutes(1),
                        Duration.ofHours(1),
                        10,
                        Duration.ofMinutes(5),
                        worker ? Optional.of(t0.plusSeconds(20)) : Optional.empty(),
                        worker ? Optional.of("workspaces/" + id) : Optional.empty()),
                100);
    }

    private NewEvent event(String id, String key, Instant at) {
        return new NewEvent(id, Direction.OUT, "out", Json.object().put("k", key), Optional.ofNullable(key), true, at);
    }

    @Test
    void appendsWithTheSameSourceKeyAreWrittenOnce() {
        session("s1", false);
        List<Event> first = store.appendAll("s1", List.of(event("s1", "a", t0), event("s1", "b", t0)));
        List<Event> again = store.appendAll("s1", List.of(event("s1", "a", t0), event("s1", "c", t0)));
        assertThat(first).extracting(Event::seq).containsExactly(2L, 3L);
        assertThat(again.get(0)).isEqualTo(first.get(0));
        assertThat(again.get(1).seq()).isEqualTo(4L);
        assertThat(store.readEvents("s1", 0, 100)).hasSize(4);
        assertThat(store.append(event("s1", "b", t0))).isEqualTo(first.get(1));
    }

    @Test
    void aWorkerSessionStartsCreatingAndRunsOnlyOnce() {
        Session s = session("w1", true);
        assertThat(s.status()).isEqualTo(SessionStatus.CREATING);
        assertThat(s.lastSeq()).isZero();
        assertThat(store.dueSessions(t0.plusSeconds(20), 10))
                .extracting(Due::kind)
                .contains(Due.Kind.STARTUP);
        var ref = new WorkerRef("process", "123", Map.of("start", "42"));
        Session r = store.markRunning("w1", ref, Json.object().put("runtime", "process"), t0.plusSeconds(1));
        assertThat(r.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(store.workerOf("w1")).contains(ref);
        assertThat(store.readEvents("w1", 0, 10).get(0).payload().get("runtime").asText())
                .isEqualTo("process");
        assertThatThrownBy(() -> store.markRunning("w1", ref, Json.object(), t0))
                .isInstanceOf(BosunException.class)
                .extracting("code")
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(store.liveWorkerSessions("node-a")).extracting(Session::id).containsExactly("w1");
        assertThat(store.liveWorkerSessions("node-b")).isEmpty();
        assertThat(store.dueSessions(t0.plusSeconds(20), 10))
                .extracting(Due::kind)
                .doesNotContain(Due.Kind.STARTUP);
    }

    @Test
    void anEndWhosePreconditionNoLongerHoldsChangesNothing() {
        session("s1", false);
        Instant due = t0.plus(Duration.ofMinutes(1));
        store.touch("s1", t0.plusSeconds(30)); // activity moved the idle deadline after the sweep saw it
        EndResult r = store.endSession(new EndRequest(
                "s1",
                SessionOutcome.TIMEOUT,
                EndReason.EXPIRED_IDLE,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.IDLE_DUE,
                due));
        assertThat(r.transitioned()).isFalse();
        assertThat(r.session().status()).isEqualTo(SessionStatus.RUNNING);
        EndResult later = store.endSession(new EndRequest(
                "s1",
                SessionOutcome.TIMEOUT,
                EndReason.EXPIRED_IDLE,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.IDLE_DUE,
                due.plusSeconds(30)));
        assertThat(later.transitioned()).isTrue();
        EndResult twice = store.endSession(new EndRequest(
                "s1",
                SessionOutcome.CANCELLED,
                EndReason.TERMINATED,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.NONE,
                due.plusSeconds(31)));
        assertThat(twice.transitioned()).isFalse();
        assertThat(twice.session().reason()).contains(EndReason.EXPIRED_IDLE);
        assertThat(store.readEvents("s1", 0, 10))
                .extracting(Event::type)
                .containsExactly("session_started", "session_ended");
    }

    @Test
    void endSessionsEndsEachOnItsOwnAndAnswersAsARead() {
        session("s1", false);
        session("s2", false);
        session("s3", true);
        Instant due = t0.plus(Duration.ofMinutes(1));
        store.touch("s2", t0.plusSeconds(30)); // its idle deadline moved: the precondition fails for it alone
        var requests = new java.util.ArrayList<EndRequest>();
        for (String id : List.of("s1", "s2", "missing", "s3", "s3")) {
            requests.add(new EndRequest(
                    id,
                    SessionOutcome.TIMEOUT,
                    EndReason.EXPIRED_IDLE,
                    Optional.empty(),
                    Optional.empty(),
                    id.equals("s2") ? EndRequest.Precondition.IDLE_DUE : EndRequest.Precondition.NONE,
                    due));
        }
        List<dev.bosun.store.EndOutcome> outcomes = store.endSessions(requests);
        assertThat(outcomes)
                .extracting(dev.bosun.store.EndOutcome::transitioned)
                .containsExactly(true, false, false, true, false);
        assertThat(outcomes.get(2).error())
                .get()
                .extracting(BosunException::code)
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(outcomes.get(1).result().orElseThrow().session().status()).isEqualTo(SessionStatus.RUNNING);
        for (int i : new int[] {0, 3}) {
            Session answered = outcomes.get(i).result().orElseThrow().session();
            assertThat(answered)
                    .as("the ended session answered is the one stored")
                    .isEqualTo(store.getSession(answered.id()).orElseThrow());
            assertThat(store.readEvents(answered.id(), 0, 10))
                    .extracting(Event::type)
                    .endsWith("session_ended")
                    .containsOnlyOnce("session_ended");
        }
        assertThat(store.endSessions(List.of())).isEmpty();
    }

    /**
     * A batch ends each session exactly as {@code endSession} ends its twin: the same answer, row, log and
     * live count, whether it has no task, a finished one, a running one (cancelled by the end) or β₁ at both
     * ends (D122: the batch takes a shorter path for sessions without a running task).
     */
    @Test
    void endSessionsEndsEachAsEndSessionWould() {
        List<String> kinds = List.of("plain", "done", "busy", "h1");
        for (String prefix : List.of("one-", "all-")) {
            for (String kind : kinds) {
                String id = prefix + kind;
                store.createSession(
                        new NewSession(
                                id,
                                "default",
                                "n",
                                "agent",
                                List.of("t"),
                                Json.object(),
                                Optional.empty(),
                                "node-a",
                                t0,
                                Duration.ofMinutes(1),
                                Duration.ofHours(1),
                                10,
                                Duration.ofMinutes(5),
                                Optional.empty(),
                                Optional.empty(),
                                kind.equals("h1") ? Optional.of(3L) : Optional.empty(),
                                Optional.empty(),
                                Optional.empty()),
                        100);
                if (kind.equals("done") || kind.equals("busy")) {
                    store.addTask(new NewTask(
                            id, "t", "t", Json.object(), TaskPriority.LOW, List.of(), Optional.empty(), t0));
                }
                if (kind.equals("done")) {
                    store.completeTask(new TaskCompletion(
                            id,
                            "t",
                            TaskOutcome.SUCCESS,
                            Optional.of(5L),
                            Optional.empty(),
                            Optional.empty(),
                            false,
                            t0.plusSeconds(10)));
                }
            }
        }
        long live = store.liveSessionCount();
        Instant at = t0.plus(Duration.ofMinutes(2));
        java.util.function.Function<String, EndRequest> end = id -> new EndRequest(
                id,
                SessionOutcome.TIMEOUT,
                EndReason.EXPIRED_IDLE,
                Optional.empty(),
                Optional.empty(),
                id.endsWith("busy") ? EndRequest.Precondition.NONE : EndRequest.Precondition.IDLE_DUE,
                at,
                Optional.of(5L));
        var single = new java.util.ArrayList<EndResult>();
        for (String kind : kinds) single.add(store.endSession(end.apply("one-" + kind)));
        List<dev.bosun.store.EndOutcome> batch =
                store.endSessions(kinds.stream().map(k -> end.apply("all-" + k)).toList());
        assertThat(store.liveSessionCount()).isEqualTo(live - 2L * kinds.size());
        for (int i = 0; i < kinds.size(); i++) {
            EndResult one = single.get(i);
            EndResult all = batch.get(i).result().orElseThrow();
            assertThat(all.transitioned()).as(kinds.get(i)).isTrue();
            assertThat(all.cancelledTasks()).as(kinds.get(i)).isEqualTo(one.cancelledTasks());
            assertThat(all.session())
                    .as("%s: the batch's answer is the stored row", kinds.get(i))
                    .isEqualTo(store.getSession(all.session().id()).orElseThrow());
            assertThat(all.session())
                    .as("%s: ended as endSession ends its twin", kinds.get(i))
                    .usingRecursiveComparison()
                    .ignoringFields("id")
                    .isEqualTo(one.session());
            assertThat(logOf(all.session().id()))
                    .as("%s: the same log", kinds.get(i))
                    .isEqualTo(logOf(one.session().id()));
        }
        assertThat(store.readEvents("all-h1", 0, 10).getLast().payload().get("h1_delta"))
                .as("β₁ at both ends")
                .isNotNull();
        assertThat(store.readEvents("all-busy", 0, 10))
                .extracting(Event::type)
                .containsSubsequence("task_completed", "session_ended");
    }

    /** A session's log with what names the session taken out, to compare twins. */
    private List<String> logOf(String sessionId) {
        return store.readEvents(sessionId, 0, 100).stream()
                .map(e -> {
                    var p = e.payload().deepCopy();
                    if (p.isObject()) ((com.fasterxml.jackson.databind.node.ObjectNode) p).remove("session_id");
                    return e.seq() + " " + e.direction() + " " + e.type() + " " + p + " " + e.createdAt();
                })
                .toList();
    }

    @Test
    void theReaperLosesToACompletionAndToAnExtendedDeadline() {
        session("s1", false);
        store.addTask(new NewTask("s1", "t", "t", Json.object(), TaskPriority.LOW, List.of(), Optional.empty(), t0));
        var early = store.completeTask(new TaskCompletion(
                "s1",
                "t",
                TaskOutcome.TIMEOUT,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                true,
                t0.plusSeconds(10)));
        assertThat(early.isActive()).isTrue(); // not yet due: untouched
        assertThat(store.dueTasks(t0.plus(Duration.ofMinutes(5)), 10)).hasSize(1);
        // while a task runs the idle deadline is off: the next deadline is the task timeout, not idle
        assertThat(store.nextDeadline()).contains(t0.plus(Duration.ofMinutes(5)));
        store.completeTask(new TaskCompletion(
                "s1",
                "t",
                TaskOutcome.SUCCESS,
                Optional.of(5L),
                Optional.empty(),
                Optional.empty(),
                false,
                t0.plusSeconds(60)));
        var late = store.completeTask(new TaskCompletion(
                "s1",
                "t",
                TaskOutcome.TIMEOUT,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                true,
                t0.plus(Duration.ofMinutes(6))));
        assertThat(late.status().value()).isEqualTo("success");
        assertThat(store.dueTasks(t0.plus(Duration.ofMinutes(6)), 10)).isEmpty();
    }

    @Test
    void theInboxCursorNeverMovesBackwards() {
        session("s1", false);
        for (int i = 0; i < 3; i++) {
            store.append(new NewEvent("s1", Direction.IN, "in", Json.object(), Optional.empty(), true, t0));
        }
        assertThat(store.pendingInbox("s1", 10)).extracting(Event::seq).containsExactly(2L, 3L, 4L);
        store.markInboxWritten("s1", 3);
        store.markInboxWritten("s1", 2);
        assertThat(store.pendingInbox("s1", 10)).extracting(Event::seq).containsExactly(4L);
    }

    @Test
    void onlyCleanedSessionsArePurgedAndPurgeTakesTheirLog() {
        session("a", true); // with a worker: cleaned only once the worker and workspace are dealt with
        session("b", true);
        session("plain", false);
        for (String id : List.of("a", "b")) {
            store.endSession(new EndRequest(
                    id,
                    SessionOutcome.SUCCESS,
                    EndReason.COMPLETED,
                    Optional.empty(),
                    Optional.empty(),
                    EndRequest.Precondition.NONE,
                    t0));
        }
        store.endSession(new EndRequest(
                "plain",
                SessionOutcome.SUCCESS,
                EndReason.COMPLETED,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.NONE,
                t0));
        // without a worker the end itself is the cleanup
        assertThat(store.uncleanedEnded("node-a", 10)).extracting(Session::id).containsExactlyInAnyOrder("a", "b");
        store.markCleaned("a", t0);
        assertThat(store.uncleanedEnded("node-a", 10)).extracting(Session::id).containsExactly("b");
        assertThat(store.purgeEndedBefore(t0.plusSeconds(1), 10))
                .as("tiles and webhooks not made yet")
                .isZero();
        for (var consumer : dev.bosun.delivery.Consumer.values()) {
            store.deliveries()
                    .checkpointsBehind(consumer, 10, 100)
                    .forEach(b -> store.deliveries().consume(consumer, b, List.of(), t0));
        }
        assertThat(store.purgeEndedBefore(t0.plusSeconds(1), 10)).isEqualTo(2); // a and plain
        assertThat(store.getSession("a")).isEmpty();
        assertThat(store.getSession("plain")).isEmpty();
        assertThat(store.readEvents("a", 0, 10)).isEmpty();
        assertThat(store.getSession("b")).isPresent();
    }

    @Test
    void theLiveCountFollowsStartsAndEnds() {
        assertThat(store.liveSessionCount()).isZero();
        session("a", false);
        session("b", true);
        assertThat(store.liveSessionCount()).isEqualTo(2);
        store.endSession(new EndRequest(
                "a",
                SessionOutcome.SUCCESS,
                EndReason.COMPLETED,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.NONE,
                t0));
        assertThat(store.liveSessionCount()).isEqualTo(1);
    }

    @Test
    void commitTimersSeeEveryCommit() {
        var timings = new CopyOnWriteArrayList<Long>();
        store.addCommitTimer(timings::add);
        session("a", false);
        store.append(event("a", null, t0));
        assertThat(timings).hasSizeGreaterThanOrEqualTo(2).allMatch(n -> n >= 0);
    }

    @Test
    void commitListenersHearEveryChangedSession() {
        var heard = new CopyOnWriteArrayList<String>();
        store.addCommitListener(heard::add);
        session("s1", false);
        store.append(event("s1", null, t0));
        store.touch("s1", t0);
        org.awaitility.Awaitility.await().until(() -> heard.contains("s1"));
        // Listeners are told after the commit, possibly after the call returned: wait, then check nothing else came.
        var later = new CopyOnWriteArrayList<String>();
        store.addCommitListener(later::add);
        store.append(event("s1", null, t0));
        org.awaitility.Awaitility.await().until(() -> !later.isEmpty());
        assertThat(later).containsOnly("s1");
    }

    @Test
    void unknownSessionsAreNotFoundAndEndedOnesConflict() {
        assertThatThrownBy(() -> store.append(event("nope", null, t0)))
                .isInstanceOf(BosunException.class)
                .extracting("code")
                .isEqualTo(ErrorCode.NOT_FOUND);
        session("s1", false);
        store.endSession(new EndRequest(
                "s1",
                SessionOutcome.SUCCESS,
                EndReason.COMPLETED,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.NONE,
                t0));
        assertThatThrownBy(() -> store.append(event("s1", null, t0)))
                .isInstanceOf(BosunException.class)
                .extracting("code")
                .isEqualTo(ErrorCode.CONFLICT);
        assertThatThrownBy(() -> session("s1", false))
                .isInstanceOf(BosunException.class)
                .extracting("code")
                .isEqualTo(ErrorCode.CONFLICT);
        assertThat(store.healthy()).isTrue();
    }
}
