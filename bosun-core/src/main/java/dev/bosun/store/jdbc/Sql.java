package dev.bosun.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A connection inside one transaction of a SQL store, with statements bound by position. The shared
 * statements of the stores are written against it; SQLite answers from its statement cache,
 * PostgreSQL prepares on its pooled connection ({@link #of}).
 */
public interface Sql {

    /** Maps the current row of a result. */
    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet r) throws SQLException;
    }

    /** A statement ready to run, its parameters bound; closed after use unless it is cached. */
    PreparedStatement prepare(String sql) throws SQLException;

    /** Whether {@link #prepare} hands out statements of a cache that must not be closed. */
    default boolean cached() {
        return false;
    }

    /** The JDBC connection, for what the shared statements cannot say (arrays, driver specifics). */
    Connection jdbc();

    default <T> List<T> query(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        PreparedStatement ps = prepare(sql);
        try {
            bind(ps, args);
            var out = new ArrayList<T>();
            try (ResultSet r = ps.executeQuery()) {
                while (r.next()) out.add(mapper.map(r));
            }
            return out;
        } finally {
            if (!cached()) ps.close();
        }
    }

    default <T> Optional<T> first(String sql, RowMapper<T> mapper, Object... args) throws SQLException {
        List<T> rows = query(sql, mapper, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    default int update(String sql, Object... args) throws SQLException {
        PreparedStatement ps = prepare(sql);
        try {
            bind(ps, args);
            return ps.executeUpdate();
        } finally {
            if (!cached()) ps.close();
        }
    }

    /** Binds {@code args} in order; a null is an SQL NULL. */
    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) ps.setNull(i + 1, Types.NULL);
            else ps.setObject(i + 1, a);
        }
    }

    /** {@code ?, ?, ?}: placeholders for {@code n} values of an {@code IN} list. */
    static String marks(int n) {
        return n == 0 ? "" : "?, ".repeat(n - 1) + "?";
    }

    /** A connection that prepares each statement anew and closes it after use. */
    static Sql of(Connection c) {
        return new Sql() {
            @Override
            public PreparedStatement prepare(String sql) throws SQLException {
                return c.prepareStatement(sql);
            }

            @Override
            public Connection jdbc() {
                return c;
            }
        };
    }
}
