package dev.bosun.tile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.config.TileSettings;
import dev.bosun.delivery.CheckpointBatch;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a checkpoint event into a PLATO tile in the holodeck format:
 * {@code {domain, question, answer, tags, confidence, source}}, the answer as an object (the relay
 * encodes it for the wire). A pure function of the event, its session and the settings.
 *
 * <pre>{@code
 * {"domain": "bosun-sessions", "question": "[SESSION_START] oracle1:research",
 *  "answer": {"session_id": "sess_…", "agent_id": "oracle1", "session_name": "research", "started": "…",
 *             "tags": ["h1"], "max_tasks": 50, "task_timeout_seconds": 300, "h1_router_enabled": false},
 *  "tags": ["scout", "session", "start", "oracle1"], "confidence": 1.0, "source": "bosun"}
 * }</pre>
 */
public final class TileFactory {
    /** Long texts (error messages) are cut here, so a tile stays within PLATO's 5000-character answers. */
    static final int MAX_TEXT = 1000;

    private final TileSettings settings;
    private final boolean routingEnabled;

    public TileFactory(TileSettings settings, boolean routingEnabled) {
        this.settings = settings;
        this.routingEnabled = routingEnabled;
    }

    /** The tile for {@code e}, or empty when the event is not a checkpoint. */
    public Optional<ObjectNode> tile(CheckpointBatch session, Event e) {
        return TileKind.ofEvent(e.type()).map(kind -> build(kind, session, e));
    }

    private ObjectNode build(TileKind kind, CheckpointBatch s, Event e) {
        JsonNode p = e.payload();
        String agent = s.agentId();
        ObjectNode answer = Json.object();
        String question;
        ArrayNode tags = Json.MAPPER.createArrayNode().add("scout");
        double confidence;
        switch (kind) {
            case SESSION_START -> {
                question = kind.label() + " " + agent + ":" + s.name();
                answer.put("session_id", s.sessionId());
                answer.put("agent_id", agent);
                answer.put("session_name", s.name());
                answer.put("started", e.createdAt().toString());
                answer.set("tags", p.has("tags") ? p.get("tags").deepCopy() : Json.MAPPER.createArrayNode());
                answer.set("max_tasks", p.get("max_tasks"));
                answer.set("task_timeout_seconds", p.get("task_timeout_seconds"));
                answer.put("h1_router_enabled", routingEnabled);
                tags.add("session").add("start").add(agent);
                confidence = settings.confidenceStart();
            }
            case TASK_START -> {
                String taskAgent = text(p, "assigned_agent").orElse(agent);
                question = kind.label() + " "
                        + text(p, "name").orElse(p.path("task_id").asText()) + " → " + taskAgent;
                answer.put("session_id", s.sessionId());
                answer.set("task_id", p.get("task_id"));
                answer.put("agent_id", taskAgent);
                answer.set("routing", p.has("routing") ? p.get("routing").deepCopy() : Json.MAPPER.nullNode());
                tags.add("task").add("start").add(taskAgent);
                confidence = settings.confidenceTask();
            }
            case TASK_END -> {
                String taskAgent = text(p, "assigned_agent").orElse(agent);
                String outcome = p.path("outcome").asText();
                question = kind.label() + " "
                        + text(p, "name").orElse(p.path("task_id").asText()) + " — " + outcome.toUpperCase(Locale.ROOT);
                answer.put("session_id", s.sessionId());
                answer.set("task_id", p.get("task_id"));
                answer.put("agent_id", taskAgent);
                answer.put("outcome", outcome);
                if (p.has("duration_ms")) answer.set("duration_ms", p.get("duration_ms"));
                text(p, "error").ifPresent(err -> answer.put("error", cut(err)));
                tags.add("task").add("end").add(outcome).add(taskAgent);
                confidence = settings.confidenceTask();
            }
            case SESSION_END -> {
                String outcome = p.path("outcome").asText();
                question = kind.label() + " " + agent + ":" + s.name() + " — " + outcome.toUpperCase(Locale.ROOT);
                answer.put("session_id", s.sessionId());
                answer.put("outcome", outcome);
                text(p, "reason").ifPresent(r -> answer.put("reason", r));
                answer.set("duration_seconds", p.get("duration_seconds"));
                ObjectNode counts = Json.object();
                JsonNode t = p.path("tasks");
                for (String f : new String[] {"total", "succeeded", "failed", "cancelled", "timeout"}) {
                    counts.put(f, t.path(f).asLong());
                }
                answer.set("tasks", counts);
                answer.set("h1_delta", p.has("h1_delta") ? p.get("h1_delta").deepCopy() : Json.MAPPER.nullNode());
                answer.set(
                        "patterns", p.has("patterns") ? p.get("patterns").deepCopy() : Json.MAPPER.createArrayNode());
                text(p, "error").ifPresent(err -> answer.put("error", cut(err)));
                tags.add("session").add("end").add(outcome).add(agent);
                confidence = settings.confidenceEnd();
            }
            case SESSION_ERROR -> {
                // Bosun's own errors carry {code, message}; a worker's or an agent's may be any JSON.
                String message = p.isTextual()
                        ? p.asText()
                        : text(p, "message")
                                .or(() -> text(p, "error"))
                                .orElse(p.path("code").asText("error"));
                question = kind.label() + " " + agent + ":" + s.name() + " — " + cut(oneLine(message), 200);
                answer.put("session_id", s.sessionId());
                answer.put("agent_id", agent);
                text(p, "code").ifPresent(c -> answer.put("code", c));
                answer.put("message", cut(message));
                answer.put("reported_by", e.direction() == dev.bosun.event.Direction.SYSTEM ? "bosun" : "agent");
                tags.add("session").add("error").add(agent);
                confidence = settings.confidenceEnd();
            }
            case EMERGENCE_ALERT -> {
                question = text(p, "headline")
                        .orElse(kind.label() + " β₁=" + p.path("h1").asLong() + " > "
                                + p.path("threshold").asLong());
                answer.put("session_id", s.sessionId());
                for (String f : new String[] {"h1", "threshold", "vertices", "edges", "agent_id", "task_id"}) {
                    if (p.has(f)) answer.set(f, p.get(f));
                }
                tags.add("emergence").add("alert");
                confidence = settings.confidenceAlert();
            }
            default -> throw new IllegalStateException("unhandled tile kind " + kind);
        }
        ObjectNode tile = Json.object();
        tile.put("domain", s.scoutRoom().orElse(settings.scoutRoom()));
        tile.put("question", question);
        tile.set("answer", answer);
        tile.set("tags", tags);
        tile.put("confidence", confidence);
        tile.put("source", settings.source());
        return tile;
    }

    private static Optional<String> text(JsonNode p, String field) {
        JsonNode v = p.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    private static String cut(String s) {
        return cut(s, MAX_TEXT);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }
}
