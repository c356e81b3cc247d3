package dev.bosun.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;
import java.util.Optional;

/**
 * Why a task went to an agent, in the fleet-h1-router's terms. The figures are always Bosun's own,
 * computed on the tenant's graph with the true β₁ = E − V + C, whoever chose the agent.
 *
 * @param h1Before             β₁ of the tenant's graph before the decision
 * @param h1After              β₁ once the task is linked to {@code agentId}
 * @param emergenceRisk        0.0, 0.3, 0.6 or 0.9 from the margin h1After − (V + offset)
 * @param capabilityMatchScore |required ∩ capabilities| / |required| (1.0 when nothing is required)
 * @param confidence           max(min_confidence, min(1, match × (1 − risk)))
 * @param reasoning            a sentence for a person
 * @param router               what a remote router answered, in its own figures, when one was asked
 */
public record RoutingDecision(String agentId, String taskId, long h1Before, long h1After, double confidence,
                              double emergenceRisk, double capabilityMatchScore, String reasoning,
                              Optional<RemoteDecision> router) {

    /** A decision no remote router took part in. */
    public RoutingDecision(String agentId, String taskId, long h1Before, long h1After, double confidence,
                           double emergenceRisk, double capabilityMatchScore, String reasoning) {
        this(agentId, taskId, h1Before, h1After, confidence, emergenceRisk, capabilityMatchScore, reasoning, Optional.empty());
    }

    /**
     * The decision as Bosun's API and events write it: the contract's fields, plus {@code router} with
     * the remote router's own figures when one was asked.
     */
    public ObjectNode toJson() {
        ObjectNode o = toCompatJson();
        router.ifPresent(r -> o.set("router", r.toJson()));
        return o;
    }

    /** Exactly the fleet-h1-router contract's fields, as its {@code POST /route} answers them. */
    public ObjectNode toCompatJson() {
        ObjectNode o = Json.object();
        o.put("agent_id", agentId);
        o.put("task_id", taskId);
        o.put("h1_before", h1Before);
        o.put("h1_after", h1After);
        o.put("confidence", confidence);
        o.put("emergence_risk", emergenceRisk);
        o.put("capability_match_score", capabilityMatchScore);
        o.put("reasoning", reasoning);
        return o;
    }
}
