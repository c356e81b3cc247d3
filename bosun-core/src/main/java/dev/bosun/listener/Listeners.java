package dev.bosun.listener;

import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.fleet.EmergenceAlert;
import dev.bosun.session.Session;
import dev.bosun.store.SessionStore;
import dev.bosun.task.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The library's callbacks: {@code onEvent} for every committed event, {@code onTaskComplete},
 * {@code onSessionEnd} and {@code onEmergenceAlert}. Each is called after the commit, in commit
 * order for its session, isolated (see {@link IsolatedListener}): a listener that throws or hangs is
 * logged, counted and timed out, and never breaks a session.
 *
 * <pre>{@code
 * try (Registration r = manager.listeners().onTaskComplete(t -> log.info("{} ended {}", t.id(), t.status()))) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Listeners are in-process and not durable: what happens while none is registered, or while the
 * process is down, is not replayed to them. For durable delivery use webhooks (server) or follow
 * the event log with a cursor ({@code poll}).
 */
public final class Listeners implements AutoCloseable {
    private final SessionStore store;
    private final Duration timeout;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final IsolatedListener.Counters counters = new IsolatedListener.Counters();
    private final List<IsolatedListener<Event>> events = new CopyOnWriteArrayList<>();
    private final List<IsolatedListener<Task>> tasks = new CopyOnWriteArrayList<>();
    private final List<IsolatedListener<Session>> ends = new CopyOnWriteArrayList<>();
    private final List<IsolatedListener<EmergenceAlert>> alerts = new CopyOnWriteArrayList<>();

    public Listeners(SessionStore store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    /** Every committed event of every session. */
    public Registration onEvent(Consumer<Event> listener) {
        return add("event", listener, events);
    }

    /** A task completed, however (success, failed, cancelled, timeout); the task as committed. */
    public Registration onTaskComplete(Consumer<Task> listener) {
        return add("task-complete", listener, tasks);
    }

    /** A session ended, however; the session as committed, with its outcome and patterns. */
    public Registration onSessionEnd(Consumer<Session> listener) {
        return add("session-end", listener, ends);
    }

    /** The fleet graph of a tenant crossed into emergence while routing. */
    public Registration onEmergenceAlert(Consumer<EmergenceAlert> listener) {
        return add("emergence-alert", listener, alerts);
    }

    public ListenerStats stats() {
        return counters.snapshot();
    }

    private <T> Registration add(String name, Consumer<T> fn, List<IsolatedListener<T>> into) {
        java.util.Objects.requireNonNull(fn, "listener");
        var holder = new IsolatedListener<?>[1];
        @SuppressWarnings("unchecked")
        IsolatedListener<T> l = new IsolatedListener<>(
                name, fn, timeout, calls, counters, () -> into.remove((IsolatedListener<T>) holder[0]));
        holder[0] = l;
        into.add(l);
        return l;
    }

    /** Called by the manager's log follower, after each commit, in order. Never blocks. */
    public void committed(Event e) {
        for (var l : events) l.offer(() -> e);
        if (e.direction() != Direction.SYSTEM) return;
        if (e.type().equals(SystemEvents.TASK_COMPLETED) && !tasks.isEmpty()) {
            String taskId = e.payload().path("task_id").asText();
            for (var l : tasks)
                l.offer(() -> store.getTask(e.sessionId(), taskId).orElse(null));
        } else if (e.type().equals(SystemEvents.SESSION_ENDED) && !ends.isEmpty()) {
            for (var l : ends) l.offer(() -> store.getSession(e.sessionId()).orElse(null));
        }
    }

    /** Called by the fleet when an alert is raised. */
    public void alerted(EmergenceAlert a) {
        for (var l : alerts) l.offer(() -> a);
    }

    @Override
    public void close() {
        for (var list : List.of(events, tasks, ends, alerts)) {
            for (var l : List.copyOf(list)) l.close();
        }
        calls.shutdownNow();
    }
}
