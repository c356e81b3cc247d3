package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.client.BosunClient;
import dev.bosun.client.BosunClientException;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.http.WireMapping;
import dev.bosun.wire.Agent;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.FleetStatus;
import dev.bosun.wire.RoutingDecision;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK's fleet calls against the real server: typed results that match the server's own view, real errors. */
class FleetClientTest extends ServerHarness {
    static final String KEY = "bsn_fleet_client_key";
    BosunClient client;

    @AfterEach
    void closeClient() {
        if (client != null) client.close();
    }

    @Test
    void everyFleetCallWithTypedResults() {
        start(l -> l.set("api_keys", List.of("sdk-team:" + ApiKeys.sha256(KEY))));
        client = BosunClient.builder(server.url())
                .apiKey(KEY)
                .timeout(Duration.ofSeconds(30))
                .build();

        Agent coder = client.registerAgent("coder", List.of("compilation", "llvm"));
        assertThat(coder.agentId()).isEqualTo("coder");
        assertThat(coder.capabilities()).containsExactly("compilation", "llvm");
        assertThat(coder.load()).isZero();
        dev.bosun.fleet.Agent stored = manager.fleet().agent("sdk-team", "coder");
        assertThat(coder.registeredAt()).isEqualTo(stored.registeredAt());
        assertThat(coder.lastSeenAt()).isEqualTo(stored.lastSeenAt());
        client.registerAgent("writer", List.of("publishing"));
        assertThat(client.registerAgent("coder", List.of("compilation")).capabilities())
                .containsExactly("compilation");
        assertThat(client.agents()).extracting(Agent::agentId).containsExactly("coder", "writer");
        assertThat(client.agent("writer").capabilities()).containsExactly("publishing");

        RoutingDecision d = client.route("c1", List.of("compilation"), List.of(), false);
        assertThat(d.agentId()).isEqualTo("coder");
        assertThat(d.taskId()).isEqualTo("c1");
        assertThat(d.capabilityMatchScore()).isEqualTo(1.0);
        assertThat(d.reasoning()).contains("coder");
        RoutingDecision any = client.route("g1", List.of("gpu"), List.of("writer"), true);
        assertThat(any.agentId())
                .as("fallback=any, and the preference among every agent")
                .isEqualTo("writer");
        assertThat(any.capabilityMatchScore()).isEqualTo(0.0);

        FleetStatus st = client.fleetStatus();
        assertThat(st)
                .isEqualTo(WireMapping.fleetStatus(manager.fleet().status("sdk-team"), java.util.Optional.empty()));
        assertThat(st.edges()).isEqualTo(2);
        assertThat(st.agents()).isEqualTo(2);
        FleetStatus reset = client.resetFleet();
        assertThat(reset.edges()).isZero();
        assertThat(reset.agents()).isEqualTo(2);

        client.unregisterAgent("writer");
        assertThat(client.agents()).extracting(Agent::agentId).containsExactly("coder");
        assertThat(manager.fleet().agents("sdk-team"))
                .extracting(dev.bosun.fleet.Agent::id)
                .containsExactly("coder");
    }

    @Test
    void failuresCarryTheServersCodes() {
        start();
        client = BosunClient.builder(server.url())
                .timeout(Duration.ofSeconds(30))
                .build();
        assertCode(() -> client.agent("ghost"), ErrorCode.NOT_FOUND);
        assertCode(() -> client.unregisterAgent("ghost"), ErrorCode.NOT_FOUND);
        assertCode(() -> client.route("t", List.of("gpu"), List.of(), false), ErrorCode.NO_CAPABLE_AGENT);
        client.registerAgent("cpu", List.of("python"));
        BosunClientException none =
                assertCode(() -> client.route("t", List.of("gpu"), List.of(), false), ErrorCode.NO_CAPABLE_AGENT);
        assertThat(none.getMessage()).contains("gpu");
        BosunClientException bad =
                assertCode(() -> client.registerAgent("cpu", List.of("ok", "")), ErrorCode.INVALID_ARGUMENT);
        assertThat(bad.details()).containsEntry("field", "capabilities[1]");
        assertCode(() -> client.route("a b", List.of(), List.of(), false), ErrorCode.INVALID_ARGUMENT);
    }

    private static BosunClientException assertCode(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        var thrown = new BosunClientException[1];
        assertThatThrownBy(call).isInstanceOfSatisfying(BosunClientException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            thrown[0] = e;
        });
        return thrown[0];
    }
}
