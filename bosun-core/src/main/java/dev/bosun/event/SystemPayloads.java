package dev.bosun.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.task.Task;
import dev.bosun.task.TaskCounts;
import dev.bosun.wire.WireJson;

/**
 * The payloads of the SYSTEM events written at each checkpoint. Every store builds them here, so
 * logs look the same whatever the database, and consumers (tiles, webhooks) can rely on the shape.
 */
public final class SystemPayloads {
    private SystemPayloads() {}

    /** {@code session_started}: who, what and the limits the session runs under. */
    public static ObjectNode sessionStarted(Session s) {
        ObjectNode p = Json.object();
        p.put("session_id", s.id());
        p.put("name", s.name());
        p.put("agent_id", s.agentId());
        p.set("tags", Json.MAPPER.valueToTree(s.tags()));
        s.profile().ifPresentOrElse(v -> p.put("profile", v), () -> p.putNull("profile"));
        p.put("max_tasks", s.maxTasks());
        p.put("task_timeout_seconds", s.taskTimeout().toSeconds());
        p.put("idle_timeout_seconds", s.idleTimeout().toSeconds());
        p.put("ttl_seconds", s.ttl().toSeconds());
        p.put("expires_at", s.expiresAt().toString());
        return p;
    }

    /** {@code task_started}. */
    public static ObjectNode taskStarted(Task t) {
        ObjectNode p = Json.object();
        p.put("task_id", t.id());
        p.put("name", t.name());
        p.put("priority", t.priority().value());
        p.set("required_capabilities", Json.MAPPER.valueToTree(t.requiredCapabilities()));
        t.assignedAgent().ifPresentOrElse(a -> p.put("assigned_agent", a), () -> p.putNull("assigned_agent"));
        p.put("deadline_at", t.deadlineAt().toString());
        return p;
    }

    /** {@code task_completed}. */
    public static ObjectNode taskCompleted(Task t) {
        ObjectNode p = Json.object();
        p.put("task_id", t.id());
        p.put("name", t.name());
        p.put("outcome", t.status().value());
        t.assignedAgent().ifPresent(a -> p.put("assigned_agent", a));
        t.durationMs().ifPresent(d -> p.put("duration_ms", d));
        t.error().ifPresent(e -> p.put("error", e));
        return p;
    }

    /** {@code session_ended}: outcome, reason and the final task counts. */
    public static ObjectNode sessionEnded(Session s) {
        ObjectNode p = Json.object();
        p.put("session_id", s.id());
        s.outcome().ifPresent(o -> p.put("outcome", o.value()));
        s.reason().ifPresent(r -> p.put("reason", r.code()));
        s.error().ifPresent(e -> p.put("error", e));
        s.exitCode().ifPresent(c -> p.put("exit_code", c));
        s.endedAt().ifPresent(e -> p.put("duration_seconds", s.durationAt(e).toMillis() / 1000.0));
        p.set("tasks", counts(s.taskCounts()));
        p.set("patterns", Json.MAPPER.valueToTree(s.patterns()));
        return p;
    }

    /** {@code h1_delta} of a session: β₁ of its tenant's fleet graph at start and end. */
    public static ObjectNode h1Delta(long start, long end) {
        ObjectNode d = Json.object();
        d.put("start", start);
        d.put("end", end);
        d.put("change", end - start);
        return d;
    }

    /** {@code tasks} of {@code session_ended}: the wire record a session's answer carries too. */
    public static ObjectNode counts(TaskCounts c) {
        return WireJson.tree(c.toWire());
    }
}
