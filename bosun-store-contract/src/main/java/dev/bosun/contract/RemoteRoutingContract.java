package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.delivery.Delivery;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.fleet.RouterSync;
import dev.bosun.fleet.RoutingDecision;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing through a remote fleet-h1-router ({@code h1_router_url}), here {@link FleetH1RouterDouble},
 * which behaves as the real one (β₁ with C fixed at 1, any agent when none is capable, ties by its
 * n_tasks, a registry it forgets on restart), through the SessionManager and against the store under
 * test: the router proposes, Bosun holds the answer to its own rules and records its true β₁; the
 * router's registry is kept in step with Bosun's.
 */
public abstract class RemoteRoutingContract extends ManagerHarness {
    static final String T = "default";

    /** Started before the harness builds the manager, which needs its URL. */
    private final FleetH1RouterDouble router = FleetH1RouterDouble.start();

    private FleetH1RouterDouble other;

    @Override
    protected BosunConfig config(Path dataDir) {
        return loader(dataDir, router).load();
    }

    private ConfigLoader loader(Path dataDir, FleetH1RouterDouble r) {
        return Fixtures.loader(dataDir)
                .set("h1_router_enabled", true)
                .set("h1_router_url", r.url())
                .set("router_timeout", "2s");
    }

    @AfterEach
    void stopRouter() {
        router.close();
        if (other != null) other.close();
    }

    /** Points Bosun at an empty router (no preloaded agents), with {@code router_fallback} as given. */
    private FleetH1RouterDouble emptyRouter(String routerFallback) {
        other = FleetH1RouterDouble.startEmpty();
        reconfigure(c ->
                loader(dataDir, other).set("router_fallback", routerFallback).load());
        return other;
    }

    private void localFallback() {
        reconfigure(c -> loader(dataDir, router).set("router_fallback", "local").load());
    }

    private Fleet fleet() {
        return manager.fleet();
    }

    private RouterSync sync() {
        return fleet().remoteSync().orElseThrow();
    }

    private Session session() {
        return manager.startSession(SessionConfig.builder("routing", "planner").build());
    }

    private Task add(Session s, String id, String... caps) {
        return manager.addTask(
                s.id(), TaskSpec.builder(id).id(id).requiredCapabilities(caps).build());
    }

    private JsonNode routing(Session s, String taskId) {
        return allEvents(s.id()).stream()
                .filter(e -> e.type().equals("task_started")
                        && e.payload().path("task_id").asText().equals(taskId))
                .findFirst()
                .orElseThrow()
                .payload()
                .get("routing");
    }

    private RoutingDecision route(String task, List<String> prefer, boolean fallbackAny, String... caps) {
        return fleet().route(T, task, task, Optional.empty(), List.of(caps), prefer, fallbackAny)
                .decision();
    }

    // ------------------------------------------------------------------ the router decides, Bosun records the truth

    @Test
    void theRouterChoosesAndTasksCarryBosunsTrueBetaWithTheRoutersFiguresBeside() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x", "y"));
        assertThat(router.agents()).containsExactly("oracle1", "ccc", "forgemaster", "a", "b"); // forwarded
        assertThat(router.requests("/register/agent").get(1).body())
                .isEqualTo(Json.object()
                        .put("agent_id", "b")
                        .set("capabilities", Json.MAPPER.valueToTree(List.of("x", "y"))));
        Session s = session();
        assertThat(add(s, "compile", "x").assignedAgent()).contains("a");
        manager.completeTask(s.id(), "compile", TaskOutcome.SUCCESS);
        // a is free again: Bosun's rule would pick a; the router counts a's n_tasks and picks b
        assertThat(add(s, "build", "x").assignedAgent()).contains("b");
        assertThat(router.requests("/route").get(1).body())
                .isEqualTo(Json.object()
                        .put("task_id", "build")
                        .set("required_capabilities", Json.MAPPER.valueToTree(List.of("x"))));

        JsonNode build = routing(s, "build");
        // Bosun's graph: a–compile and b–build, two components: β₁ = 2 − 4 + 2 = 0 before and after
        assertThat(build.get("h1_before").asLong()).isZero();
        assertThat(build.get("h1_after").asLong()).isZero();
        assertThat(build.get("confidence").asDouble()).isEqualTo(1.0);
        // the router's own figures: V = 5 agents + 2 tasks, E = 1 before, C fixed at 1
        JsonNode theirs = build.get("router");
        assertThat(theirs.get("agent_id").asText()).isEqualTo("b");
        assertThat(theirs.get("h1_before").asLong()).isEqualTo(1 - 7 + 1);
        assertThat(theirs.get("h1_after").asLong()).isEqualTo(2 - 7 + 1);
        assertThat(theirs.get("reasoning").asText()).isEqualTo("Selected b (H¹: -5→-4)");
        assertThat(build.get("reasoning").asText())
                .startsWith("The remote router at " + router.url()
                        + " chose b (its reasoning: Selected b (H¹: -5→-4); its own β₁ -5 → -4, with C fixed at 1); in Bosun's graph "
                        + "linking it keeps β₁ at 0");

        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        JsonNode ended = allEvents(s.id()).stream()
                .filter(e -> e.type().equals("session_ended"))
                .findFirst()
                .orElseThrow()
                .payload();
        // one β₁ per session: the end's delta agrees with the tasks' figures
        assertThat(ended.get("h1_delta").asLong())
                .isEqualTo(build.get("h1_after").asLong()
                        - routing(s, "compile").get("h1_before").asLong());
        // and so do the tiles made of them
        manager.relay().step();
        List<Delivery> tiles =
                manager.tiles().ofSession(T, s.id(), Optional.empty(), 100).items();
        JsonNode buildTile = tiles.stream()
                .filter(d -> d.eventType().equals("task_started")
                        && d.body().at("/answer/task_id").asText().equals("build"))
                .findFirst()
                .orElseThrow()
                .body();
        assertThat(buildTile.at("/answer/routing/h1_after").asLong()).isZero();
        assertThat(buildTile.at("/answer/routing/router/h1_after").asLong()).isEqualTo(-4);
        JsonNode endTile = tiles.stream()
                .filter(d -> d.eventType().equals("session_ended"))
                .findFirst()
                .orElseThrow()
                .body();
        assertThat(endTile.at("/answer/h1_delta").asLong())
                .isEqualTo(ended.get("h1_delta").asLong());

        FleetStatus status = fleet().status(T);
        assertThat(status.edges()).isEqualTo(2);
        assertThat(status.h1()).isZero();
        restart();
        assertThat(fleet().status(T)).isEqualTo(status);
    }

    // ------------------------------------------------------------------ Bosun's rules apply to the router's answer

    @Test
    void aTaskNoAgentOfTheTenantCanTakeIsRefusedBeforeTheRouterIsAsked() {
        fleet().register(T, "a", List.of("x"));
        Session s = session();
        var e = expectError(ErrorCode.NO_CAPABLE_AGENT, () -> add(s, "render", "gpu"));
        assertThat(e.getMessage()).contains("gpu");
        assertThat(router.requests("/route"))
                .as("the reference would have answered oracle1")
                .isEmpty();
        assertThat(manager.tasks(s.id())).isEmpty();
        assertThat(fleet().status(T).edges()).isZero();
    }

    @Test
    void anAgentBosunDoesNotKnowIsRefusedThenTheDriftIsRepaired() {
        fleet().register(T, "a", List.of("x"));
        sync().check();
        router.registerDirectly("a", List.of("y")); // another client of the router changes a behind Bosun's back
        Session s = session();
        var e = expectError(ErrorCode.UNAVAILABLE, () -> add(s, "compile", "x"));
        assertThat(e.getMessage())
                .isEqualTo(
                        "routing task 'compile': the remote router at " + router.url()
                                + " chose oracle1, which is not an agent registered with Bosun; Bosun refused the decision (router_fallback=none)");
        assertThat(e.details()).containsEntry("reason", "unknown_agent").containsEntry("router_agent_id", "oracle1");
        assertThat(manager.tasks(s.id())).isEmpty();
        assertThat(fleet().status(T).edges()).isZero();
        // the refusal made Bosun suspect drift: the next decision checks first, re-registers a, and the router agrees
        assertThat(add(s, "compile", "x").assignedAgent()).contains("a");
        assertThat(router.capabilities("a")).containsExactly("x");
        assertThat(sync().status().mismatched()).containsExactly("a");
    }

    @Test
    void withLocalFallbackARefusedAnswerIsReDecidedByTheBuiltInRouterAndSaysSo() {
        localFallback();
        fleet().register(T, "a", List.of("y"));
        Session s = session();
        Task t = manager.addTask(
                s.id(),
                TaskSpec.builder("compile")
                        .id("compile")
                        .requiredCapabilities("y")
                        .build());
        assertThat(t.assignedAgent()).contains("a");
        // fallback=any per call: the router falls back to its first agent, oracle1, whom Bosun does not know
        RoutingDecision d = route("render", List.of(), true, "gpu");
        assertThat(d.agentId()).isEqualTo("a");
        assertThat(d.reasoning())
                .startsWith("Bosun refused the remote router's decision: the remote router at " + router.url()
                        + " chose oracle1, which is not an agent registered with Bosun, so the built-in router decided "
                        + "(router_fallback=local). Routed task render to a: no agent had all 1 required capabilities");
        assertThat(d.router()).hasValueSatisfying(r -> assertThat(r.agentId()).isEqualTo("oracle1"));
        assertThat(d.capabilityMatchScore()).isZero();
        // with fallback=error nobody is asked
        int asked = router.requests("/route").size();
        expectError(ErrorCode.NO_CAPABLE_AGENT, () -> route("render2", List.of(), false, "gpu"));
        assertThat(router.requests("/route")).hasSize(asked);
    }

    @Test
    void preferAgentsHoldsAgainstTheRoutersChoice() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        var e = expectError(ErrorCode.UNAVAILABLE, () -> route("t1", List.of("b"), false, "x"));
        assertThat(e.details()).containsEntry("reason", "not_preferred").containsEntry("router_agent_id", "a");
        // the router recorded its refused choice all the same (its graph has no undo): a has one task there now
        localFallback();
        RoutingDecision d = route("t2", List.of("a"), false, "x");
        assertThat(d.agentId()).isEqualTo("a");
        assertThat(d.reasoning())
                .contains("chose b, which is not among prefer_agents")
                .contains("and it was among the preferred agents");
        // a preference the router happens to satisfy is simply its decision (a and b have one task each there)
        RoutingDecision agreed = route("t3", List.of("a"), false, "x");
        assertThat(agreed.agentId()).isEqualTo("a");
        assertThat(agreed.reasoning()).startsWith("The remote router at");
    }

    @Test
    void anAgentLackingTheCapabilityIsRefused() {
        FleetH1RouterDouble empty = emptyRouter("none");
        fleet().register(T, "a", List.of("y"));
        fleet().register(T, "b", List.of("x"));
        sync().check();
        empty.registerDirectly("b", List.of("y")); // now no agent of the router has x: it falls back to a
        var e = expectError(ErrorCode.UNAVAILABLE, () -> route("t", List.of(), false, "x"));
        assertThat(e.getMessage())
                .contains("chose a, which lacks x while agents that have every required capability are registered");
        assertThat(e.details()).containsEntry("reason", "not_capable");
    }

    // ------------------------------------------------------------------ the registries are kept in step

    @Test
    void aRestartedRouterIsFoundOutAndGivenBosunsAgentsAgain() {
        FleetH1RouterDouble empty = emptyRouter("none");
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("y", "z"));
        assertThat(sync().check().drift()).isZero();
        empty.restart(); // it forgets everything
        assertThat(empty.agents()).isEmpty();
        // a decision meanwhile: the router has no agent at all, Bosun refuses its empty answer
        var e = expectError(ErrorCode.UNAVAILABLE, () -> route("t", List.of(), false, "x"));
        assertThat(e.details()).containsEntry("reason", "no_agent");
        assertThat(e.getMessage()).contains("chose no agent, which means it knows no agent at all");
        // the next decision checks first: both agents are back, with their capabilities
        assertThat(route("t", List.of(), false, "x").agentId()).isEqualTo("a");
        assertThat(empty.agents()).containsExactly("a", "b");
        assertThat(empty.capabilities("b")).containsExactlyInAnyOrder("y", "z");
        RouterSync.Status st = sync().status();
        assertThat(st.missing()).containsExactly("a", "b");
        assertThat(st.resynced()).isEqualTo(2);
        assertThat(st.reachable()).isTrue();
        assertThat(sync().check().drift()).isZero();
        assertThat(sync().status().resynced()).isEqualTo(2);
    }

    @Test
    void agentsRegisteredWhileTheRouterWasDownReachItWhenItReturns() {
        fleet().register(T, "a", List.of("x"));
        sync().check();
        router.stop();
        var agent = fleet().register(T, "c", List.of("gpu")); // the registry is Bosun's: it still succeeds
        assertThat(agent.id()).isEqualTo("c");
        var down = catchUnavailable(() -> sync().check());
        assertThat(down.details()).containsEntry("reason", "refused");
        assertThat(sync().status().reachable()).isFalse();
        router.restart();
        Session s = session();
        assertThat(add(s, "render", "gpu").assignedAgent()).contains("c");
        List<String> calls =
                router.requests().stream().map(r -> r.method() + " " + r.path()).toList();
        assertThat(calls.subList(calls.size() - 4, calls.size()))
                .containsExactly("GET /agents", "POST /register/agent", "POST /register/agent", "POST /route");
        assertThat(router.agents()).containsExactly("oracle1", "ccc", "forgemaster", "a", "c");
        assertThat(sync().status().routerOnly()).containsExactly("ccc", "forgemaster", "oracle1");
    }

    @Test
    void aRestartOfBosunChecksTheRouterBeforeItsFirstDecision() {
        fleet().register(T, "a", List.of("x"));
        sync().check();
        router.restart();
        restart();
        Session s = session();
        assertThat(add(s, "compile", "x").assignedAgent()).contains("a");
        assertThat(router.agents()).contains("a");
        assertThat(sync().status().missing()).containsExactly("a");
    }

    @Test
    void withoutFallbackARemoteThatIsDownFailsTheTaskAndWritesNothing() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        Session s = session();
        assertThat(add(s, "first", "x").assignedAgent()).contains("a");
        FleetStatus before = fleet().status(T);
        int eventsBefore = allEvents(s.id()).size();
        router.stop();
        var e = expectError(ErrorCode.UNAVAILABLE, () -> add(s, "second", "x"));
        assertThat(e.getMessage()).isEqualTo("remote router at " + router.url() + " (POST /route): connection refused");
        assertThat(e.details()).containsEntry("router_url", router.url()).containsEntry("reason", "refused");
        assertThat(manager.tasks(s.id())).extracting(Task::id).containsExactly("first");
        assertThat(allEvents(s.id())).hasSize(eventsBefore);
        assertThat(fleet().status(T)).isEqualTo(before);
        assertThat(fleet().agents(T)).extracting(a -> a.id() + "=" + a.load()).containsExactly("a=1", "b=0");
        // a task that needs no routing is not held up by the router being down
        assertThat(manager.addTask(s.id(), TaskSpec.builder("free").build()).assignedAgent())
                .isEmpty();
    }

    @Test
    void withLocalFallbackARemoteThatIsDownLeavesTheDecisionToTheBuiltInRouter() {
        localFallback();
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        Session s = session();
        assertThat(add(s, "first", "x").assignedAgent()).contains("a"); // up: the remote decides
        router.stop();
        Task t = add(s, "second", "x");
        assertThat(t.assignedAgent()).contains("b"); // down: the built-in rule, a being loaded
        String why = routing(s, "second").get("reasoning").asText();
        assertThat(why)
                .startsWith("The remote router could not decide (remote router at " + router.url()
                        + " (POST /route): connection refused), so the built-in router did. Routed task second to b");
        assertThat(routing(s, "second").has("router")).isFalse();
        assertThat(fleet().status(T).edges()).isEqualTo(2);
    }

    private static BosunException catchUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return expectError(ErrorCode.UNAVAILABLE, call);
    }
}
