package dev.bosun.store.sqlite;

import dev.bosun.store.jdbc.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** A JDBC connection with a cache of its prepared statements: the hot paths prepare nothing twice. */
final class Conn implements Sql, AutoCloseable {
    final Connection jdbc;
    private final Map<String, PreparedStatement> cache = new HashMap<>();

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
