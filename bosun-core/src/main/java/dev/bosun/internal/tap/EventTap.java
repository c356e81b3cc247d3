package dev.bosun.internal.tap;

import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.EventListener;
import dev.bosun.event.SystemEvents;
import dev.bosun.store.CommitListener;
import dev.bosun.store.CommittedEvent;
import dev.bosun.store.SessionStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process consumer of the event log: after each commit it hands the session's new events to
 * listeners in seq order, gapless. A store that knows what a commit appended passes the committed rows
 * with its notice ({@link CommittedEvent}), and the tap hands those on without reading them back;
 * whenever it cannot be sure they are all that came after what it handed out last (a gap in the seqs,
 * a plain notice from another node or a store that does not collect them, too many events held) it reads
 * the log from its cursor, as the source of truth (D120). Notices of one session coalesce until the
 * dispatcher takes them. Sessions live when the tap starts are followed from their current end, so a
 * restart does not replay history to listeners.
 */
public final class EventTap implements CommitListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventTap.class);
    private static final int BATCH = 500;
    /** Committed events held for the dispatcher at most; past it notices fall back to reading the log. */
    static final int MAX_HELD = 65_536;

    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final SessionStore store;
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Long> cursors = new ConcurrentHashMap<>();
    /**
     * Sessions whose end was handed out, most recent last; touched by the dispatcher thread only. A commit's
     * notice can arrive after the dispatcher has already read past that commit and the end behind it (the
     * notice of the end itself, queued while the previous drain was reading): without this the session
     * would look new and its whole log would be handed out again. Bounded, since such a notice trails its
     * end by moments, and nothing is appended to an ended session.
     */
    private final Map<String, Boolean> ended = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 4096;
        }
    };

    /** What the notices since the dispatcher last took a session brought; one entry per session in {@link #dirty}. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private final Queue<String> dirty = new ConcurrentLinkedQueue<>();
    /**
     * Set by the dispatcher before it parks: a notice wakes it only then, so a commit of many sessions costs the
     * committing thread one wake-up at most, not one per session (a blocking queue signals on every offer to an
     * empty queue). The flag and the queue are both volatile: a notice queued after the dispatcher last looked
     * sees the flag, or the dispatcher sees the notice.
     */
    private volatile boolean idle;

    private final AtomicLong held = new AtomicLong();
    private final AtomicLong listenerFailures = new AtomicLong();
    private volatile Thread dispatcher;
    private volatile boolean closed;

    public EventTap(SessionStore store) {
        this.store = store;
    }

    /**
     * Follows the sessions live now from {@code liveSessionEnds} (their last seq) and starts handing
     * out events. A separate step, so the manager starts it after crash recovery (D97).
     */
    public synchronized void start(Map<String, Long> liveSessionEnds) {
        if (dispatcher != null) throw new IllegalStateException("the event tap is started once");
        cursors.putAll(liveSessionEnds);
        this.dispatcher =
                Thread.ofPlatform().name("bosun-event-tap").daemon(true).start(this::run);
    }

    public void addListener(EventListener l) {
        listeners.add(l);
    }

    /** How many times a listener has thrown. */
    public long listenerFailures() {
        return listenerFailures.get();
    }

    /**
     * The committed events of a session waiting for the dispatcher, or, once {@code read} is set, only that
     * its log must be read (the read covers any event held before). Changed only inside the map's {@code
     * compute}, and by the dispatcher only after it removed it from the map.
     */
    private static final class Pending {
        final List<CommittedEvent> events = new ArrayList<>();
        boolean read;
    }

    /** A plain notice: the log must be read to know what the commit added. */
    @Override
    public void committed(String sessionId) {
        if (listeners.isEmpty()) return; // nobody listens: keep the commit path free
        pending.compute(sessionId, (id, p) -> {
            p = queue(id, p);
            mustRead(p);
            return p;
        });
        wake();
    }

    /** A notice with what the commit appended: held for the dispatcher, no read unless it finds a gap. */
    @Override
    public void committed(String sessionId, List<CommittedEvent> appended) {
        if (listeners.isEmpty() || appended.isEmpty()) return; // the log did not grow: nothing to hand out
        pending.compute(sessionId, (id, p) -> {
            p = queue(id, p);
            if (p.read) return p; // the read to come covers these
            if (held.addAndGet(appended.size()) > MAX_HELD) {
                // The dispatcher is far behind: stop holding this session's events, its log has them.
                held.addAndGet(-appended.size());
                mustRead(p);
            } else {
                p.events.addAll(appended);
            }
            return p;
        });
        wake();
    }

    private Pending queue(String id, Pending p) {
        if (p != null) return p;
        dirty.add(id);
        return new Pending();
    }

    private void wake() {
        if (!idle) return;
        Thread d = dispatcher;
        if (d != null) LockSupport.unpark(d);
    }

    private void mustRead(Pending p) {
        held.addAndGet(-p.events.size());
        p.events.clear();
        p.read = true;
    }

    private void run() {
        while (!closed) {
            String id = dirty.poll();
            if (id == null) {
                idle = true;
                if (dirty.isEmpty() && !closed) LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                idle = false;
                continue;
            }
            // Taken before handing out: a commit from now on queues the session again.
            Pending p = pending.remove(id);
            if (p == null) continue;
            held.addAndGet(-p.events.size());
            try {
                drain(id, p);
            } catch (RuntimeException e) {
                log.warn("could not read new events of {}; retrying on its next commit", id, e);
            }
        }
    }

    private void drain(String id, Pending p) {
        if (ended.containsKey(id)) return; // nothing follows an end
        long cursor = cursors.getOrDefault(id, 0L);
        if (!p.read) {
            for (CommittedEvent c : p.events) {
                if (c.seq() <= cursor) continue; // handed out already, by a read that went past its notice
                if (c.seq() != cursor + 1) {
                    // A gap: commits this tap was not told of (before it started following, or a failed read).
                    cursors.put(id, cursor);
                    read(id, cursor);
                    return;
                }
                cursor = c.seq();
                if (handOut(id, c.toEvent())) return;
            }
            cursors.put(id, cursor);
            return;
        }
        read(id, cursor);
    }

    /** Hands out the log of {@code id} after {@code cursor}, up to its current end. */
    private void read(String id, long cursor) {
        while (true) {
            List<Event> events = store.readEvents(id, cursor, BATCH);
            for (Event e : events) {
                cursor = e.seq();
                if (handOut(id, e)) return;
            }
            cursors.put(id, cursor);
            if (events.size() < BATCH) return;
        }
    }

    /** Tells every listener of {@code e}; returns whether it ended the session (its cursor is then dropped). */
    private boolean handOut(String id, Event e) {
        for (EventListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                listenerFailures.incrementAndGet();
                log.warn("event listener {} failed on {}#{}", l, id, e.seq(), ex);
            }
        }
        if (e.direction() == Direction.SYSTEM && e.type().equals(SystemEvents.SESSION_ENDED)) {
            cursors.remove(id);
            ended.put(id, Boolean.TRUE);
            return true;
        }
        return false;
    }

    @Override
    public void close() {
        closed = true;
        Thread d = dispatcher;
        if (d != null) d.interrupt();
    }
}
