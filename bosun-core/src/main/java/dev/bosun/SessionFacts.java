package dev.bosun;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What the manager remembers of sessions because it can never change: a session's tenant (fixed at
 * creation, ids never reused; D116) and that a session has ended (an end is final; D124). Both spare the
 * hot routes a store read of the session row. Each memory holds up to {@link #REMEMBERED} sessions and is
 * then forgotten all at once: no eviction bookkeeping on the hot path, and a refill costs what a miss costs.
 *
 * <p>Neither memory can be wrong, only incomplete: a tenant not remembered is read from the store, and an
 * end not (yet) remembered is found by the store's own check in the write's transaction.
 */
final class SessionFacts {
    /** How many sessions each memory holds: ~10 MiB of tenants at most. */
    static final int REMEMBERED = 65_536;

    private final Map<String, String> tenants = new ConcurrentHashMap<>();
    private final Set<String> ended = ConcurrentHashMap.newKeySet();

    /**
     * The session's tenant, from memory or {@code read} from the store; empty when the store has no such
     * session (absent ids are not remembered: they are what a prober sends).
     */
    Optional<String> tenant(String sessionId, Function<String, Optional<String>> read) {
        String known = tenants.get(sessionId);
        if (known != null) return Optional.of(known);
        Optional<String> stored = read.apply(sessionId);
        stored.ifPresent(t -> {
            if (tenants.size() >= REMEMBERED) tenants.clear();
            tenants.put(sessionId, t);
        });
        return stored;
    }

    /** Whether the session is known to have ended; false says only that no end was seen here. */
    boolean knownEnded(String sessionId) {
        return ended.contains(sessionId);
    }

    /** Remembers an end seen in the log or answered by the store. */
    void ended(String sessionId) {
        if (ended.size() >= REMEMBERED) ended.clear();
        ended.add(sessionId);
    }
}
