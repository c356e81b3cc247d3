package dev.bosun.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cross-node wake-ups through LISTEN/NOTIFY, as a hint only: a node that hears that a session
 * changed re-reads the table, exactly as after a local commit, and a lost notification costs at
 * most the poll fallback (a waiting long-poll re-reads at least once a second).
 *
 * <p>Each node has one sender and one listener connection, outside the pool. Notifying is not part
 * of the writing transactions (a NOTIFY inside them would serialise every commit on PostgreSQL's
 * notification queue lock): after a commit, the sessions it touched are queued, and the sender
 * sends everything queued as one notification per round trip, so commits arriving while it sends
 * coalesce (the debounce) and one busy session is named once per round trip however many events it
 * gets. A payload is {@code <instance> <id>,<id>,...}; a node ignores its own.
 */
final class PgPeers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgPeers.class);
    /** PostgreSQL's payload limit is 8000 bytes; ids are ASCII. */
    static final int MAX_PAYLOAD = 7900;

    private static final long RECONNECT_MS = 500;

    /** Opens a connection outside the pool. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final Connector connector;
    private final String channel;
    private final String instance;
    private final Consumer<String> onPeerCommit;
    private final LinkedBlockingQueue<String> outbox = new LinkedBlockingQueue<>();
    private final Thread sender;
    private final Thread listener;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong heard = new AtomicLong();
    private volatile boolean closed;
    private volatile Connection listenConn;
    private volatile Connection sendConn;
    private final java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);

    PgPeers(Connector connector, String channel, String instance, Consumer<String> onPeerCommit) {
        this.connector = connector;
        this.channel = channel;
        this.instance = instance;
        this.onPeerCommit = onPeerCommit;
        this.sender = Thread.ofPlatform().name("bosun-pg-notify").daemon(true).start(this::sendLoop);
        this.listener = Thread.ofPlatform().name("bosun-pg-listen").daemon(true).start(this::listenLoop);
    }

    /** Waits (briefly) until the listener is subscribed, so that a node hears what commits after it opened. */
    boolean awaitListening(long millis) {
        try {
            return listening.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Queues the sessions a commit touched for the next notification. */
    void committed(Set<String> sessionIds) {
        if (!closed) outbox.addAll(sessionIds);
    }

    long notificationsSent() {
        return sent.get();
    }

    long notificationsHeard() {
        return heard.get();
    }

    private void sendLoop() {
        var batch = new ArrayList<String>();
        while (!closed) {
            try {
                String first = outbox.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                outbox.drainTo(batch);
                send(new LinkedHashSet<>(batch));
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                // A hint lost: waiting pollers re-read within the fallback period anyway.
                log.warn("could not notify other nodes ({}); reconnecting", e.toString());
                closeQuietly(sendConn);
                sendConn = null;
                sleepQuietly(RECONNECT_MS);
            } finally {
                batch.clear();
            }
        }
    }

    private void send(Set<String> ids) throws SQLException {
        Connection c = sendConn;
        if (c == null) {
            c = connector.connect();
            c.setAutoCommit(true);
            sendConn = c;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            for (String payload : payloads(instance, ids)) {
                ps.setString(1, channel);
                ps.setString(2, payload);
                ps.execute();
                sent.incrementAndGet();
            }
        }
    }

    /** Splits ids into payloads under the size limit, each starting with the sender's instance. */
    static List<String> payloads(String instance, Set<String> ids) {
        var out = new ArrayList<String>();
        var sb = new StringBuilder(instance).append(' ');
        int base = sb.length();
        for (String id : ids) {
            if (sb.length() > base && sb.length() + 1 + id.length() > MAX_PAYLOAD) {
                out.add(sb.toString());
                sb.setLength(base);
            }
            if (sb.length() > base) sb.append(',');
            sb.append(id);
        }
        if (sb.length() > base) out.add(sb.toString());
        return out;
    }

    private void listenLoop() {
        while (!closed) {
            try {
                Connection c = connector.connect();
                listenConn = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                }
                listening.countDown();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] got = pg.getNotifications(500);
                    if (got == null) continue;
                    for (PGNotification n : got) dispatch(n.getParameter());
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) return;
                log.warn(
                        "the listener connection failed ({}); reconnecting, pollers fall back to re-reading",
                        e.toString());
                sleepQuietly(RECONNECT_MS);
            } finally {
                closeQuietly(listenConn);
                listenConn = null;
            }
        }
    }

    private void dispatch(String payload) {
        int space = payload.indexOf(' ');
        if (space < 0 || payload.substring(0, space).equals(instance)) return;
        heard.incrementAndGet();
        for (String id : payload.substring(space + 1).split(",")) {
            if (id.isEmpty()) continue;
            try {
                onPeerCommit.accept(id);
            } catch (RuntimeException e) {
                log.warn("a peer commit listener failed on {}", id, e);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing a broken connection: nothing to keep
        }
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        closeQuietly(listenConn);
        try {
            sender.join(2_000);
            listener.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(sendConn);
    }
}
