package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.task.Task;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing through a remote fleet-h1-router ({@code h1_router_url}), here a {@link FakeFleetRouter}
 * that prefers the newest capable agent, through the SessionManager and against the store under
 * test: the remote decides, Bosun records; when the remote is down, {@code router_fallback} decides
 * between a clean UNAVAILABLE and the built-in router.
 */
public abstract class RemoteRoutingContract extends ManagerHarness {
    static final String T = "default";

    /** Started before the harness builds the manager, which needs its URL. */
    private final FakeFleetRouter router = FakeFleetRouter.start();

    @Override
    protected BosunConfig config(Path dataDir) { return loader(dataDir).load(); }

    private ConfigLoader loader(Path dataDir) {
        return Fixtures.loader(dataDir).set("h1_router_enabled", true).set("h1_router_url", router.url())
                .set("router_timeout", "2s");
    }

    @AfterEach
    void stopRouter() { router.close(); }

    private Fleet fleet() { return manager.fleet(); }

    private Session session() { return manager.startSession(SessionConfig.builder("routing", "planner").build()); }

    private Task add(Session s, String id, String... caps) {
        return manager.addTask(s.id(), TaskSpec.builder(id).id(id).requiredCapabilities(caps).build());
    }

    private Event started(Session s, String taskId) {
        return allEvents(s.id()).stream().filter(e -> e.type().equals("task_started")
                && e.payload().path("task_id").asText().equals(taskId)).findFirst().orElseThrow();
    }

    @Test
    void theRemoteRouterDecidesAndBosunRecordsTheEdge() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x", "y"));
        fleet().register(T, "c", List.of("x"));
        assertThat(router.agents()).containsExactly("a", "b", "c"); // each registration was forwarded
        assertThat(router.requests().get(1).body()).isEqualTo(Json.object().put("agent_id", "b")
                .set("capabilities", Json.MAPPER.valueToTree(List.of("x", "y"))));
        Session s = session();
        Task t = add(s, "compile", "x");
        assertThat(t.assignedAgent()).contains("c"); // the built-in rule would have said "a"
        var routed = router.requests().stream().filter(r -> r.path().equals("/route")).toList();
        assertThat(routed).hasSize(1);
        assertThat(routed.get(0).body()).isEqualTo(Json.object().put("task_id", "compile")
                .set("required_capabilities", Json.MAPPER.valueToTree(List.of("x"))));
        JsonNode decision = started(s, "compile").payload().get("routing");
        assertThat(decision.get("agent_id").asText()).isEqualTo("c");
        assertThat(decision.get("reasoning").asText()).isEqualTo(FakeFleetRouter.REASONING);
        assertThat(decision.get("confidence").asDouble()).isEqualTo(0.8);
        // Bosun's own graph holds the edge the remote chose
        FleetStatus status = fleet().status(T);
        assertThat(status.edges()).isEqualTo(1);
        assertThat(status.tasks()).isEqualTo(1);
        assertThat(fleet().agent(T, "c").load()).isEqualTo(1);
        assertThat(fleet().agent(T, "a").load()).isZero();
        restart();
        assertThat(fleet().status(T)).isEqualTo(status);
        assertThat(fleet().agent(T, "c").load()).isEqualTo(1);
    }

    @Test
    void withoutFallbackARemoteThatIsDownFailsTheTaskAndWritesNothing() {
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        Session s = session();
        assertThat(add(s, "first", "x").assignedAgent()).contains("b");
        FleetStatus before = fleet().status(T);
        int eventsBefore = allEvents(s.id()).size();
        router.close();
        var e = expectError(ErrorCode.UNAVAILABLE, () -> add(s, "second", "x"));
        assertThat(e.getMessage()).isEqualTo("remote router at " + router.url() + " (POST /route): connection refused");
        assertThat(e.details()).containsEntry("router_url", router.url()).containsEntry("reason", "refused");
        assertThat(manager.tasks(s.id())).extracting(Task::id).containsExactly("first");
        assertThat(allEvents(s.id())).hasSize(eventsBefore);
        assertThat(fleet().status(T)).isEqualTo(before);
        assertThat(fleet().agents(T)).extracting(a -> a.id() + "=" + a.load()).containsExactly("a=0", "b=1");
        // a task that needs no routing is not held up by the router being down
        assertThat(manager.addTask(s.id(), TaskSpec.builder("free").build()).assignedAgent()).isEmpty();
    }

    @Test
    void withLocalFallbackARemoteThatIsDownLeavesTheDecisionToTheBuiltInRouter() {
        reconfigure(c -> loader(dataDir).set("router_fallback", "local").load());
        fleet().register(T, "a", List.of("x"));
        fleet().register(T, "b", List.of("x"));
        Session s = session();
        assertThat(add(s, "first", "x").assignedAgent()).contains("b"); // up: the remote decides
        router.close();
        Task t = add(s, "second", "x");
        assertThat(t.assignedAgent()).contains("a"); // down: the built-in rule, b being loaded
        String why = started(s, "second").payload().at("/routing/reasoning").asText();
        assertThat(why).startsWith("The remote router could not decide (remote router at " + router.url()
                + " (POST /route): connection refused), so the built-in router did. Routed task second to a");
        assertThat(fleet().status(T).edges()).isEqualTo(2);
    }

    @Test
    void registeringWhileTheRemoteIsDownStillRegistersLocally() {
        router.close();
        var agent = fleet().register(T, "a", List.of("x")); // router_fallback=none: routing's rule, not the registry's
        assertThat(agent.id()).isEqualTo("a");
        assertThat(fleet().agents(T)).extracting(a -> a.id()).containsExactly("a");
        assertThat(fleet().status(T).agents()).isEqualTo(1);
        restart();
        assertThat(fleet().agent(T, "a").capabilities()).containsExactly("x");
    }
}
