package dev.bosun.store.jdbc;

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
import dev.bosun.util.Page;
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
import java.util.stream.Collectors;

/**
 * The {@link DeliveryStore} of the SQL stores, written once over {@link Transactions} and a
 * {@link Dialect} (D106). With several nodes (PostgreSQL) a consumer's cursor moves by compare-and-set
 * in the session row (two nodes making the same batch: one wins, the other changes nothing), and a
 * lane's head is promoted under the dialect's lock on the lane, so two nodes settling and consuming at
 * once never give a lane two heads. Claiming is a select and an update here, right with one writer; a
 * store with several overrides {@link #claim} so that two nodes never claim the same delivery.
 */
public class JdbcDeliveries implements DeliveryStore {
    private static final String CHECKPOINT_TYPES =
            SystemEvents.CHECKPOINTS.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
    private static final String SELECT_BY_ID = "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ?";

    protected final Transactions tx;
    protected final Dialect dialect;

    public JdbcDeliveries(Transactions tx, Dialect dialect) {
        this.tx = tx;
        this.dialect = dialect;
    }

    // ---- consumers ----

    @Override
    public List<CheckpointBatch> checkpointsBehind(Consumer consumer, int maxSessions, int maxEvents) {
        return tx.read(c -> {
            var sessions = c.query(Rows.sessionsBehind(consumer), Rows::checkpointHead, maxSessions);
            var out = new ArrayList<CheckpointBatch>(sessions.size());
            for (CheckpointBatch s : sessions) {
                out.add(s.withEvents(
                        c.query(
                                "SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? "
                                        + "AND seq > ? AND seq <= ? AND (direction = 'SYSTEM' AND type IN ("
                                        + CHECKPOINT_TYPES
                                        + ") OR direction = 'OUT' AND type = '" + SystemEvents.ERROR
                                        + "') ORDER BY seq LIMIT ?",
                                Rows::event,
                                s.sessionId(),
                                s.cursor(),
                                s.lastSeq(),
                                maxEvents),
                        maxEvents));
            }
            return out;
        });
    }

    @Override
    public boolean consume(Consumer consumer, CheckpointBatch batch, List<NewDelivery> made, Instant at) {
        String cursor = Rows.cursorColumn(consumer);
        return tx.write((c, touched) -> {
            String move = "UPDATE sessions SET " + cursor + " = ? WHERE id = ? AND " + cursor + " = ?";
            if (c.update(move, batch.lastSeq(), batch.sessionId(), batch.cursor()) == 0) return false;
            var lanes = new LinkedHashSet<String>();
            for (NewDelivery d : made) {
                c.update(
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
    private void promote(Sql c, String target, String sessionId, Instant at) throws SQLException {
        dialect.lock(c, target, sessionId);
        // ready_at: where its maximum age starts (a head it was before keeps its own).
        c.update(
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
        var args = new ArrayList<Object>(List.of(kind.name(), now.toEpochMilli()));
        only.ifPresent(args::add);
        args.addAll(exclude);
        String where = "kind = ? AND state = 'PENDING' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
                + (only.isPresent() ? " AND target = ?" : "")
                + (exclude.isEmpty() ? "" : " AND target NOT IN (" + Sql.marks(exclude.size()) + ")");
        return tx.write((c, touched) -> claim(c, where, args, limit, owner, now, lease));
    }

    @Override
    public Optional<Delivery> recordAndClaimNext(DeliveryOutcome o, String owner, Instant now, Duration lease) {
        long t = now.toEpochMilli();
        return tx.write((c, touched) -> {
            Optional<String[]> lane = recordOne(c, o);
            if (lane.isEmpty()) return Optional.<Delivery>empty();
            // The promotion in recordOne holds the lane's lock: no other node claims its new head meanwhile.
            String where = "target = ? AND session_id = ? AND state = 'PENDING' AND next_attempt_at IS NOT NULL "
                    + "AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)";
            List<Object> args = List.of(lane.get()[0], lane.get()[1], t, t);
            return claim(c, where, args, 1, owner, now, lease).stream().findFirst();
        });
    }

    /**
     * Claims for {@code owner} at most {@code limit} pending deliveries that match {@code where}, earliest
     * due first: one more attempt each (they are about to be sent), due again when the lease ends. Here a
     * select, then an update of each, which is right with one writer; a store with several overrides it
     * so that two nodes never claim the same delivery.
     */
    protected List<Delivery> claim(
            Sql c, String where, List<Object> args, int limit, String owner, Instant now, Duration lease)
            throws SQLException {
        var bound = new ArrayList<Object>(args);
        bound.add(limit);
        List<Delivery> due = c.query(
                "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE " + where
                        + " ORDER BY next_attempt_at LIMIT ?",
                Rows::delivery,
                bound.toArray());
        long until = now.plus(lease).toEpochMilli();
        var out = new ArrayList<Delivery>(due.size());
        for (Delivery d : due) {
            c.update(
                    "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, "
                            + "claimed_by = ?, claimed_until = ?, updated_at = ? WHERE id = ?",
                    until,
                    owner,
                    until,
                    now.toEpochMilli(),
                    d.id());
            out.add(d.claimed(Instant.ofEpochMilli(until), now));
        }
        return out;
    }

    @Override
    public void record(List<DeliveryOutcome> outcomes) {
        if (outcomes.isEmpty()) return;
        tx.write((c, touched) -> {
            for (DeliveryOutcome o : outcomes) recordOne(c, o);
            return null;
        });
    }

    /** Records one outcome; returns its lane (target, session) when the lane moved on. */
    private Optional<String[]> recordOne(Sql c, DeliveryOutcome o) throws SQLException {
        long t = o.at().toEpochMilli();
        int n = switch (o) {
            // A delivered one's last_error holds its note, if it has one (why it counts as delivered).
            case DeliveryOutcome.Delivered d ->
                c.update(
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
                c.update(
                        "UPDATE deliveries SET last_status = ?, last_error = ?, "
                                + "next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'PENDING'",
                        r.status().orElse(null),
                        r.error(),
                        r.nextAttemptAt().toEpochMilli(),
                        t,
                        r.id());
        };
        if (n == 0 || o instanceof DeliveryOutcome.Retry) return Optional.empty();
        String[] lane = c.first(
                        "SELECT target, session_id FROM deliveries WHERE id = ?",
                        r -> new String[] {r.getString(1), r.getString(2)},
                        o.id())
                .orElseThrow();
        promote(c, lane[0], lane[1], o.at());
        return Optional.of(lane);
    }

    /** A final state other than delivered: the lane moves on, the reason stays. */
    private static int settle(Sql c, String id, DeliveryState state, Optional<Integer> status, String why, long t)
            throws SQLException {
        return c.update(
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
        return tx.write((c, touched) -> c.update(
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
        return tx.write((c, touched) -> c.update(
                "UPDATE deliveries SET next_attempt_at = CASE WHEN next_attempt_at IS NOT NULL "
                        + "THEN ? END, claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND state = 'PENDING'",
                now.toEpochMilli(),
                owner));
    }

    @Override
    public Optional<Instant> nextDue(DeliveryKind kind, Set<String> exclude) {
        var args = new ArrayList<Object>(List.of(kind.name()));
        args.addAll(exclude);
        String sql = "SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE kind = ? "
                + "AND state = 'PENDING' AND next_attempt_at IS NOT NULL"
                + (exclude.isEmpty() ? "" : " AND target NOT IN (" + Sql.marks(exclude.size()) + ")");
        return tx.read(c ->
                c.first(sql, r -> Rows.optInstant(r, "due"), args.toArray()).flatMap(d -> d));
    }

    // ---- reading ----

    @Override
    public Optional<Delivery> getDelivery(String id) {
        return tx.read(c -> c.first(SELECT_BY_ID, Rows::delivery, id));
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
        List<Delivery> rows = tx.read(c -> c.query(sql, Rows::delivery, args.toArray()));
        return Page.fromRows(rows, limit, Delivery::id);
    }

    @Override
    public Delivery retry(String id, Instant now) {
        return tx.write((c, touched) -> {
            Delivery d = c.first(SELECT_BY_ID + dialect.forUpdate(), Rows::delivery, id)
                    .orElseThrow(() -> BosunException.notFound(id.startsWith("tile_") ? "tile" : "delivery", id));
            if (d.state() != DeliveryState.DEAD && d.state() != DeliveryState.REJECTED) {
                throw BosunException.conflict(
                        "'" + id + "' is " + d.state().wire() + "; only dead or rejected deliveries "
                                + "can be retried",
                        Map.of("id", id, "state", d.state().wire()));
            }
            c.update(
                    "UPDATE deliveries SET state = 'PENDING', attempts = 0, next_attempt_at = NULL, ready_at = NULL, "
                            + "last_error = NULL, last_status = NULL, updated_at = ? WHERE id = ?",
                    now.toEpochMilli(),
                    id);
            promote(c, d.target(), d.sessionId(), now);
            return c.first(SELECT_BY_ID, Rows::delivery, id).orElseThrow();
        });
    }

    @Override
    public Map<DeliveryState, Long> countByState(DeliveryKind kind) {
        return tx.read(c -> {
            var out = new EnumMap<DeliveryState, Long>(DeliveryState.class);
            for (DeliveryState s : DeliveryState.values()) out.put(s, 0L);
            for (var row : c.query(
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
        return BacklogTally.fold(tx.read(c -> c.query(BacklogTally.SQL, BacklogTally.Row::of, tenant, kind.name())));
    }

    // ---- webhooks ----

    @Override
    public Webhook addWebhook(Webhook w, int maxPerTenant) {
        return tx.write((c, touched) -> {
            // The cap is per tenant: nodes adding at once take turns.
            dialect.lock(c, "bosun.webhooks", w.tenant());
            long n = c.first("SELECT COUNT(*) FROM webhooks WHERE tenant = ?", r -> r.getLong(1), w.tenant())
                    .orElse(0L);
            if (n >= maxPerTenant) {
                throw BosunException.limit(
                        "tenant already has its maximum of " + maxPerTenant + " webhooks",
                        Map.of("limit", maxPerTenant, "field", "max_webhooks"));
            }
            c.update(
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
        return tx.read(c -> c.query("SELECT * FROM webhooks WHERE tenant = ? ORDER BY id", Rows::webhook, tenant));
    }

    @Override
    public List<Webhook> allWebhooks() {
        return tx.read(c -> c.query("SELECT * FROM webhooks ORDER BY id", Rows::webhook));
    }

    @Override
    public Optional<Webhook> getWebhook(String tenant, String id) {
        return tx.read(c -> c.first("SELECT * FROM webhooks WHERE tenant = ? AND id = ?", Rows::webhook, tenant, id));
    }

    @Override
    public boolean deleteWebhook(String tenant, String id) {
        return tx.write((c, touched) -> {
            if (c.update("DELETE FROM webhooks WHERE tenant = ? AND id = ?", tenant, id) == 0) return false;
            c.update("DELETE FROM deliveries WHERE kind = 'WEBHOOK' AND target = ? AND state = 'PENDING'", id);
            return true;
        });
    }
}
