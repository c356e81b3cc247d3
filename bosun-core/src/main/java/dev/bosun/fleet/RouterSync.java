package dev.bosun.fleet;

import dev.bosun.error.BosunException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a remote router's registry in step with Bosun's. The reference fleet-h1-router keeps its
 * registry in memory only: after a restart it has forgotten every agent Bosun registered (and never
 * heard of those registered while it was down), and routes by what it has left. So each check reads
 * the router's {@code GET /agents}, compares it with the agents of every tenant in Bosun's store (the
 * contract has no tenants), re-registers any agent it lacks or holds with other capabilities, and
 * reports what it found.
 *
 * <p>A check runs every {@code router_sync_interval} in the background, and before the next routing
 * decision whenever something suggests drift: Bosun has just started, a registration could not be
 * forwarded, or the router answered with an agent Bosun does not know, or with none. Drift is logged
 * once at WARN when it appears (and once at INFO when the registries agree again), counted, and shown
 * in {@link #status()}.
 */
public final class RouterSync implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RouterSync.class);

    /**
     * The last check.
     *
     * @param checkedAt  when it ran; empty before the first
     * @param reachable  whether the router answered it
     * @param missing    Bosun's agents the router did not have (re-registered)
     * @param mismatched Bosun's agents the router had with other capabilities (re-registered)
     * @param routerOnly agents the router has that no tenant of Bosun registered (decisions for them are refused)
     * @param resynced   agents re-registered so far, over all checks
     * @param error      why the check or a re-registration failed
     */
    public record Status(
            Optional<Instant> checkedAt,
            boolean reachable,
            List<String> missing,
            List<String> mismatched,
            List<String> routerOnly,
            long resynced,
            Optional<String> error) {
        /** Agents found out of step by the last check. */
        public int drift() {
            return missing.size() + mismatched.size();
        }
    }

    private final RemoteRouter router;
    private final FleetStore store;
    private final Clock clock;
    private final AtomicBoolean suspect = new AtomicBoolean(true); // Bosun just started: the router may lag behind
    private final AtomicLong resynced = new AtomicLong();
    private volatile Status status =
            new Status(Optional.empty(), false, List.of(), List.of(), List.of(), 0, Optional.empty());
    private boolean drifting;
    private Set<String> routerOnlyLogged = Set.of();
    private ScheduledExecutorService timer;

    public RouterSync(RemoteRouter router, FleetStore store, Clock clock) {
        this.router = router;
        this.store = store;
        this.clock = clock;
    }

    /** Checks every {@code interval} in the background until {@link #close()}. */
    public synchronized void start(Duration interval) {
        if (timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bosun-router-sync");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                () -> {
                    try {
                        check();
                    } catch (RuntimeException e) {
                        log.warn("checking the remote router's registry failed: {}", e.getMessage());
                    }
                },
                interval.toMillis(),
                interval.toMillis(),
                TimeUnit.MILLISECONDS); // the first decision checks before that
    }

    /** The last check's findings. */
    public Status status() {
        return status;
    }

    /** Something suggests the registries differ: the next decision checks first. */
    public void suspect() {
        suspect.set(true);
    }

    /** Forwards a registration; one that fails leaves the router to be brought in step by the next check. */
    public void registered(String tenant, String agentId, List<String> capabilities) {
        try {
            router.registerAgent(agentId, capabilities);
        } catch (BosunException e) {
            suspect();
            log.warn(
                    "agent {} of tenant {} is registered, but not yet with the remote router (it will be when the "
                            + "router answers): {}",
                    agentId,
                    tenant,
                    e.getMessage());
        }
    }

    /** Checks before a decision when drift is suspected; a router that cannot be checked is left to the decision. */
    void checkIfSuspect() {
        if (!suspect.get()) return;
        try {
            check();
        } catch (BosunException e) {
            log.debug("could not check the remote router's registry before routing: {}", e.getMessage());
        }
    }

    /**
     * Compares the router's registry with Bosun's and re-registers what the router lacks or holds
     * differently. UNAVAILABLE when the router cannot be read; a re-registration that fails is
     * recorded in the status and leaves drift suspected.
     */
    public synchronized Status check() {
        suspect.set(false);
        Map<String, Set<String>> ours = bosunAgents();
        Map<String, Set<String>> theirs = new LinkedHashMap<>();
        try {
            for (var a : router.agents()) theirs.put(a.agentId(), new HashSet<>(a.capabilities()));
        } catch (BosunException e) {
            suspect.set(true);
            status = new Status(
                    Optional.of(clock.instant()),
                    false,
                    status.missing(),
                    status.mismatched(),
                    status.routerOnly(),
                    resynced.get(),
                    Optional.of(e.getMessage()));
            throw e;
        }
        var missing = new ArrayList<String>();
        var mismatched = new ArrayList<String>();
        ours.forEach((id, caps) -> {
            Set<String> held = theirs.get(id);
            if (held == null) missing.add(id);
            else if (!held.equals(caps)) mismatched.add(id);
        });
        var routerOnly = new ArrayList<>(new TreeSet<>(theirs.keySet()));
        routerOnly.removeAll(ours.keySet());
        Optional<String> error = Optional.empty();
        for (String id : concat(missing, mismatched)) {
            try {
                router.registerAgent(id, List.copyOf(new TreeSet<>(ours.get(id))));
                resynced.incrementAndGet();
            } catch (BosunException e) {
                suspect.set(true);
                error = Optional.of(e.getMessage());
            }
        }
        report(missing, mismatched, routerOnly, error);
        status = new Status(
                Optional.of(clock.instant()),
                true,
                List.copyOf(missing),
                List.copyOf(mismatched),
                List.copyOf(routerOnly),
                resynced.get(),
                error);
        return status;
    }

    private void report(
            List<String> missing, List<String> mismatched, List<String> routerOnly, Optional<String> error) {
        boolean drift = !missing.isEmpty() || !mismatched.isEmpty();
        if (drift && !drifting) {
            log.warn(
                    "the remote router's registry had drifted from Bosun's (restarted?): it lacked {} and held {} with "
                            + "other capabilities; {}",
                    names(missing),
                    names(mismatched),
                    error.map(e -> "re-registering failed: " + e).orElse("re-registered them"));
        } else if (!drift && drifting) { // only after drift that could not be repaired
            log.info("the remote router's registry is in step with Bosun's again");
        }
        drifting = drift && error.isPresent(); // repaired drift is over; unrepaired drift is not warned about again
        if (!routerOnly.isEmpty() && !Set.copyOf(routerOnly).equals(routerOnlyLogged)) {
            log.warn(
                    "the remote router also has agents no tenant of Bosun registered ({}); decisions that choose them "
                            + "are refused or re-decided locally, as router_fallback says",
                    names(routerOnly));
        }
        routerOnlyLogged = Set.copyOf(routerOnly);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        var out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String names(List<String> ids) {
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }

    /**
     * Every tenant's agents, as the one registry the contract knows: an id registered by several
     * tenants counts with the capabilities of its latest registration.
     */
    private Map<String, Set<String>> bosunAgents() {
        var latest = new LinkedHashMap<String, Agent>();
        for (String tenant : store.fleetTenants()) {
            for (Agent a : store.listAgents(tenant)) {
                latest.merge(a.id(), a, (x, y) -> y.updatedAt().isAfter(x.updatedAt()) ? y : x);
            }
        }
        var out = new LinkedHashMap<String, Set<String>>();
        latest.forEach((id, a) -> out.put(id, new HashSet<>(a.capabilities())));
        return out;
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        timer = null;
    }
}
