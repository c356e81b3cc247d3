package dev.bosun.log;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * Ids put in the logging MDC for the lines a block of work causes, and put back as they were when it
 * ends. Background threads (the reaper, the delivery relay, worker supervision) use it so that their
 * lines carry {@code session_id}, {@code worker_id} or {@code delivery_id} as fields, like a request's.
 *
 * <pre>{@code
 * try (var ctx = LogContext.of("session_id", id, "worker_id", ref.id())) {
 *     log.warn("removing worker {}", ref.id());
 * }
 * }</pre>
 */
public final class LogContext implements AutoCloseable {
    private final List<String[]> previous;

    private LogContext(List<String[]> previous) {
        this.previous = previous;
    }

    /** Puts each key-value pair (a null value is skipped) until {@link #close}. */
    public static LogContext of(String... keyValues) {
        if (keyValues.length % 2 != 0) throw new IllegalArgumentException("keys and values come in pairs");
        var previous = new ArrayList<String[]>(keyValues.length / 2);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) continue;
            previous.add(new String[] {keyValues[i], MDC.get(keyValues[i])});
            MDC.put(keyValues[i], keyValues[i + 1]);
        }
        return new LogContext(previous);
    }

    @Override
    public void close() {
        for (String[] p : previous.reversed()) {
            if (p[1] == null) MDC.remove(p[0]);
            else MDC.put(p[0], p[1]);
        }
    }
}
