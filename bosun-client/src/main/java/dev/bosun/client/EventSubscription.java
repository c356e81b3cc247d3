package dev.bosun.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.wire.Direction;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.Event;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionStatus;
import dev.bosun.wire.WireJson;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A session's events as they happen, read from the server's event stream (SSE). Each event is
 * delivered exactly once and in seq order: when the connection drops, the subscription reconnects
 * with {@code Last-Event-ID} set to the last seq it delivered, after a backoff, and skips anything
 * it has already delivered.
 *
 * <p>{@link #hasNext()} blocks until the next event arrives. It returns false once the
 * {@code session_ended} event has been delivered and the server has closed the stream (or when
 * following an already ended session whose events are all delivered), and after {@link #close()}.
 * It throws {@link BosunClientException} when the server refuses the stream (for example NOT_FOUND), or
 * when it stays unreachable for more reconnects in a row than {@link FollowOptions#maxReconnects()}
 * allows: by default there is no limit, and a server restart only delays the next event.
 *
 * <pre>{@code
 * try (EventSubscription events = client.follow(sessionId, 0)) {
 *     while (events.hasNext()) {
 *         Event e = events.next();
 *         System.out.println(e.seq() + " " + e.eventType() + " " + e.payload());
 *     }
 * }
 * }</pre>
 *
 * <p>Iterate from one thread. {@link #close()} may be called from any thread and wakes a blocked
 * {@code hasNext()}, which then returns false.
 */
public final class EventSubscription implements Iterator<Event>, AutoCloseable {
    /** The system event that is a session's last (docs/API.md, "System events"). */
    private static final String SESSION_ENDED = "session_ended";

    private final BosunClient client;
    private final Transport transport;
    private final String sessionId;
    private final String path;
    private final Duration idleTimeout;
    private final ScheduledExecutorService watchdogs;
    private final FollowOptions options;
    private final CountDownLatch closedSignal = new CountDownLatch(1);

    private long cursor;
    private long delivered;
    private boolean connectedOnce;
    private Event pending;
    private boolean sawEnd;
    private boolean finished;
    private int connectFailures;
    private int dropsWithoutProgress;
    private int eventsOnConnection;

    private SseReader reader;
    // Written by the iterating thread, closed by close() or the watchdog from other threads.
    private volatile InputStream connection;
    private volatile ScheduledFuture<?> watchdog;
    private volatile boolean closed;

    EventSubscription(
            BosunClient client,
            Transport transport,
            String sessionId,
            long after,
            Duration idleTimeout,
            ScheduledExecutorService watchdogs,
            FollowOptions options) {
        this.client = client;
        this.transport = transport;
        this.sessionId = sessionId;
        this.path = "/v1/sessions/" + Transport.segment(sessionId) + "/events/stream";
        this.cursor = after;
        this.delivered = after;
        this.idleTimeout = idleTimeout;
        this.watchdogs = watchdogs;
        this.options = options;
    }

    /** The session being followed. */
    public String sessionId() {
        return sessionId;
    }

    /** The seq of the last event delivered by {@link #next()} (or the starting cursor). */
    public long lastSeq() {
        return delivered;
    }

    @Override
    public boolean hasNext() {
        if (pending != null) return true;
        while (!closed && !finished) {
            SseReader r = reader;
            if (r == null) {
                connect();
                continue;
            }
            Optional<SseReader.Message> m;
            try {
                m = r.next();
            } catch (IOException dropped) {
                m = Optional.empty();
            }
            if (m.isEmpty()) {
                disconnect();
                if (!closed) afterStreamEnded();
                continue;
            }
            Event e = decode(m.get());
            if (e == null || e.seq() <= cursor) continue;
            cursor = e.seq();
            pending = e;
            eventsOnConnection++;
            dropsWithoutProgress = 0;
            if (e.direction() == Direction.SYSTEM && SESSION_ENDED.equals(e.eventType())) sawEnd = true;
            return true;
        }
        disconnect();
        return false;
    }

    @Override
    public Event next() {
        if (!hasNext()) throw new NoSuchElementException("the event stream of session '" + sessionId + "' has ended");
        Event e = pending;
        pending = null;
        delivered = e.seq();
        return e;
    }

    /** Stops following: closes the connection and makes {@link #hasNext()} return false. Idempotent. */
    @Override
    public void close() {
        closed = true;
        closedSignal.countDown();
        // Only the connection is touched here; the reader belongs to the iterating thread, which wakes and stops.
        closeConnection();
        client.forget(this);
    }

    /** Connects once; after a failed attempt that may be retried, waits out the backoff and leaves {@link #reader} null. */
    private void connect() {
        URI uri;
        Map<String, String> headers;
        if (connectedOnce) {
            uri = transport.uri(path, Map.of());
            headers = Map.of("Last-Event-ID", Long.toString(cursor));
        } else {
            uri = transport.uri(path, Transport.query("after", cursor));
            headers = Map.of();
        }
        InputStream in;
        try {
            in = transport.openStream(uri, headers);
        } catch (Transport.AttemptFailed f) {
            connectFailures++;
            // Opening a stream changes nothing on the server, so it is retried as long as the failure says
            // "not available now" and the options allow: by default for as long as the server is away.
            Optional<Duration> delay = reconnectDelay(f.failure, connectFailures);
            if (delay.isEmpty()) {
                throw connectFailures == 1 ? f.error : Transport.afterAttempts(f.error, connectFailures);
            }
            reconnecting(connectFailures, delay.get(), f.error.getMessage());
            pause(delay.get());
            return;
        }
        connectedOnce = true;
        connectFailures = 0;
        eventsOnConnection = 0;
        ActivityStream activity = new ActivityStream(in);
        connection = activity;
        reader = new SseReader(new BufferedInputStream(activity));
        watchdog = watchdogs.scheduleAtFixedRate(
                () -> {
                    // No bytes, not even the keep-alive comments, for this long: the connection is dead without
                    // having been closed (a NAT dropped it, the host vanished). Closing wakes the blocked read.
                    if (System.nanoTime() - activity.lastActivityNanos > idleTimeout.toNanos()) closeQuietly(activity);
                },
                checkPeriod(),
                checkPeriod(),
                TimeUnit.MILLISECONDS);
        if (closed) disconnect();
    }

    private long checkPeriod() {
        return Math.max(20, idleTimeout.toMillis() / 4);
    }

    /** The connection ended before {@code session_ended}, or right after it. */
    private void afterStreamEnded() {
        if (sawEnd) {
            finished = true;
            return;
        }
        // A connection that closed without sending anything may mean the session ended at or before our
        // cursor (the server then sends nothing and closes); asking avoids reconnecting forever.
        if (eventsOnConnection == 0 && sessionEndedAtCursor()) {
            finished = true;
            return;
        }
        dropsWithoutProgress++;
        Duration delay = transport.retry.backoff(
                dropsWithoutProgress, ThreadLocalRandom.current().nextDouble());
        reconnecting(dropsWithoutProgress, delay, "the server closed the event stream");
        pause(delay);
    }

    /** The wait before reconnecting after {@code failure}, or empty when it cannot be cured by waiting. */
    private Optional<Duration> reconnectDelay(RetryPolicy.Failure failure, int failuresInARow) {
        if (!options.mayReconnect(failuresInARow)) return Optional.empty();
        boolean transientFailure = failure.transientUnavailable()
                || (failure.status() == 429 && failure.retryAfter().isPresent());
        if (!transientFailure) return Optional.empty();
        Duration backoff = transport.retry.backoff(
                failuresInARow, ThreadLocalRandom.current().nextDouble());
        // The server's own word on when to come back wins, within the client's cap on one wait.
        return Optional.of(failure.retryAfter()
                .map(d -> d.compareTo(transport.retry.maxRetryAfter()) <= 0 ? d : transport.retry.maxRetryAfter())
                .orElse(backoff));
    }

    private void reconnecting(int attempt, Duration delay, String reason) {
        options.onReconnect().accept(new FollowOptions.Reconnecting(sessionId, attempt, delivered, delay, reason));
    }

    private boolean sessionEndedAtCursor() {
        try {
            Session s = client.getSession(sessionId);
            return s.status() == SessionStatus.ENDED && s.lastSeq() <= cursor;
        } catch (BosunClientException e) {
            // Unreachable now: reconnecting will find out, and count against the retries.
            if (e.code() == ErrorCode.UNAVAILABLE) return false;
            throw e;
        }
    }

    private Event decode(SseReader.Message m) {
        // Only "message" carries events; other names are left for the server to add without breaking us.
        if (!"message".equals(m.event())) return null;
        JsonNode json;
        try {
            json = WireJson.readTree(m.data());
        } catch (Exception e) {
            throw new BosunClientException(
                    ErrorCode.INTERNAL,
                    "the server sent an event on the stream of session '" + sessionId + "' that is not JSON",
                    Map.of("session_id", sessionId));
        }
        return WireCodec.read(json, Event.class, "event");
    }

    private void pause(Duration d) {
        try {
            closedSignal.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BosunClientException(
                    ErrorCode.UNAVAILABLE,
                    "interrupted while following session '" + sessionId + "'",
                    Map.of("session_id", sessionId));
        }
    }

    /** Drops the current connection; called by the iterating thread only. */
    private void disconnect() {
        reader = null;
        closeConnection();
    }

    private void closeConnection() {
        ScheduledFuture<?> w = watchdog;
        if (w != null) w.cancel(false);
        InputStream c = connection;
        if (c != null) closeQuietly(c);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // Closing is how we give the connection up; there is nothing left to do if that fails.
        }
    }

    /** Remembers when bytes last arrived, for the idle watchdog. */
    private static final class ActivityStream extends FilterInputStream {
        volatile long lastActivityNanos = System.nanoTime();

        ActivityStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) lastActivityNanos = System.nanoTime();
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) lastActivityNanos = System.nanoTime();
            return n;
        }
    }
}
