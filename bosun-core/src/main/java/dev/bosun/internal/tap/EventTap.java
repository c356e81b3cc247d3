package dev.bosun.internal.tap;

import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.EventListener;
import dev.bosun.event.SystemEvents;
import dev.bosun.store.CommitListener;
import dev.bosun.store.SessionStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process consumer of the event log: after each commit it reads the session's new events
 * from the store (the log, not the caller, is the source of truth) and hands them to listeners in
 * seq order. Commits to one session coalesce into one read. Sessions live when the tap starts are
 * followed from their current end, so a restart does not replay history to listeners.
 */
public final class EventTap implements CommitListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventTap.class);
    private static final int BATCH = 500;

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

    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final LinkedBlockingQueue<String> dirty = new LinkedBlockingQueue<>();
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

    @Override
    public void committed(String sessionId) {
        if (listeners.isEmpty()) return; // nobody listens: keep the commit path free
        if (queued.add(sessionId)) dirty.add(sessionId);
    }

    private void run() {
        while (!closed) {
            String id;
            try {
                id = dirty.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (id == null) continue;
            queued.remove(id); // before reading: a commit from now on queues it again
            try {
                drain(id);
            } catch (RuntimeException e) {
                log.warn("could not read new events of {}; retrying on its next commit", id, e);
            }
        }
    }

    private void drain(String id) {
        if (ended.containsKey(id)) return; // nothing follows an end
        long cursor = cursors.getOrDefault(id, 0L);
        while (true) {
            List<Event> events = store.readEvents(id, cursor, BATCH);
            for (Event e : events) {
                for (EventListener l : listeners) {
                    try {
                        l.onEvent(e);
                    } catch (RuntimeException ex) {
                        listenerFailures.incrementAndGet();
                        log.warn("event listener {} failed on {}#{}", l, id, e.seq(), ex);
                    }
                }
                cursor = e.seq();
                if (e.direction() == Direction.SYSTEM && e.type().equals(SystemEvents.SESSION_ENDED)) {
                    cursors.remove(id);
                    ended.put(id, Boolean.TRUE);
                    return;
                }
            }
            cursors.put(id, cursor);
            if (events.size() < BATCH) return;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread d = dispatcher;
        if (d != null) d.interrupt();
    }
}
