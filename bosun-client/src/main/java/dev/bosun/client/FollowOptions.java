package dev.bosun.client;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How {@link BosunClient#follow(String, long, FollowOptions)} behaves when the server goes away.
 *
 * <p>By default a follower never gives up: a restart, a deploy or a network cut only delays it. It
 * reconnects with {@code Last-Event-ID} after a backoff that doubles up to the client's maximum
 * (or waits what the server's {@code Retry-After} or SSE {@code retry:} asks), and tells
 * {@link #onReconnect} before each wait, so a caller can say that it is reconnecting.
 *
 * <pre>{@code
 * FollowOptions opts = FollowOptions.defaults()
 *         .onReconnect(r -> System.err.println("reconnecting to " + r.sessionId() + " in " + r.delay()));
 * try (EventSubscription events = client.follow(sessionId, 0, opts)) { ... }
 * }</pre>
 *
 * @param maxReconnects how many reconnects in a row without an event may fail before the follower
 *                      gives up with the last error; {@code -1} (the default) for no limit
 * @param onReconnect   told about each reconnect before its wait; runs on the iterating thread
 */
public record FollowOptions(int maxReconnects, Consumer<Reconnecting> onReconnect) {
    private static final FollowOptions DEFAULTS = new FollowOptions(-1, r -> {});

    public FollowOptions {
        if (maxReconnects < -1)
            throw new IllegalArgumentException("maxReconnects must be -1 (no limit) or >= 0; got " + maxReconnects);
        Objects.requireNonNull(onReconnect, "onReconnect");
    }

    /** Reconnect without a limit, telling no one. */
    public static FollowOptions defaults() {
        return DEFAULTS;
    }

    /** The same options with at most {@code n} failed reconnects in a row ({@code -1}: no limit). */
    public FollowOptions maxReconnects(int n) {
        return new FollowOptions(n, onReconnect);
    }

    /** The same options, telling {@code listener} before each reconnect. */
    public FollowOptions onReconnect(Consumer<Reconnecting> listener) {
        return new FollowOptions(maxReconnects, listener);
    }

    boolean mayReconnect(int failuresInARow) {
        return maxReconnects < 0 || failuresInARow <= maxReconnects;
    }

    /**
     * One reconnect about to happen.
     *
     * @param sessionId the session followed
     * @param attempt   1 for the first reconnect after events last flowed, then 2, 3, …
     * @param lastSeq   the last seq delivered: the stream resumes after it
     * @param delay     how long the follower waits before it connects again
     * @param reason    what interrupted the stream, in words (no host paths, no keys)
     */
    public record Reconnecting(String sessionId, int attempt, long lastSeq, Duration delay, String reason) {}
}
