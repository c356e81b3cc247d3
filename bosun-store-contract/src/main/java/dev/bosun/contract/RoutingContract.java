package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.config.BosunConfig;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.fleet.EmergenceAlert;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetEdge;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The built-in H¹ router through the SessionManager, against the store under test. */
public abstract class RoutingContract extends ManagerHarness {
    static final String T = "default";

    @Override
    protected BosunConfig config(Path dataDir) {
        return Fixtures.loader(dataDir).set("h1_router_enabled", true).load();
    }

    private Fleet fleet() {
        return manager.fleet();
    }

    private Session session() {
        return manager.startSession(SessionConfig.builder("routing", "planner").build());
    }

    private Task add(Session s, String id, String... caps) {
        return manager.addTask(
                s.id(), TaskSpec.builder(id).id(id).requiredCapabilities(caps).build());
    }

    @Test
    void tasksGoToAnAgentWithEveryRequiredCapability() {
        fleet().register(T, "coder", List.of("compilation", "llvm"));
        fleet().register(T, "writer", List.of("publishing"));
        Session s = session();
        Task t = add(s, "compile", "compilation", "llvm");
        assertThat(t.assignedAgent()).contains("coder");
        Event started = allEvents(s.id()).stream()
                .filter(e -> e.type().equals("task_started"))
                .findFirst()
                .orElseThrow();
        assertThat(started.payload().at("/routing/agent_id").asText()).isEqualTo("coder");
        assertThat(started.payload().at("/routing/capability_match_score").asDouble())
                .isEqualTo(1.0);
        assertThat(started.payload().at("/routing/reasoning").asText())
                .contains("coder")
                .contains("β₁");
        assertThat(add(s, "publish", "publishing").assignedAgent()).contains("writer");
        assertThat(manager.addTask(s.id(), TaskSpec.builder("free").build()).assignedAgent())
                .isEmpty(); // nothing required: not routed
        assertThat(fleet().agent(T, "coder").load()).isEqualTo(1);
    }

    @Test
    void noCapableAgentIsAClearErrorAndLosesNothing() {
        Session s = session();
        var none = expectError(ErrorCode.NO_CAPABLE_AGENT, () -> add(s, "t", "gpu"));
        assertThat(none.getMessage()).contains("no agents are registered");
        fleet().register(T, "cpu-only", List.of("python"));
        var e = expectError(ErrorCode.NO_CAPABLE_AGENT, () -> add(s, "t", "gpu"));
        assertThat(e.getMessage()).contains("gpu").contains("fallback=any");
        assertThat(manager.tasks(s.id())).isEmpty();
        assertThat(fleet().status(T).edges()).isZero();
        // fallback=any, the reference router's behaviour: any agent, a partial match score
        var plan =
                fleet().route(T, "bare-task", "bare-task", Optional.empty(), List.of("gpu", "python"), List.of(), true);
        assertThat(plan.decision().agentId()).isEqualTo("cpu-only");
        assertThat(plan.decision().capabilityMatchScore()).isEqualTo(0.5);
        assertThat(plan.decision().reasoning()).contains("no agent had all");
    }

    @Test
    void tiesGoToTheLeastLoadedThenTheFirstRegistered() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        fleet().register(T, "c", List.of("x"));
        Session s = session();
        assertThat(add(s, "t1", "x").assignedAgent()).contains("a"); // all equal: registration order
        assertThat(add(s, "t2", "x").assignedAgent()).contains("b"); // a has load 1
        assertThat(add(s, "t3", "x").assignedAgent()).contains("c");
        manager.completeTask(s.id(), "t2", TaskOutcome.SUCCESS);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> fleet().agent(T, "b").load() == 0);
        assertThat(add(s, "t4", "x").assignedAgent()).contains("b"); // b is free again
    }

    @Test
    void aRoutedTaskForAnEndedSessionIsRefusedBeforeTheGraphLearnsOfIt() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        Session s = session();
        assertThat(add(s, "t1", "x").assignedAgent()).contains("a");
        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        // The end cancelled t1: once the log's session_ended reached the fleet, a is idle again.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> fleet().agent(T, "a").load() == 0);
        var refused = expectError(ErrorCode.CONFLICT, () -> add(s, "t2", "x"));
        // The manager's own refusal, from the end it remembers (D124), not the store's in the transaction.
        assertThat(refused.getMessage()).contains("has already ended");
        assertThat(refused.details()).containsEntry("status", "ended");
        assertThat(fleet().status(T).edges()).isEqualTo(1); // t1's edge only
        assertThat(fleet().agent(T, "a").load()).isZero();
        assertThat(add(session(), "t3", "x").assignedAgent()).contains("a"); // a was not charged for t2
    }

    @Test
    void preferredAgentsWinAmongTheCapable() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        fleet().register(T, "c", List.of("y"));
        var p = fleet().route(T, "t", "t", Optional.empty(), List.of("x"), List.of("b"), false);
        assertThat(p.decision().agentId()).isEqualTo("b");
        assertThat(p.decision().reasoning()).contains("preferred");
        // a preference for an agent that cannot do the task is ignored, not obeyed
        assertThat(fleet().route(T, "u", "u", Optional.empty(), List.of("x"), List.of("c"), false)
                        .decision()
                        .agentId())
                .isIn("a", "b");
    }

    @Test
    void aReRouteThatClosesACycleRaisesH1AndIsAvoidedWhenPossible() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x", "z"));
        fleet().register(T, "c", List.of("x", "z"));
        fleet().route(T, "t1", "t1", Optional.empty(), List.of("x"), List.of("a"), false); // a–t1
        fleet().route(T, "t1", "t1", Optional.empty(), List.of("x"), List.of("b"), false); // handed to b: a–t1–b
        fleet().route(T, "t2", "t2", Optional.empty(), List.of("x"), List.of("a"), false); // a–t2
        assertThat(fleet().h1(T)).isZero();
        // t2 re-routed to an agent with z: b would close a–t1–b–t2–a (β₁ 1); c is apart (β₁ stays 0).
        var avoid = fleet().route(T, "t2", "t2", Optional.empty(), List.of("z"), List.of(), false);
        assertThat(avoid.decision().agentId()).isEqualTo("c");
        assertThat(avoid.decision().h1After()).isZero();
        assertThat(avoid.decision().reasoning()).contains("keeps β₁ at 0");
        // forced onto an agent in the same component, the re-route closes a cycle and says so
        var forced = fleet().route(T, "t1", "t1", Optional.empty(), List.of("x"), List.of("c"), false);
        assertThat(forced.decision().h1Before()).isZero();
        assertThat(forced.decision().h1After()).isEqualTo(1);
        assertThat(forced.decision().reasoning()).contains("closes a cycle");
        assertThat(fleet().h1(T)).isEqualTo(1);
    }

    @Test
    void theAlertFiresOncePerCrossing() {
        var alerts = new CopyOnWriteArrayList<EmergenceAlert>();
        fleet().onEmergenceAlert(alerts::add);
        // Agents sharing tasks: K(4, n) has β₁ = 3n − 3 against a threshold V − 2 = n + 2. Each new task
        // vertex raises the threshold before its extra edges add cycles, so the margin dips and recovers:
        // alerts must follow the crossings exactly, and never repeat while the graph stays above.
        for (int k = 0; k < 4; k++) fleet().register(T, "m" + k, List.of("y"));
        int crossings = 0, decisionsWhileAbove = 0;
        boolean above = false;
        for (int task = 0; task < 8; task++) {
            for (int k = 0; k < 4; k++) {
                var p = fleet().route(
                                T, "k" + task, "k" + task, Optional.empty(), List.of("y"), List.of("m" + k), false);
                FleetStatus st = fleet().status(T);
                assertThat(st.h1()).isEqualTo((long) st.edges() - st.vertices() + st.components());
                boolean crossed = st.emergence() && !above;
                if (st.emergence() && above) decisionsWhileAbove++;
                above = st.emergence();
                assertThat(p.alert().isPresent())
                        .as("task %d agent %d", task, k)
                        .isEqualTo(crossed);
                if (crossed) crossings++;
                p.alert().ifPresent(fleet()::publish);
            }
        }
        assertThat(crossings).isEqualTo(2); // at n = 3, then once more after task 4's vertex dips the margin to 0
        assertThat(decisionsWhileAbove).isGreaterThan(10);
        assertThat(alerts).hasSize(crossings);
        assertThat(alerts.get(0).headline(-2))
                .isEqualTo("[EMERGENCE ALERT] β₁=" + alerts.get(0).h1() + " > V-2="
                        + alerts.get(0).threshold());
        fleet().reset(T);
        assertThat(fleet().status(T).edges()).isZero();
        assertThat(fleet().status(T).emergence()).isFalse();
        // after a reset the next crossing alerts again
        for (int task = 0; task < 3; task++) {
            for (int k = 0; k < 4; k++) {
                fleet().route(T, "k" + task, "k" + task, Optional.empty(), List.of("y"), List.of("m" + k), false)
                        .alert()
                        .ifPresent(fleet()::publish);
            }
        }
        assertThat(alerts).hasSize(crossings + 1);
    }

    @Test
    void aSessionTaskThatCrossesWritesEmergenceAlertToItsLog() {
        var alerts = new CopyOnWriteArrayList<EmergenceAlert>();
        fleet().onEmergenceAlert(alerts::add);
        fleet().register(T, "A", List.of("y"));
        fleet().register(T, "B", List.of("y", "w"));
        fleet().register(T, "C", List.of("y", "w"));
        // K(3,4) over tasks p0..p3, and task k linked to A: V = 8, E = 13, C = 1, β₁ = 6 = V − 2: not yet emergent.
        for (int task = 0; task < 4; task++) {
            for (String agent : List.of("A", "B", "C")) {
                fleet().route(T, "p" + task, "p" + task, Optional.empty(), List.of("y"), List.of(agent), false);
            }
        }
        fleet().route(T, "k", "k", Optional.empty(), List.of("y"), List.of("A"), false);
        assertThat(fleet().status(T).h1()).isEqualTo(6);
        assertThat(fleet().status(T).threshold()).isEqualTo(6);
        assertThat(fleet().status(T).emergence()).isFalse();
        // A session's task k needs w: only B and C have it, and linking either closes a cycle: β₁ 7 > 6.
        Session s = session();
        Task t = add(s, "k", "w");
        assertThat(t.assignedAgent()).contains("B"); // equal β₁ and load: the first registered
        List<Event> log = allEvents(s.id());
        Event alert = log.stream()
                .filter(e -> e.type().equals("emergence_alert"))
                .findFirst()
                .orElseThrow();
        assertThat(alert.payload().get("h1").asLong()).isEqualTo(7);
        assertThat(alert.payload().get("threshold").asLong()).isEqualTo(6);
        assertThat(alert.payload().get("headline").asText()).isEqualTo("[EMERGENCE ALERT] β₁=7 > V-2=6");
        assertThat(alert.payload().get("agent_id").asText()).isEqualTo("B");
        Event started = log.stream()
                .filter(e -> e.type().equals("task_started"))
                .findFirst()
                .orElseThrow();
        assertThat(started.payload().at("/routing/emergence_risk").asDouble()).isEqualTo(0.3);
        // confidence = max(min_confidence, min(1, match × (1 − risk))) = max(0.1, 1.0 × 0.7)
        assertThat(started.payload().at("/routing/confidence").asDouble()).isEqualTo(0.7);
        assertThat(started.payload().at("/routing/h1_after").asLong()).isEqualTo(7);
        assertThat(alerts).hasSize(1);
    }

    @Test
    void h1IsRecordedAtStartAndEnd() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        fleet().route(T, "p", "p", Optional.empty(), List.of("x"), List.of("a"), false);
        fleet().route(T, "p", "p", Optional.empty(), List.of("x"), List.of("b"), false);
        fleet().route(T, "q", "q", Optional.empty(), List.of("x"), List.of("a"), false);
        Session s = session(); // graph a–p–b, a–q: β₁ 0
        assertThat(allEvents(s.id()).get(0).payload().get("h1").asLong()).isZero();
        fleet().route(T, "q", "q", Optional.empty(), List.of("x"), List.of("b"), false); // closes a cycle: β₁ 1
        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        List<Event> log = allEvents(s.id());
        var delta = log.get(log.size() - 1).payload().get("h1_delta");
        assertThat(delta.get("start").asLong()).isZero();
        assertThat(delta.get("end").asLong()).isEqualTo(1);
        assertThat(delta.get("change").asLong()).isEqualTo(1);
    }

    @Test
    void theWindowDropsTasksThatEndedLongAgoButKeepsRunningOnes() {
        fleet().register(T, "a", List.of("x"));
        Session s = session(); // this harness's reaper only runs when told, so the session stays live
        add(s, "done", "x");
        add(s, "running", "x");
        manager.completeTask(s.id(), "done", TaskOutcome.SUCCESS);
        assertThat(fleet().status(T).tasks()).isEqualTo(2);
        clock.advance(Duration.ofHours(23));
        assertThat(fleet().status(T).tasks()).isEqualTo(2); // ended 23 h ago: still inside the 24 h window
        clock.advance(Duration.ofHours(2));
        FleetStatus st = fleet().status(T);
        assertThat(st.tasks()).isEqualTo(1); // the running task stays, however old
        assertThat(st.edges()).isEqualTo(1);
        assertThat(st.h1()).isEqualTo((long) st.edges() - st.vertices() + st.components());
        restart();
        assertThat(fleet().status(T).tasks()).isEqualTo(1);
    }

    @Test
    void pruningReturnsTheDeletedEdges() {
        fleet().register(T, "a", List.of("x"));
        Session s = session();
        add(s, "done", "x");
        add(s, "running", "x");
        manager.completeTask(s.id(), "done", TaskOutcome.SUCCESS);
        var endedAt = clock.instant();
        clock.advance(Duration.ofHours(2));
        assertThat(store.pruneFleetEdges(T, endedAt)).isEmpty(); // ended at the cutoff: kept
        List<FleetEdge> dropped = store.pruneFleetEdges(T, clock.instant());
        assertThat(dropped).singleElement().satisfies(e -> {
            assertThat(e.tenant()).isEqualTo(T);
            assertThat(e.agentId()).isEqualTo("a");
            assertThat(e.taskKey()).isEqualTo("done");
            assertThat(e.taskEndedAt()).contains(endedAt);
        });
        assertThat(store.pruneFleetEdges(T, clock.instant())).isEmpty();
        assertThat(store.pruneFleetEdges("other", clock.instant())).isEmpty();
        assertThat(store.fleetEdges(T, clock.instant()))
                .extracting(FleetEdge::taskKey)
                .containsExactly("running");
    }

    @Test
    void aPrunedGraphIsTheGraphAReloadBuilds() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        fleet().register(T, "c", List.of("x"));
        Session s = session();
        assertThat(add(s, "t1", "x").assignedAgent()).contains("a");
        assertThat(add(s, "t2", "x").assignedAgent()).contains("b");
        // t1 handed to b as POST /v1/route does (decision, then its durable edge): a–t1–b–t2, one component
        var plan = fleet().route(T, "t1", "t1", Optional.empty(), List.of("x"), List.of("b"), false);
        store.addFleetEdge(T, plan.decision().agentId(), "t1", clock.instant());
        fleet().unregister(T, "c");
        manager.completeTask(s.id(), "t1", TaskOutcome.SUCCESS); // ends a's edge only (a was assigned)
        clock.advance(Duration.ofHours(25));
        FleetStatus pruned = fleet().status(T); // the window drops a–t1: a apart, t1–b–t2
        assertThat(pruned.edges()).isEqualTo(2);
        assertThat(pruned.components()).isEqualTo(2);
        assertThat(fleet().linkedTasks(T)).isEqualTo(java.util.Map.of("b", 2));
        fleet().invalidate(T);
        assertThat(fleet().status(T)).isEqualTo(pruned);
        // and a re-route of t2 to a merges the components again without a cycle
        var again = fleet().route(T, "t2", "t2", Optional.empty(), List.of("x"), List.of("a"), false);
        assertThat(again.decision().h1After()).isEqualTo(again.decision().h1Before());
    }

    @Test
    void theRegistryAndGraphSurviveARestart() {
        fleet().register(T, "a", List.of("x", "y"));
        fleet().register(T, "b", List.of("x"));
        Session s = session();
        add(s, "t1", "x");
        add(s, "t2", "x");
        FleetStatus before = fleet().status(T);
        restart();
        FleetStatus after = fleet().status(T);
        assertThat(after).isEqualTo(before);
        assertThat(fleet().agents(T)).extracting(a -> a.id()).containsExactly("a", "b");
        assertThat(fleet().agent(T, "a").capabilities()).containsExactly("x", "y");
        assertThat(fleet().agents(T)).allMatch(a -> a.load() == 1);
    }

    @Test
    void tenantsHaveTheirOwnFleets() {
        fleet().register("acme", "a", List.of("x"));
        expectError(
                ErrorCode.NO_CAPABLE_AGENT,
                () -> fleet().route("other", "t", "t", Optional.empty(), List.of("x"), List.of(), true));
        assertThat(fleet().agents("other")).isEmpty();
        assertThat(fleet().status("acme").agents()).isEqualTo(1);
    }

    @Test
    void badInputGetsAClearError() {
        expectError(ErrorCode.NOT_FOUND, () -> fleet().unregister(T, "ghost"));
        expectError(ErrorCode.NOT_FOUND, () -> fleet().agent(T, "ghost"));
        var e = expectError(ErrorCode.INVALID_ARGUMENT, () -> fleet().register(T, "a", List.of("")));
        assertThat(e.details()).containsEntry("field", "capabilities[0]");
        expectError(ErrorCode.INVALID_ARGUMENT, () -> fleet().register(T, "../a", List.of("x")));
        List<String> huge =
                new ArrayList<>(IntStream.range(0, 300).mapToObj(i -> "cap" + i).toList());
        var h = expectError(ErrorCode.INVALID_ARGUMENT, () -> fleet().register(T, "a", huge));
        assertThat(h.getMessage()).contains("at most 256");
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> fleet().route(T, "t", "t", Optional.empty(), List.of("x y"), List.of(), false));
        expectError(
                ErrorCode.INVALID_ARGUMENT,
                () -> fleet().route(T, "t", "t", Optional.empty(), List.of("x"), List.of("../b"), false));
        fleet().register(T, "a", List.of("x"));
        fleet().unregister(T, "a");
        expectError(
                ErrorCode.NO_CAPABLE_AGENT,
                () -> fleet().route(T, "t", "t", Optional.empty(), List.of("x"), List.of(), false));
    }
}
