package dev.bosun.store.postgres;

import static dev.bosun.store.postgres.PostgresStore.first;
import static dev.bosun.store.postgres.PostgresStore.query;
import static dev.bosun.store.postgres.PostgresStore.update;

import dev.bosun.delivery.CheckpointBatch;
import dev.bosun.delivery.Consumer;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryFilter;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryOutcome;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.DeliveryStore;
import dev.bosun.delivery.NewDelivery;
import dev.bosun.delivery.TargetBacklog;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.BosunException;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import dev.bosun.store.jdbc.BacklogTally;
import dev.bosun.store.jdbc.Rows;
import dev.bosun.util.Page;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The PostgreSQL {@link DeliveryStore}, with SQLite's semantics and these for several nodes: a
 * consumer's cursor moves by compare-and-set in the session row (two nodes making the same batch:
 * one wins, the other changes nothing); a lane's head is promoted under a transaction-level advisory
 * lock on the lane, so two nodes settling and consuming at once never give a lane two heads; claims
 * take their rows with {@code FOR UPDATE SKIP LOCKED}, so two nodes never claim the same delivery.
 */
final class PgDeliveries implements DeliveryStore {
    private static final String[] CHECKPOINT_TYPES = SystemEvents.CHECKPOINTS.toArray(String[]::new);

    private final PostgresStore store;

    PgDeliveries(PostgresStore store) {
        this.store = store;
    }

    // ---- consumers ----

    @Override
    public List<CheckpointBatch> checkpointsBehind(Consumer consumer, int maxSessions, int maxEvents) {
        return store.read(c -> {
            var sessions = query(c, Rows.sessionsBehind(consumer), Rows::checkpointHead, maxSessions);
            var types = c.createArrayOf("text", CHECKPOINT_TYPES);
            var out = new ArrayList<CheckpointBatch>(sessions.size());
            for (CheckpointBatch s : sessions) {
                out.add(s.withEvents(
                        query(
                                c,
                                "SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? "
                                        + "AND seq > ? AND seq <= ? AND (direction = 'SYSTEM' AND type = ANY(?) OR direction = 'OUT' AND type = '"
                                        + SystemEvents.ERROR + "') ORDER BY seq LIMIT ?",
                                Rows::event,
                                s.sessionId(),
                                s.cursor(),
                                s.lastSeq(),
                                types,
                                maxEvents),
                        maxEvents));
            }
            return out;
        });
    }

    @Override
    public boolean consume(Consumer consumer, CheckpointBatch batch, List<NewDelivery> made, Instant at) {
        String cursor = Rows.cursorColumn(consumer);
        return store.write((c, touched) -> {
            if (update(
                            c,
                            "UPDATE sessions SET " + cursor + " = ? WHERE id = ? AND " + cursor + " = ?",
                            batch.lastSeq(),
                            batch.sessionId(),
                            batch.cursor())
                    == 0) {
                return false;
            }
            var lanes = new LinkedHashSet<String>();
            for (NewDelivery d : made) {
                update(
                        c,
                        "INSERT INTO deliveries (id, kind, target, tenant, session_id, event_seq, event_type, body, state, "
                                + "event_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                + "ON CONFLICT (target, session_id, event_seq) DO NOTHING",
                        d.id(),
                        d.kind().name(),
                        d.target(),
                        d.tenant(),
                        d.sessionId(),
                        d.eventSeq(),
                        d.eventType(),
                        Json.write(d.body()),
                        d.state().name(),
                        d.eventAt().toEpochMilli(),
                        at.toEpochMilli());
                if (d.state() == DeliveryState.PENDING) lanes.add(d.target());
            }
            for (String target : lanes) promote(c, target, batch.sessionId(), at);
            return true;
        });
    }

    /** Gives the lane a due head if it has pending deliveries and none of them is its head yet. */
    private static void promote(Connection c, String target, String sessionId, Instant at) throws SQLException {
        first(c, "SELECT pg_advisory_xact_lock(hashtext(?), hashtext(?))", r -> 1, target, sessionId);
        // ready_at: where its maximum age starts (a head it was before keeps its own).
        update(
                c,
                "UPDATE deliveries SET next_attempt_at = ?, ready_at = COALESCE(ready_at, ?) WHERE id = ("
                        + "SELECT id FROM deliveries WHERE target = ? AND session_id = ? AND state = 'PENDING' ORDER BY event_seq LIMIT 1) "
                        + "AND NOT EXISTS (SELECT 1 FROM deliveries WHERE target = ? AND session_id = ? AND state = 'PENDING' "
                        + "AND next_attempt_at IS NOT NULL)",
                at.toEpochMilli(),
                at.toEpochMilli(),
                target,
                sessionId,
                target,
                sessionId);
    }

    // ---- sending ----

    @Override
    public List<Delivery> claimDue(
            DeliveryKind kind,
            Optional<String> only,
            Set<String> exclude,
            String owner,
            Instant now,
            Duration lease,
            int limit) {
        return store.write((c, touched) -> {
            long t = now.toEpochMilli();
            long until = now.plus(lease).toEpochMilli();
            var args = new ArrayList<Object>(List.of(until, owner, until, t, kind.name(), t));
            only.ifPresent(args::add);
            if (!exclude.isEmpty()) args.add(c.createArrayOf("text", exclude.toArray()));
            args.add(limit);
            // SKIP LOCKED: a head another node is claiming right now is its, not ours to wait for.
            return query(
                    c,
                    "WITH due AS (SELECT id, next_attempt_at AS was FROM deliveries WHERE kind = ? AND state = 'PENDING' "
                            + "AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
                            + (only.isPresent() ? " AND target = ?" : "")
                            + (exclude.isEmpty() ? "" : " AND NOT (target = ANY(?))")
                            + " ORDER BY next_attempt_at LIMIT ? FOR UPDATE SKIP LOCKED), "
                            + "claimed AS (UPDATE deliveries d SET attempts = attempts + 1, next_attempt_at = ?, claimed_by = ?, "
                            + "claimed_until = ?, updated_at = ? FROM due WHERE d.id = due.id RETURNING d.*, due.was) "
                            + "SELECT " + Rows.DELIVERY_COLUMNS + " FROM claimed ORDER BY was, id",
                    Rows::delivery,
                    reorder(args));
        });
    }

    @Override
    public Optional<Delivery> recordAndClaimNext(DeliveryOutcome o, String owner, Instant now, Duration lease) {
        long t = now.toEpochMilli();
        long until = now.plus(lease).toEpochMilli();
        return store.write((c, touched) -> {
            Optional<String[]> lane = recordOne(c, o);
            if (lane.isEmpty()) return Optional.<Delivery>empty();
            // The promotion above holds the lane's lock: no other node claims its new head meanwhile.
            return first(
                    c,
                    "WITH next AS (SELECT id FROM deliveries WHERE target = ? AND session_id = ? AND state = 'PENDING' "
                            + "AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) "
                            + "FOR UPDATE SKIP LOCKED), "
                            + "claimed AS (UPDATE deliveries d SET attempts = attempts + 1, next_attempt_at = ?, claimed_by = ?, "
                            + "claimed_until = ?, updated_at = ? FROM next WHERE d.id = next.id RETURNING d.*) "
                            + "SELECT " + Rows.DELIVERY_COLUMNS + " FROM claimed",
                    Rows::delivery,
                    lane.get()[0],
                    lane.get()[1],
                    t,
                    t,
                    until,
                    owner,
                    until,
                    t);
        });
    }

    /** The CTE binds the due query's parameters first; the claim's (until, owner, until, now) come after. */
    private static Object[] reorder(List<Object> args) {
        var out = new ArrayList<Object>(args.subList(4, args.size()));
        out.addAll(args.subList(0, 4));
        return out.toArray();
    }

    @Override
    public void record(List<DeliveryOutcome> outcomes) {
        if (outcomes.isEmpty()) return;
        store.write((c, touched) -> {
            for (DeliveryOutcome o : outcomes) recordOne(c, o);
            return null;
        });
    }

    /** Records one outcome; returns its lane (target, session) when the lane moved on. */
    private static Optional<String[]> recordOne(Connection c, DeliveryOutcome o) throws SQLException {
        long t = o.at().toEpochMilli();
        int n = switch (o) {
            // A delivered one's last_error holds its note, if it has one (why it counts as delivered).
            case DeliveryOutcome.Delivered d ->
                update(
                        c,
                        "UPDATE deliveries SET state = 'DELIVERED', last_status = ?, "
                                + "last_error = ?, remote_id = ?, delivered_at = ?, next_attempt_at = NULL, claimed_by = NULL, "
                                + "claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'PENDING'",
                        d.status(),
                        d.note().orElse(null),
                        d.remoteId().orElse(null),
                        t,
                        t,
                        d.id());
            case DeliveryOutcome.Rejected r ->
                settle(c, r.id(), DeliveryState.REJECTED, Optional.of(r.status()), r.reason(), t);
            case DeliveryOutcome.Dead d -> settle(c, d.id(), DeliveryState.DEAD, d.status(), d.error(), t);
            case DeliveryOutcome.Retry r ->
                update(
                        c,
                        "UPDATE deliveries SET last_status = ?, last_error = ?, "
                                + "next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'PENDING'",
                        r.status().orElse(null),
                        r.error(),
                        r.nextAttemptAt().toEpochMilli(),
                        t,
                        r.id());
        };
        if (n == 0 || o instanceof DeliveryOutcome.Retry) return Optional.empty();
        String[] lane = first(
                        c,
                        "SELECT target, session_id FROM deliveries WHERE id = ?",
                        r -> new String[] {r.getString(1), r.getString(2)},
                        o.id())
                .orElseThrow();
        promote(c, lane[0], lane[1], o.at());
        return Optional.of(lane);
    }

    /** A final state other than delivered: the lane moves on, the reason stays. */
    private static int settle(
            Connection c, String id, DeliveryState state, Optional<Integer> status, String why, long t)
            throws SQLException {
        return update(
                c,
                "UPDATE deliveries SET state = ?, last_status = ?, last_error = ?, next_attempt_at = NULL, "
                        + "claimed_by = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'PENDING'",
                state.name(),
                status.orElse(null),
                why,
                t,
                id);
    }

    @Override
    public int wakeTarget(DeliveryKind kind, String target, Instant now) {
        long t = now.toEpochMilli();
        return store.write((c, touched) -> update(
                c,
                "UPDATE deliveries SET next_attempt_at = ? WHERE kind = ? AND target = ? "
                        + "AND state = 'PENDING' AND next_attempt_at > ? AND (claimed_until IS NULL OR claimed_until <= ?)",
                t,
                kind.name(),
                target,
                t,
                t));
    }

    @Override
    public int releaseClaims(String owner, Instant now) {
        // A follower has no next_attempt_at and must not get one: a lane has one head.
        return store.write((c, touched) -> update(
                c,
                "UPDATE deliveries SET next_attempt_at = CASE WHEN next_attempt_at IS NOT NULL "
                        + "THEN ? END, claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND state = 'PENDING'",
                now.toEpochMilli(),
                owner));
    }

    @Override
    public Optional<Instant> nextDue(DeliveryKind kind, Set<String> exclude) {
        return store.read(c -> first(
                        c,
                        "SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE kind = ? "
                                + "AND state = 'PENDING' AND next_attempt_at IS NOT NULL AND NOT (target = ANY(?))",
                        r -> Rows.optInstant(r, "due"),
                        kind.name(),
                        c.createArrayOf("text", exclude.toArray()))
                .flatMap(d -> d));
    }

    // ---- reading ----

    @Override
    public Optional<Delivery> getDelivery(String id) {
        return store.read(
                c -> first(c, "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ?", Rows::delivery, id));
    }

    @Override
    public Page<Delivery> listDeliveries(DeliveryFilter f, Optional<String> after, int limit) {
        var where = new StringBuilder(" WHERE tenant = ? AND kind = ?");
        var args = new ArrayList<Object>(List.of(f.tenant(), f.kind().name()));
        f.state().ifPresent(s -> {
            where.append(" AND state = ?");
            args.add(s.name());
        });
        f.sessionId().ifPresent(s -> {
            where.append(" AND session_id = ?");
            args.add(s);
        });
        f.target().ifPresent(s -> {
            where.append(" AND target = ?");
            args.add(s);
        });
        // Within a session, log order (ids are monotonic ULIDs made in seq order); across sessions, newest first.
        boolean ascending = f.sessionId().isPresent();
        after.ifPresent(a -> {
            where.append(ascending ? " AND id > ?" : " AND id < ?");
            args.add(a);
        });
        args.add(limit + 1);
        String sql = "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries" + where
                + (ascending ? " ORDER BY id" : " ORDER BY id DESC") + " LIMIT ?";
        List<Delivery> rows = store.read(c -> query(c, sql, Rows::delivery, args.toArray()));
        return Page.fromRows(rows, limit, Delivery::id);
    }

    @Override
    public Delivery retry(String id, Instant now) {
        return store.write((c, touched) -> {
            Delivery d = first(
                            c,
                            "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ? FOR UPDATE",
                            Rows::delivery,
                            id)
                    .orElseThrow(() -> BosunException.notFound(id.startsWith("tile_") ? "tile" : "delivery", id));
            if (d.state() != DeliveryState.DEAD && d.state() != DeliveryState.REJECTED) {
                throw BosunException.conflict(
                        "'" + id + "' is " + d.state().wire() + "; only dead or rejected deliveries "
                                + "can be retried",
                        Map.of("id", id, "state", d.state().wire()));
            }
            update(
                    c,
                    "UPDATE deliveries SET state = 'PENDING', attempts = 0, next_attempt_at = NULL, ready_at = NULL, "
                            + "last_error = NULL, last_status = NULL, updated_at = ? WHERE id = ?",
                    now.toEpochMilli(),
                    id);
            promote(c, d.target(), d.sessionId(), now);
            return first(c, "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ?", Rows::delivery, id)
                    .orElseThrow();
        });
    }

    @Override
    public Map<DeliveryState, Long> countByState(DeliveryKind kind) {
        return store.read(c -> {
            var out = new EnumMap<DeliveryState, Long>(DeliveryState.class);
            for (DeliveryState s : DeliveryState.values()) out.put(s, 0L);
            for (var row : query(
                    c,
                    "SELECT state, COUNT(*) FROM deliveries WHERE kind = ? GROUP BY state",
                    r -> Map.entry(r.getString(1), r.getLong(2)),
                    kind.name())) {
                out.put(DeliveryState.valueOf(row.getKey()), row.getValue());
            }
            return out;
        });
    }

    @Override
    public List<TargetBacklog> backlog(String tenant, DeliveryKind kind) {
        return BacklogTally.fold(
                store.read(c -> query(c, BacklogTally.SQL, BacklogTally.Row::of, tenant, kind.name())));
    }

    // ---- webhooks ----

    @Override
    public Webhook addWebhook(Webhook w, int maxPerTenant) {
        return store.write((c, touched) -> {
            // The cap is per tenant: nodes adding at once take turns.
            first(c, "SELECT pg_advisory_xact_lock(hashtext('bosun.webhooks'), hashtext(?))", r -> 1, w.tenant());
            long n = first(c, "SELECT COUNT(*) FROM webhooks WHERE tenant = ?", r -> r.getLong(1), w.tenant())
                    .orElse(0L);
            if (n >= maxPerTenant) {
                throw BosunException.limit(
                        "tenant already has its maximum of " + maxPerTenant + " webhooks",
                        Map.of("limit", maxPerTenant, "field", "max_webhooks"));
            }
            update(
                    c,
                    "INSERT INTO webhooks (id, tenant, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    w.id(),
                    w.tenant(),
                    w.url().toString(),
                    Rows.json(w.events()),
                    w.secret(),
                    w.createdAt().toEpochMilli());
            // As stored, to the millisecond: the answer to its creation must match every later read of it.
            return new Webhook(
                    w.id(),
                    w.tenant(),
                    w.url(),
                    w.events(),
                    w.secret(),
                    Instant.ofEpochMilli(w.createdAt().toEpochMilli()));
        });
    }

    @Override
    public List<Webhook> listWebhooks(String tenant) {
        return store.read(c -> query(c, "SELECT * FROM webhooks WHERE tenant = ? ORDER BY id", Rows::webhook, tenant));
    }

    @Override
    public List<Webhook> allWebhooks() {
        return store.read(c -> query(c, "SELECT * FROM webhooks ORDER BY id", Rows::webhook));
    }

    @Override
    public Optional<Webhook> getWebhook(String tenant, String id) {
        return store.read(
                c -> first(c, "SELECT * FROM webhooks WHERE tenant = ? AND id = ?", Rows::webhook, tenant, id));
    }

    @Override
    public boolean deleteWebhook(String tenant, String id) {
        return store.write((c, touched) -> {
            if (update(c, "DELETE FROM webhooks WHERE tenant = ? AND id = ?", tenant, id) == 0) return false;
            update(c, "DELETE FROM deliveries WHERE kind = 'WEBHOOK' AND target = ? AND state = 'PENDING'", id);
            return true;
        });
    }
}
