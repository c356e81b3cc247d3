package dev.bosun.store.sqlite;

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
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The SQLite {@link DeliveryStore}: shares the store's single writer and its readers. */
final class SqliteDeliveries implements DeliveryStore {
    private static final String CHECKPOINT_TYPES =
            SystemEvents.CHECKPOINTS.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));

    private final SqliteStore store;

    SqliteDeliveries(SqliteStore store) {
        this.store = store;
    }

    // ---- consumers ----

    @Override
    public List<CheckpointBatch> checkpointsBehind(Consumer consumer, int maxSessions, int maxEvents) {
        return store.read(c -> {
            var sessions = SqliteStore.query(
                    c, Rows.sessionsBehind(consumer), ps -> ps.setInt(1, maxSessions), Rows::checkpointHead);
            var out = new ArrayList<CheckpointBatch>(sessions.size());
            for (CheckpointBatch s : sessions) {
                out.add(s.withEvents(
                        SqliteStore.query(
                                c,
                                "SELECT " + Rows.EVENT_COLUMNS + " FROM events WHERE session_id = ? "
                                        + "AND seq > ? AND seq <= ? AND (direction = 'SYSTEM' AND type IN ("
                                        + CHECKPOINT_TYPES
                                        + ") OR direction = 'OUT' AND type = '" + SystemEvents.ERROR
                                        + "') ORDER BY seq LIMIT ?",
                                ps -> {
                                    ps.setString(1, s.sessionId());
                                    ps.setLong(2, s.cursor());
                                    ps.setLong(3, s.lastSeq());
                                    ps.setInt(4, maxEvents);
                                },
                                Rows::event),
                        maxEvents));
            }
            return out;
        });
    }

    @Override
    public boolean consume(Consumer consumer, CheckpointBatch batch, List<NewDelivery> made, Instant at) {
        String cursor = Rows.cursorColumn(consumer);
        return store.writes.submit((c, touched) -> {
            PreparedStatement move =
                    c.prepare("UPDATE sessions SET " + cursor + " = ? WHERE id = ? AND " + cursor + " = ?");
            move.setLong(1, batch.lastSeq());
            move.setString(2, batch.sessionId());
            move.setLong(3, batch.cursor());
            if (move.executeUpdate() == 0) return false;
            var lanes = new java.util.LinkedHashSet<String>();
            PreparedStatement ins =
                    c.prepare("INSERT INTO deliveries (id, kind, target, tenant, session_id, event_seq, "
                            + "event_type, body, state, event_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (target, session_id, event_seq) DO NOTHING");
            for (NewDelivery d : made) {
                ins.setString(1, d.id());
                ins.setString(2, d.kind().name());
                ins.setString(3, d.target());
                ins.setString(4, d.tenant());
                ins.setString(5, d.sessionId());
                ins.setLong(6, d.eventSeq());
                ins.setString(7, d.eventType());
                ins.setString(8, Json.write(d.body()));
                ins.setString(9, d.state().name());
                ins.setLong(10, d.eventAt().toEpochMilli());
                ins.setLong(11, at.toEpochMilli());
                ins.executeUpdate();
                if (d.state() == DeliveryState.PENDING) lanes.add(d.target());
            }
            for (String target : lanes) promote(c, target, batch.sessionId(), at);
            return true;
        });
    }

    /** Gives the lane a due head if it has pending deliveries and none of them is its head yet. */
    private static void promote(Conn c, String target, String sessionId, Instant at) throws SQLException {
        // ready_at: where its maximum age starts (a head it was before keeps its own).
        PreparedStatement ps =
                c.prepare("UPDATE deliveries SET next_attempt_at = ?, ready_at = COALESCE(ready_at, ?) WHERE id = ("
                        + "SELECT id FROM deliveries WHERE target = ? AND session_id = ? AND state = 'PENDING' ORDER BY event_seq LIMIT 1) "
                        + "AND NOT EXISTS (SELECT 1 FROM deliveries WHERE target = ? AND session_id = ? AND state = 'PENDING' "
                        + "AND next_attempt_at IS NOT NULL)");
        ps.setLong(1, at.toEpochMilli());
        ps.setLong(2, at.toEpochMilli());
        ps.setString(3, target);
        ps.setString(4, sessionId);
        ps.setString(5, target);
        ps.setString(6, sessionId);
        ps.executeUpdate();
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
        return store.writes.submit((c, touched) -> {
            long t = now.toEpochMilli();
            String sql = "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE kind = ? AND state = 'PENDING' "
                    + "AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
                    + (only.isPresent() ? " AND target = ?" : "")
                    + (exclude.isEmpty() ? "" : " AND target NOT IN (" + "?, ".repeat(exclude.size() - 1) + "?)")
                    + " ORDER BY next_attempt_at LIMIT ?";
            List<Delivery> due = SqliteStore.query(
                    c,
                    sql,
                    ps -> {
                        int i = 1;
                        ps.setString(i++, kind.name());
                        ps.setLong(i++, t);
                        if (only.isPresent()) ps.setString(i++, only.get());
                        for (String x : exclude) ps.setString(i++, x);
                        ps.setInt(i, limit);
                    },
                    Rows::delivery);
            var out = new ArrayList<Delivery>(due.size());
            for (Delivery d : due) out.add(claim(c, d, owner, now, lease));
            return out;
        });
    }

    /** Claims a due head for {@code owner}: one more attempt (it is about to be sent), due again after the lease. */
    private static Delivery claim(Conn c, Delivery d, String owner, Instant now, Duration lease) throws SQLException {
        long until = now.plus(lease).toEpochMilli();
        PreparedStatement claim = c.prepare("UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?, "
                + "claimed_by = ?, claimed_until = ?, updated_at = ? WHERE id = ?");
        claim.setLong(1, until);
        claim.setString(2, owner);
        claim.setLong(3, until);
        claim.setLong(4, now.toEpochMilli());
        claim.setString(5, d.id());
        claim.executeUpdate();
        return new Delivery(
                d.id(),
                d.kind(),
                d.target(),
                d.tenant(),
                d.sessionId(),
                d.eventSeq(),
                d.eventType(),
                d.body(),
                d.state(),
                d.attempts() + 1,
                d.lastStatus(),
                d.lastError(),
                d.remoteId(),
                Optional.of(Instant.ofEpochMilli(until)),
                d.eventAt(),
                now,
                d.deliveredAt(),
                d.readyAt());
    }

    @Override
    public Optional<Delivery> recordAndClaimNext(DeliveryOutcome o, String owner, Instant now, Duration lease) {
        return store.writes.submit((c, touched) -> {
            Optional<String[]> lane = recordOne(c, o);
            if (lane.isEmpty()) return Optional.<Delivery>empty();
            List<Delivery> next = SqliteStore.query(
                    c,
                    "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE target = ? "
                            + "AND session_id = ? AND state = 'PENDING' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ? "
                            + "AND (claimed_until IS NULL OR claimed_until <= ?)",
                    ps -> {
                        ps.setString(1, lane.get()[0]);
                        ps.setString(2, lane.get()[1]);
                        ps.setLong(3, now.toEpochMilli());
                        ps.setLong(4, now.toEpochMilli());
                    },
                    Rows::delivery);
            if (next.isEmpty()) return Optional.<Delivery>empty();
            return Optional.of(claim(c, next.get(0), owner, now, lease));
        });
    }

    @Override
    public void record(List<DeliveryOutcome> outcomes) {
        if (outcomes.isEmpty()) return;
        store.writes.submit((c, touched) -> {
            for (DeliveryOutcome o : outcomes) recordOne(c, o);
            return null;
        });
    }

    /** Records one outcome; returns its lane (target, session) when the lane moved on. */
    private static Optional<String[]> recordOne(Conn c, DeliveryOutcome o) throws SQLException {
        long t = o.at().toEpochMilli();
        PreparedStatement ps;
        switch (o) {
            case DeliveryOutcome.Delivered d -> {
                // A delivered one's last_error holds its note, if it has one (why it counts as delivered).
                ps = c.prepare("UPDATE deliveries SET state = 'DELIVERED', last_status = ?, last_error = ?, "
                        + "remote_id = ?, delivered_at = ?, next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL, "
                        + "updated_at = ? WHERE id = ? AND state = 'PENDING'");
                ps.setInt(1, d.status());
                ps.setString(2, d.note().orElse(null));
                ps.setString(3, d.remoteId().orElse(null));
                ps.setLong(4, t);
                ps.setLong(5, t);
                ps.setString(6, d.id());
            }
            case DeliveryOutcome.Rejected r ->
                ps = settle(c, r.id(), DeliveryState.REJECTED, Optional.of(r.status()), r.reason(), t);
            case DeliveryOutcome.Dead d -> ps = settle(c, d.id(), DeliveryState.DEAD, d.status(), d.error(), t);
            case DeliveryOutcome.Retry r -> {
                ps = c.prepare("UPDATE deliveries SET last_status = ?, last_error = ?, next_attempt_at = ?, "
                        + "claimed_by = NULL, claimed_until = NULL, updated_at = ? WHERE id = ? AND state = 'PENDING'");
                setStatus(ps, 1, r.status());
                ps.setString(2, r.error());
                ps.setLong(3, r.nextAttemptAt().toEpochMilli());
                ps.setLong(4, t);
                ps.setString(5, r.id());
            }
        }
        if (ps.executeUpdate() == 0 || o instanceof DeliveryOutcome.Retry) return Optional.empty();
        var lane = SqliteStore.query(
                c, "SELECT target, session_id FROM deliveries WHERE id = ?", q -> q.setString(1, o.id()), r ->
                        new String[] {r.getString(1), r.getString(2)});
        promote(c, lane.get(0)[0], lane.get(0)[1], o.at());
        return Optional.of(lane.get(0));
    }

    /** A final state other than delivered: the lane moves on, the reason stays. */
    private static PreparedStatement settle(
            Conn c, String id, DeliveryState state, Optional<Integer> status, String why, long t) throws SQLException {
        PreparedStatement ps = c.prepare("UPDATE deliveries SET state = ?, last_status = ?, last_error = ?, "
                + "next_attempt_at = NULL, claimed_by = NULL, claimed_until = NULL, updated_at = ? "
                + "WHERE id = ? AND state = 'PENDING'");
        ps.setString(1, state.name());
        setStatus(ps, 2, status);
        ps.setString(3, why);
        ps.setLong(4, t);
        ps.setString(5, id);
        return ps;
    }

    private static void setStatus(PreparedStatement ps, int i, Optional<Integer> status) throws SQLException {
        if (status.isPresent()) ps.setInt(i, status.get());
        else ps.setNull(i, java.sql.Types.INTEGER);
    }

    @Override
    public int wakeTarget(DeliveryKind kind, String target, Instant now) {
        return store.writes.submit((c, touched) -> {
            PreparedStatement ps = c.prepare(
                    "UPDATE deliveries SET next_attempt_at = ? WHERE kind = ? AND target = ? "
                            + "AND state = 'PENDING' AND next_attempt_at > ? AND (claimed_until IS NULL OR claimed_until <= ?)");
            long t = now.toEpochMilli();
            ps.setLong(1, t);
            ps.setString(2, kind.name());
            ps.setString(3, target);
            ps.setLong(4, t);
            ps.setLong(5, t);
            return ps.executeUpdate();
        });
    }

    @Override
    public int releaseClaims(String owner, Instant now) {
        return store.writes.submit((c, touched) -> {
            // A follower has no next_attempt_at and must not get one: a lane has one head.
            PreparedStatement ps = c.prepare(
                    "UPDATE deliveries SET next_attempt_at = CASE WHEN next_attempt_at IS NOT NULL "
                            + "THEN ? END, claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND state = 'PENDING'");
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, owner);
            return ps.executeUpdate();
        });
    }

    @Override
    public Optional<Instant> nextDue(DeliveryKind kind, Set<String> exclude) {
        return store.read(c -> SqliteStore.query(
                        c,
                        "SELECT MIN(next_attempt_at) AS due FROM deliveries WHERE kind = ? "
                                + "AND state = 'PENDING' AND next_attempt_at IS NOT NULL"
                                + (exclude.isEmpty()
                                        ? ""
                                        : " AND target NOT IN (" + "?, ".repeat(exclude.size() - 1) + "?)"),
                        ps -> {
                            int i = 1;
                            ps.setString(i++, kind.name());
                            for (String x : exclude) ps.setString(i++, x);
                        },
                        r -> Rows.optInstant(r, "due"))
                .get(0));
    }

    // ---- reading ----

    @Override
    public Optional<Delivery> getDelivery(String id) {
        return store.read(c -> SqliteStore.query(
                        c,
                        "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ?",
                        ps -> ps.setString(1, id),
                        Rows::delivery)
                .stream()
                .findFirst());
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
        String order = ascending ? " ORDER BY id" : " ORDER BY id DESC";
        String sql = "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries" + where + order + " LIMIT ?";
        List<Delivery> rows = store.read(c -> SqliteStore.query(
                c,
                sql,
                ps -> {
                    int i = 1;
                    for (Object a : args) ps.setString(i++, (String) a);
                    ps.setInt(i, limit + 1);
                },
                Rows::delivery));
        return Page.fromRows(rows, limit, Delivery::id);
    }

    @Override
    public Delivery retry(String id, Instant now) {
        return store.writes.submit((c, touched) -> {
            Delivery d = SqliteStore.query(
                            c,
                            "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ?",
                            ps -> ps.setString(1, id),
                            Rows::delivery)
                    .stream()
                    .findFirst()
                    .orElseThrow(() -> BosunException.notFound(id.startsWith("tile_") ? "tile" : "delivery", id));
            if (d.state() != DeliveryState.DEAD && d.state() != DeliveryState.REJECTED) {
                throw BosunException.conflict(
                        "'" + id + "' is " + d.state().wire() + "; only dead or rejected deliveries "
                                + "can be retried",
                        Map.of("id", id, "state", d.state().wire()));
            }
            PreparedStatement ps =
                    c.prepare("UPDATE deliveries SET state = 'PENDING', attempts = 0, next_attempt_at = NULL, "
                            + "ready_at = NULL, last_error = NULL, last_status = NULL, updated_at = ? WHERE id = ?");
            ps.setLong(1, now.toEpochMilli());
            ps.setString(2, id);
            ps.executeUpdate();
            promote(c, d.target(), d.sessionId(), now);
            return SqliteStore.query(
                            c,
                            "SELECT " + Rows.DELIVERY_COLUMNS + " FROM deliveries WHERE id = ?",
                            q -> q.setString(1, id),
                            Rows::delivery)
                    .get(0);
        });
    }

    @Override
    public Map<DeliveryState, Long> countByState(DeliveryKind kind) {
        return store.read(c -> {
            var out = new EnumMap<DeliveryState, Long>(DeliveryState.class);
            for (DeliveryState s : DeliveryState.values()) out.put(s, 0L);
            for (Object[] row : SqliteStore.query(
                    c,
                    "SELECT state, COUNT(*) FROM deliveries WHERE kind = ? GROUP BY state",
                    ps -> ps.setString(1, kind.name()),
                    r -> new Object[] {r.getString(1), r.getLong(2)})) {
                out.put(DeliveryState.valueOf((String) row[0]), (Long) row[1]);
            }
            return out;
        });
    }

    @Override
    public List<TargetBacklog> backlog(String tenant, DeliveryKind kind) {
        return BacklogTally.fold(store.read(c -> SqliteStore.query(
                c,
                BacklogTally.SQL,
                ps -> {
                    ps.setString(1, tenant);
                    ps.setString(2, kind.name());
                },
                BacklogTally.Row::of)));
    }

    // ---- webhooks ----

    @Override
    public Webhook addWebhook(Webhook w, int maxPerTenant) {
        return store.writes.submit((c, touched) -> {
            long n = SqliteStore.query(
                            c,
                            "SELECT COUNT(*) FROM webhooks WHERE tenant = ?",
                            ps -> ps.setString(1, w.tenant()),
                            r -> r.getLong(1))
                    .get(0);
            if (n >= maxPerTenant) {
                throw BosunException.limit(
                        "tenant already has its maximum of " + maxPerTenant + " webhooks",
                        Map.of("limit", maxPerTenant, "field", "max_webhooks"));
            }
            PreparedStatement ps = c.prepare(
                    "INSERT INTO webhooks (id, tenant, url, events, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)");
            ps.setString(1, w.id());
            ps.setString(2, w.tenant());
            ps.setString(3, w.url().toString());
            ps.setString(4, Rows.json(w.events()));
            ps.setString(5, w.secret());
            ps.setLong(6, w.createdAt().toEpochMilli());
            ps.executeUpdate();
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
        return store.read(c -> SqliteStore.query(
                c,
                "SELECT * FROM webhooks WHERE tenant = ? ORDER BY id",
                ps -> ps.setString(1, tenant),
                Rows::webhook));
    }

    @Override
    public List<Webhook> allWebhooks() {
        return store.read(c -> SqliteStore.query(c, "SELECT * FROM webhooks ORDER BY id", ps -> {}, Rows::webhook));
    }

    @Override
    public Optional<Webhook> getWebhook(String tenant, String id) {
        return store.read(c -> SqliteStore.query(
                        c,
                        "SELECT * FROM webhooks WHERE tenant = ? AND id = ?",
                        ps -> {
                            ps.setString(1, tenant);
                            ps.setString(2, id);
                        },
                        Rows::webhook)
                .stream()
                .findFirst());
    }

    @Override
    public boolean deleteWebhook(String tenant, String id) {
        return store.writes.submit((c, touched) -> {
            PreparedStatement ps = c.prepare("DELETE FROM webhooks WHERE tenant = ? AND id = ?");
            ps.setString(1, tenant);
            ps.setString(2, id);
            if (ps.executeUpdate() == 0) return false;
            PreparedStatement drop =
                    c.prepare("DELETE FROM deliveries WHERE kind = 'WEBHOOK' AND target = ? AND state = 'PENDING'");
            drop.setString(1, id);
            drop.executeUpdate();
            return true;
        });
    }
}
