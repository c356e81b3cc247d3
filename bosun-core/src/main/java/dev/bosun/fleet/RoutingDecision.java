package dev.bosun.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;

/**
 * Why a task went to an agent, in the fleet-h1-router's terms.
 *
 * @param h1Before             β₁ of the tenant's graph before the decision
 * @param h1After              β₁ once the task is linked to {@code agentId}
 * @param emergenceRisk        0.0, 0.3, 0.6 or 0.9 from the margin h1After − (V + offset)
 * @param capabilityMatchScore |required ∩ capabilities| / |required| (1.0 when nothing is required)
 * @param confidence           max(min_confidence, min(1, match × (1 − risk)))
 * @param reasoning            a sentence for a person
 */
public record RoutingDecision(String agentId, String taskId, long h1Before, long h1After, double confidence,
                              double emergenceRisk, double capabilityMatchScore, String reasoning) {

    /** The decision as the fleet-h1-router contract and Bosun's events write it. */
    public ObjectNode toJson() {
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
