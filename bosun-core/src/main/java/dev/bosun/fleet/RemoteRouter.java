package dev.bosun.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A router elsewhere that speaks the fleet-h1-router HTTP contract. When one is configured it
 * proposes the routing decisions; Bosun checks each against its own rules and registry and records
 * the edge in its own graph, so its status, the sessions' {@code h1_delta} and emergence alerts stay
 * true to what was routed.
 *
 * <p>Every method fails with {@code BosunException} UNAVAILABLE (never hangs past the configured
 * timeout) when the router is refused, times out, drops the connection or answers something that is
 * not the contract's JSON.
 */
public interface RemoteRouter {
    /** An agent as the router's {@code GET /agents} lists it. */
    record RegisteredAgent(String agentId, List<String> capabilities) {}

    /**
     * {@code POST /route} with {@code {task_id, required_capabilities}}: the router's answer in its own
     * figures; its agent id is empty when it had no agent at all.
     */
    RemoteDecision route(String taskId, List<String> requiredCapabilities);

    /** {@code POST /register/agent} with {@code {agent_id, capabilities}}. */
    void registerAgent(String agentId, List<String> capabilities);

    /** {@code GET /agents}: the router's registry, as it holds it now. */
    List<RegisteredAgent> agents();

    /** {@code GET /status}, as the router answered it. */
    ObjectNode status();

    /** {@code GET /h1-snapshot}, as the router answered it. */
    ObjectNode snapshot();
}
