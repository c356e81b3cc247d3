package dev.bosun.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;
import java.time.Instant;
import java.util.Optional;

/**
 * The fleet graph of a tenant crossed into emergence (β₁ &gt; V + offset) with this routing decision.
 *
 * @param sessionId the session whose task was being routed, when there was one
 */
public record EmergenceAlert(
        String tenant,
        long h1,
        long threshold,
        long vertices,
        long edges,
        String agentId,
        String taskId,
        Optional<String> sessionId,
        Instant at) {

    /** The tile question and log line of the holodeck design: {@code [EMERGENCE ALERT] β₁=5 > V-2=4}. */
    public String headline(int offset) {
        return "[EMERGENCE ALERT] β₁=" + h1 + " > V" + (offset < 0 ? "" : "+") + offset + "=" + threshold;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("h1", h1);
        o.put("threshold", threshold);
        o.put("vertices", vertices);
        o.put("edges", edges);
        o.put("agent_id", agentId);
        o.put("task_id", taskId);
        sessionId.ifPresent(s -> o.put("session_id", s));
        o.put("at", at.toString());
        return o;
    }
}
