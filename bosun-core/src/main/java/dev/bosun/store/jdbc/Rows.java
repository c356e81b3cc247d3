package dev.bosun.store.jdbc;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.FleetEdge;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Task;
import dev.bosun.task.TaskCounts;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps rows of the SQL stores (SQLite, PostgreSQL: the same columns, times as epoch milliseconds,
 * JSON as text) to domain records. Column lists live here so every query selects the same shape.
 */
public final class Rows {
    public static final String SESSION_COLUMNS =
            "id, tenant, name, agent_id, tags, metadata, profile, status, outcome, reason, "
                    + "error, exit_code, created_at, started_at, ended_at, last_activity_at, idle_timeout_ms, ttl_ms, expires_at, "
                    + "max_tasks, task_timeout_ms, workspace, tasks_total, tasks_running, tasks_success, tasks_failed, "
                    + "tasks_cancelled, tasks_timeout, last_seq, scout_room, emit_tiles, patterns";
    public static final String TASK_COLUMNS =
            "session_id, id, name, data, priority, required_caps, assigned_agent, status, "
                    + "created_at, started_at, ended_at, deadline_at, duration_ms, result, error";
    public static final String AGENT_COLUMNS =
            "tenant, id, capabilities, registered_ord, registered_at, updated_at, last_seen_at";
    public static final String FLEET_EDGE_COLUMNS = "tenant, agent_id, task_key, created_at, task_ended_at";
    public static final String EVENT_COLUMNS = "session_id, seq, direction, type, payload, created_at";

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private Rows() {}

    public static Session session(ResultSet r) throws SQLException {
        return new Session(
                r.getString("id"),
                r.getString("tenant"),
                r.getString("name"),
                r.getString("agent_id"),
                strings(r.getString("tags")),
                (ObjectNode) Json.parseTrusted(r.getString("metadata")),
                Optional.ofNullable(r.getString("profile")),
                SessionStatus.valueOf(r.getString("status")),
                Optional.ofNullable(r.getString("outcome")).map(SessionOutcome::valueOf),
                Optional.ofNullable(r.getString("reason")).map(EndReason::valueOf),
                Optional.ofNullable(r.getString("error")),
                optInt(r, "exit_code"),
                instant(r, "created_at"),
                optInstant(r, "started_at"),
                optInstant(r, "ended_at"),
                instant(r, "last_activity_at"),
                Duration.ofMillis(r.getLong("idle_timeout_ms")),
                Duration.ofMillis(r.getLong("ttl_ms")),
                instant(r, "expires_at"),
                r.getInt("max_tasks"),
                Duration.ofMillis(r.getLong("task_timeout_ms")),
                Optional.ofNullable(r.getString("workspace")),
                new TaskCounts(
                        r.getInt("tasks_total"),
                        r.getInt("tasks_running"),
                        r.getInt("tasks_success"),
                        r.getInt("tasks_failed"),
                        r.getInt("tasks_cancelled"),
                        r.getInt("tasks_timeout")),
                r.getLong("last_seq"),
                Optional.ofNullable(r.getString("scout_room")),
                optInt(r, "emit_tiles").map(v -> v != 0),
                Optional.ofNullable(r.getString("patterns")).map(Rows::strings).orElse(List.of()));
    }

    public static Task task(ResultSet r) throws SQLException {
        return new Task(
                r.getString("session_id"),
                r.getString("id"),
                r.getString("name"),
                Json.parseTrusted(r.getString("data")),
                TaskPriority.valueOf(r.getString("priority")),
                strings(r.getString("required_caps")),
                Optional.ofNullable(r.getString("assigned_agent")),
                TaskStatus.valueOf(r.getString("status")),
                instant(r, "created_at"),
                instant(r, "started_at"),
                optInstant(r, "ended_at"),
                instant(r, "deadline_at"),
                optLong(r, "duration_ms"),
                Optional.ofNullable(r.getString("result")).map(Json::parseTrusted),
                Optional.ofNullable(r.getString("error")));
    }

    public static Agent agent(ResultSet r) throws SQLException {
        return new Agent(
                r.getString("tenant"),
                r.getString("id"),
                strings(r.getString("capabilities")),
                r.getLong("registered_ord"),
                instant(r, "registered_at"),
                instant(r, "updated_at"),
                instant(r, "last_seen_at"),
                0);
    }

    public static FleetEdge fleetEdge(ResultSet r) throws SQLException {
        return new FleetEdge(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                instant(r, "created_at"),
                optInstant(r, "task_ended_at"));
    }

    public static Event event(ResultSet r) throws SQLException {
        return new Event(
                r.getString("session_id"),
                r.getLong("seq"),
                Direction.valueOf(r.getString("direction")),
                r.getString("type"),
                Json.parseTrusted(r.getString("payload")),
                instant(r, "created_at"));
    }

    public static List<String> strings(String json) {
        try {
            return Json.MAPPER.readValue(json, STRINGS);
        } catch (Exception e) {
            throw new IllegalStateException("stored JSON array is corrupt", e);
        }
    }

    public static Map<String, String> stringMap(String json) {
        try {
            return json == null ? Map.of() : Json.MAPPER.readValue(json, STRING_MAP);
        } catch (Exception e) {
            throw new IllegalStateException("stored JSON object is corrupt", e);
        }
    }

    public static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String json(JsonNode node) {
        return Json.write(node);
    }

    public static Instant instant(ResultSet r, String col) throws SQLException {
        return Instant.ofEpochMilli(r.getLong(col));
    }

    public static Optional<Instant> optInstant(ResultSet r, String col) throws SQLException {
        long v = r.getLong(col);
        return r.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
    }

    public static Optional<Long> optLong(ResultSet r, String col) throws SQLException {
        long v = r.getLong(col);
        return r.wasNull() ? Optional.empty() : Optional.of(v);
    }

    public static Optional<Integer> optInt(ResultSet r, String col) throws SQLException {
        int v = r.getInt(col);
        return r.wasNull() ? Optional.empty() : Optional.of(v);
    }

    // ---- tiles and webhooks ----

    public static final String DELIVERY_COLUMNS =
            "id, kind, target, tenant, session_id, event_seq, event_type, body, state, "
                    + "attempts, next_attempt_at, last_status, last_error, remote_id, event_at, updated_at, delivered_at, ready_at";

    /** The session column holding {@code consumer}'s cursor over checkpoint events. */
    public static String cursorColumn(dev.bosun.delivery.Consumer consumer) {
        return switch (consumer) {
            case TILES -> "tiles_seq";
            case WEBHOOKS -> "hooks_seq";
        };
    }

    /** The sessions {@code consumer} is behind on, oldest activity first: mapped by {@link #checkpointHead}. */
    public static String sessionsBehind(dev.bosun.delivery.Consumer consumer) {
        String cursor = cursorColumn(consumer);
        return "SELECT id, tenant, agent_id, name, scout_room, emit_tiles, " + cursor
                + ", checkpoint_seq FROM sessions " + "WHERE " + cursor
                + " < checkpoint_seq ORDER BY last_activity_at LIMIT ?";
    }

    /** A row of {@link #sessionsBehind}: the session's facts and cursor, its events still to be read. */
    public static dev.bosun.delivery.CheckpointBatch checkpointHead(ResultSet r) throws SQLException {
        return new dev.bosun.delivery.CheckpointBatch(
                r.getString(1),
                r.getString(2),
                r.getString(3),
                r.getString(4),
                Optional.ofNullable(r.getString(5)),
                optInt(r, "emit_tiles").map(v -> v != 0),
                r.getLong(7),
                r.getLong(8),
                java.util.List.of());
    }

    public static dev.bosun.delivery.Delivery delivery(ResultSet r) throws SQLException {
        return new dev.bosun.delivery.Delivery(
                r.getString("id"),
                dev.bosun.delivery.DeliveryKind.valueOf(r.getString("kind")),
                r.getString("target"),
                r.getString("tenant"),
                r.getString("session_id"),
                r.getLong("event_seq"),
                r.getString("event_type"),
                (ObjectNode) Json.parseTrusted(r.getString("body")),
                dev.bosun.delivery.DeliveryState.valueOf(r.getString("state")),
                r.getInt("attempts"),
                optInt(r, "last_status"),
                Optional.ofNullable(r.getString("last_error")),
                Optional.ofNullable(r.getString("remote_id")),
                optInstant(r, "next_attempt_at"),
                instant(r, "event_at"),
                instant(r, "updated_at"),
                optInstant(r, "delivered_at"),
                optInstant(r, "ready_at"));
    }

    public static dev.bosun.delivery.Webhook webhook(ResultSet r) throws SQLException {
        return new dev.bosun.delivery.Webhook(
                r.getString("id"),
                r.getString("tenant"),
                java.net.URI.create(r.getString("url")),
                strings(r.getString("events")),
                r.getString("secret"),
                instant(r, "created_at"));
    }
}
