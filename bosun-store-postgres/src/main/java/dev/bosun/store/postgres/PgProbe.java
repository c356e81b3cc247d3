package dev.bosun.store.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The circuit's look at the database, on a connection of its own rather than the pool's: a pool
 * busy under load must not look like an outage, and an outage must show within a second or two, not
 * after the pool's connection timeout. The connection is kept between probes and opened again,
 * with one-second timeouts, when it is gone.
 */
final class PgProbe implements PgCircuit.Probe, AutoCloseable {
    private final PgUrl url;
    private final Properties props;
    private final long generation;
    private Connection conn; // the probe thread's alone

    PgProbe(PgUrl url, String applicationName, long generation) {
        this.url = url;
        this.props = url.properties(applicationName);
        props.setProperty("connectTimeout", "1");
        props.setProperty("socketTimeout", "2");
        this.generation = generation;
    }

    @Override
    public void run(boolean write) throws SQLException {
        if (conn == null || !conn.isValid(1)) {
            close();
            conn = DriverManager.getConnection(url.jdbcUrl(), props);
        }
        try (Statement st = conn.createStatement()) {
            st.setQueryTimeout(1);
            // After a full disk only a write shows that writes commit: this node's own lease row, rewritten as it is.
            if (write)
                st.executeUpdate("UPDATE nodes SET heartbeat_at = heartbeat_at WHERE generation = " + generation);
            else st.execute("SELECT 1");
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (conn == null) return;
        try {
            conn.close();
        } catch (SQLException ignored) {
            // gone already
        }
        conn = null;
    }
}
