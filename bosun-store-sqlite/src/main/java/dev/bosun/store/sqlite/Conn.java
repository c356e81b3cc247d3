package dev.bosun.store.sqlite;

import dev.bosun.store.CommittedEvent;
import dev.bosun.store.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A JDBC connection with a cache of its prepared statements: the hot paths prepare nothing twice. */
final class Conn implements Sql, AutoCloseable {
    final Connection jdbc;
    private final Map<String, PreparedStatement> cache = new HashMap<>();
    /** The events the open transaction has written, in order; the writer hands them to commit listeners (D120). */
    private final List<CommittedEvent> appended = new ArrayList<>();

    Conn(Connection jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean cached() {
        return true;
    }

    @Override
    public Connection jdbc() {
        return jdbc;
    }

    @Override
    public PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = cache.get(sql);
        if (ps != null) {
            try {
                ps.clearParameters();
                return ps;
            } catch (SQLException closed) {
                // The driver finalized it (it does after some failed transactions): prepare it again.
                cache.remove(sql);
            }
        }
        ps = jdbc.prepareStatement(sql);
        cache.put(sql, ps);
        return ps;
    }

    /** Records an event the open transaction wrote (the only place events are inserted calls it). */
    void appended(CommittedEvent e) {
        appended.add(e);
    }

    /** How many events the open transaction has written so far: where a job's own events start. */
    int appendedMark() {
        return appended.size();
    }

    /** Forgets the events written since {@code mark}: their job was rolled back to its savepoint. */
    void dropAppendedFrom(int mark) {
        appended.subList(mark, appended.size()).clear();
    }

    /** The events of the transaction that just committed, and a clean slate for the next one. */
    List<CommittedEvent> takeAppended() {
        if (appended.isEmpty()) return List.of();
        var out = List.copyOf(appended);
        appended.clear();
        return out;
    }

    /** A new transaction begins: nothing of a rolled-back one is carried over. */
    void clearAppended() {
        appended.clear();
    }

    @Override
    public void close() {
        for (PreparedStatement ps : cache.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
            }
        }
        try {
            jdbc.close();
        } catch (SQLException ignored) {
        }
    }
}
