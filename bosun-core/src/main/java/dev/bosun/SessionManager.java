package dev.bosun;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.Profile;
import dev.bosun.delivery.Backoff;
import dev.bosun.delivery.CheckpointMaker;
import dev.bosun.delivery.DeliveryRelay;
import dev.bosun.delivery.HostResolver;
import dev.bosun.delivery.PinnedPost;
import dev.bosun.delivery.Sender;
import dev.bosun.delivery.WebhookFanout;
import dev.bosun.delivery.WebhookSender;
import dev.bosun.delivery.WebhookTargets;
import dev.bosun.delivery.Webhooks;
import dev.bosun.disk.DiskFloor;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.EventListener;
import dev.bosun.event.PollResult;
import dev.bosun.event.SystemEvents;
import dev.bosun.fleet.EmergenceAlert;
import dev.bosun.fleet.Fleet;
import dev.bosun.fleet.HttpRemoteRouter;
import dev.bosun.fleet.RemoteRouter;
import dev.bosun.fleet.RouterSync;
import dev.bosun.id.Ids;
import dev.bosun.internal.lifecycle.Lifecycle;
import dev.bosun.internal.reaper.Reaper;
import dev.bosun.internal.tap.EventNotifier;
import dev.bosun.internal.tap.EventTap;
import dev.bosun.internal.worker.Workers;
import dev.bosun.listener.Listeners;
import dev.bosun.reaper.Sweeper;
import dev.bosun.sandbox.ProcessSandbox;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.SandboxPolicy;
import dev.bosun.sandbox.SandboxRequest;
import dev.bosun.session.EndReason;
import dev.bosun.session.LogStream;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStats;
import dev.bosun.session.SessionStatus;
import dev.bosun.session.end.SessionEnds;
import dev.bosun.store.EndCause;
import dev.bosun.store.EndResult;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.NewTask;
import dev.bosun.store.Store;
import dev.bosun.store.TaskCompletion;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import dev.bosun.tile.PlatoCompatibility;
import dev.bosun.tile.PlatoSender;
import dev.bosun.tile.TileMaker;
import dev.bosun.tile.Tiles;
import dev.bosun.util.Page;
import dev.bosun.util.Validation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The entry point of the library: starts, feeds, reads and ends sessions, durably. Every change goes
 * through the {@link Store} first (the event log is the single source of truth); workers, pollers
 * and the reaper act on what has been committed.
 *
 * <pre>{@code
 * BosunConfig config = ConfigLoader.load(Optional.empty(), System.getenv());
 * try (Store store = SqliteStore.open(config.dataDir());
 *      SessionManager manager = SessionManager.builder(config).store(store).build()) {
 *     Session s = manager.startSession(SessionConfig.builder("research", "oracle1").tags("h1").build());
 *     Task t = manager.addTask(s.id(), TaskSpec.builder("analyze-h1-data").build());
 *     manager.completeTask(s.id(), t.id(), Completion.of(TaskOutcome.SUCCESS).withDurationMs(2340));
 *     manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
 * }
 * }</pre>
 *
 * <p>All methods are thread-safe and blocking; call them from virtual threads for high concurrency.
 * Failures are {@link BosunException}s with a stable {@link ErrorCode}.
 */
public final class SessionManager implements AutoCloseable {
    /** Smallest idle timeout a session may ask for. */
    public static final Duration MIN_IDLE = Duration.ofSeconds(30);
    /** Largest idle timeout a session may ask for. */
    public static final Duration MAX_IDLE = Duration.ofHours(24);
    /** Smallest time to live a session may ask for. */
    public static final Duration MIN_TTL = Duration.ofSeconds(60);
    /** Smallest per-task timeout. */
    public static final Duration MIN_TASK_TIMEOUT = Duration.ofSeconds(1);

    private final BosunConfig config;
    private final Store store;
    private final Clock clock;
    private final Ids ids;
    private final EventNotifier notifier = new EventNotifier();
    private final SessionEnds ends;
    private final Workers workers;
    private final Reaper reaper;
    private final EventTap tap;
    private final Fleet fleet;
    private final Optional<HttpRemoteRouter> remoteRouter;
    private final Listeners listeners;
    private final DeliveryRelay relay;
    private final Tiles tiles;
    private final Webhooks webhooks;
    private final DiskFloor disk;
    private final WebhookTargets webhookTargets;
    private final Lifecycle lifecycle;

    private SessionManager(Builder b) {
        // Construct only: no thread runs and nothing is registered with the store until start().
        this.config = b.config;
        this.store = Objects.requireNonNull(b.store, "store");
        this.clock = b.clock;
        this.ids = new Ids(clock);
        this.disk = DiskFloor.of(config.dataDir(), config.store().minFreeDisk());
        var sandboxes = new HashMap<String, Sandbox>();
        sandboxes.put("process", new ProcessSandbox());
        b.sandboxes.forEach(s -> sandboxes.put(s.runtime(), s));
        var r = config.routing();
        this.remoteRouter = r.remoteUrl().map(url -> new HttpRemoteRouter(url, r.remoteTimeout()));
        this.fleet = new Fleet(
                store,
                clock,
                new Fleet.Settings(r.emergenceOffset(), r.minConfidence(), r.window()),
                remoteRouter.map(RemoteRouter.class::cast),
                r.fallbackLocal());
        this.ends = new SessionEnds(
                store, clock, config.patterns(), config.routing().enabled() ? Optional.of(fleet) : Optional.empty());
        this.workers = new Workers(config, store, clock, sandboxes, ends);
        this.reaper = new Reaper(store, ends, clock, config, workers);
        this.tap = new EventTap(store);
        this.listeners = new Listeners(store, config.delivery().listenerTimeout());
        this.webhookTargets =
                new WebhookTargets(b.webhookResolver, config.delivery().webhookPrivateTargets());
        this.relay = relay(b.relayRandom);
        this.tiles = new Tiles(store.deliveries(), clock, relay);
        this.webhooks = new Webhooks(store.deliveries(), clock, ids, config.delivery(), webhookTargets, relay);
        this.lifecycle = lifecycle(b.autoReap, b.autoDeliver);
        lifecycle.start();
    }

    /**
     * The order the components start in; they stop in the reverse order (D97). Recovery runs once every
     * component exists; the tap follows the log from where recovery left it, so a restart replays no
     * history to listeners; the background loops start last and stop first.
     */
    private Lifecycle lifecycle(boolean autoReap, boolean autoDeliver) {
        Runnable none = () -> {};
        return new Lifecycle()
                .add("remote router", none, () -> remoteRouter.ifPresent(HttpRemoteRouter::close))
                .add("long-poll notifier", () -> store.addCommitListener(notifier), none)
                // a failover on this store ends sessions as this manager does
                .add("takeover ends", () -> store.takeoverEnds(ends), none)
                .add("crash recovery", workers::recover, none)
                .add("listeners", () -> fleet.onEmergenceAlert(listeners::alerted), listeners::close)
                .add("event tap", this::startTap, tap::close)
                // a send through another node reaches our worker
                .add("peer commits", () -> store.addPeerCommitListener(workers::peerCommitted), none)
                .add("workers", workers::startBackground, workers::close)
                .add(
                        "reaper",
                        () -> {
                            if (autoReap) reaper.start();
                        },
                        reaper::close)
                .add(
                        "router sync",
                        () -> {
                            if (autoReap)
                                fleet.remoteSync()
                                        .ifPresent(sync ->
                                                sync.start(config.routing().remoteSyncInterval()));
                        },
                        () -> fleet.remoteSync().ifPresent(RouterSync::close))
                .add(
                        "delivery relay",
                        () -> {
                            if (autoDeliver) relay.start();
                        },
                        relay::close);
    }

    private void startTap() {
        var ends = new HashMap<String, Long>();
        for (Session s : active()) ends.put(s.id(), s.lastSeq());
        if (config.routing().enabled()) tap.addListener(this::followLoads);
        tap.addListener(listeners::committed);
        tap.addListener(e -> {
            if (SystemEvents.isCheckpoint(e.direction(), e.type())) relay.wake();
        });
        tap.start(ends);
        store.addCommitListener(tap);
    }

    /** The components in start order (they stop in reverse): for tests and docs/ARCHITECTURE.md. */
    List<String> components() {
        return lifecycle.names();
    }

    private DeliveryRelay relay(RandomGenerator random) {
        var ds = store.deliveries();
        var d = config.delivery();
        var senders = new ArrayList<Sender>();
        config.tiles().platoUrl().ifPresent(url -> senders.add(new PlatoSender(url, config.tiles(), d.timeout())));
        PlatoCompatibility.warnAtStart(config.tiles());
        senders.add(new WebhookSender(
                x -> ds.getWebhook(x.tenant(), x.target()), clock, d.timeout(), webhookTargets, new PinnedPost()));
        var makers = List.<CheckpointMaker>of(
                new TileMaker(config.tiles(), config.routing().enabled(), ids),
                new WebhookFanout(ds::allWebhooks, ids));
        return new DeliveryRelay(
                ds, clock, config.nodeId(), d, makers, senders, new Backoff(d.backoffMin(), d.backoffMax(), random));
    }

    /** Library callbacks (onEvent, onTaskComplete, onSessionEnd, onEmergenceAlert), isolated and timed out. */
    public Listeners listeners() {
        return listeners;
    }

    /** The relay of tiles and webhooks; tests built with {@code autoDeliver(false)} drive it with {@code step()}. */
    public DeliveryRelay relay() {
        return relay;
    }

    /** The tiles made of sessions' checkpoints, with their delivery state. */
    public Tiles tiles() {
        return tiles;
    }

    /** Tenants' webhook subscriptions and their deliveries. */
    public Webhooks webhooks() {
        return webhooks;
    }

    /** The fleet: agent registry, graph, and routing decisions (made by the remote router when one is configured). */
    public Fleet fleet() {
        return fleet;
    }

    /** Keeps the fleet's per-agent load in step with tasks ending, however they end. */
    private void followLoads(Event e) {
        if (e.direction() != Direction.SYSTEM) return;
        if (e.type().equals(SystemEvents.TASK_COMPLETED) && e.payload().has("assigned_agent")) {
            facts.tenant(e.sessionId(), store::sessionTenant)
                    .ifPresent(t ->
                            fleet.taskEnded(t, e.payload().get("assigned_agent").asText()));
        } else if (e.type().equals(SystemEvents.SESSION_ENDED)) {
            facts.ended(e.sessionId()); // routed adds refuse it without a read (D124)
            if (e.payload().at("/tasks/cancelled").asInt() > 0) {
                // its cancelled tasks freed their agents
                facts.tenant(e.sessionId(), store::sessionTenant).ifPresent(fleet::invalidate);
            }
        }
    }

    /**
     * Adds a listener told about every committed event, after its commit, in seq order per session:
     * the hook for metrics, callbacks and relays that follow the log.
     */
    public void addListener(EventListener listener) {
        tap.addListener(listener);
    }

    public static Builder builder(BosunConfig config) {
        return new Builder(config);
    }

    /** Builder for {@link SessionManager}. */
    public static final class Builder {
        private final BosunConfig config;
        private Store store;
        private Clock clock = Clock.systemUTC();
        private final List<Sandbox> sandboxes = new ArrayList<>();
        private boolean autoReap = true;
        private boolean autoDeliver = true;
        private RandomGenerator relayRandom = new Random();
        private HostResolver webhookResolver = HostResolver.SYSTEM;

        private Builder(BosunConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder store(Store store) {
            this.store = store;
            return this;
        }

        /** The time source for every deadline; inject a {@link dev.bosun.time.ManualClock} in tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Adds a worker runtime beyond the built-in {@code process} one (or replaces it). */
        public Builder sandbox(Sandbox sandbox) {
            this.sandboxes.add(sandbox);
            return this;
        }

        /** Whether the reaper runs on its own thread (default); tests turn it off and call {@code reaper().sweep()}. */
        public Builder autoReap(boolean on) {
            this.autoReap = on;
            return this;
        }

        /** Whether the tile and webhook relay runs on its own thread (default); tests turn it off and call {@code relay().step()}. */
        public Builder autoDeliver(boolean on) {
            this.autoDeliver = on;
            return this;
        }

        /** The jitter source of delivery backoff; tests pass a seeded one. */
        public Builder relayRandom(RandomGenerator random) {
            this.relayRandom = Objects.requireNonNull(random);
            return this;
        }

        /** How webhook hosts are resolved, at creation and before each delivery; tests inject a rebinding one. */
        public Builder webhookResolver(HostResolver resolver) {
            this.webhookResolver = Objects.requireNonNull(resolver);
            return this;
        }

        public SessionManager build() {
            return new SessionManager(this);
        }
    }

    public BosunConfig config() {
        return config;
    }

    public Sweeper reaper() {
        return reaper;
    }

    /** The {@code bosun.node} label this manager puts on its workers (node id plus a digest of the data dir). */
    public String workerNode() {
        return workers.workerNode();
    }

    public Store store() {
        return store;
    }

    /**
     * Whether session {@code sessionId} exists and belongs to {@code tenant}: the ownership check in
     * front of every API route that acts on a session by id. A session's tenant never changes and ids
     * are never reused, so a tenant once read is remembered ({@link SessionFacts}): the check is a map
     * lookup, not a store read per request (D116). A session purged after its retention may still pass
     * this check from memory; whatever the route then does by id finds no session and answers
     * NOT_FOUND, as it would have here.
     */
    public boolean ownedBy(String sessionId, String tenant) {
        if (!Ids.isSafe(sessionId)) return false;
        return facts.tenant(sessionId, store::sessionTenant).map(tenant::equals).orElse(false);
    }

    /** Tenants and ends of sessions, remembered because they never change (D116, D124). */
    private final SessionFacts facts = new SessionFacts();

    /** The data dir's free-space floor ({@code min_free_disk}), for readiness. */
    public DiskFloor disk() {
        return disk;
    }

    // =====================================================================================
    // sessions
    // =====================================================================================

    /** Starts a session (the holodeck name for {@link #createSession}). */
    public Session startSession(SessionConfig spec) {
        return createSession(spec);
    }

    /**
     * Creates a session. Without a profile it is RUNNING at once; with one, its workspace is made
     * and its worker started before this returns RUNNING. A worker that cannot start ends the
     * session {@code startup_failed} and this throws, with the session id in the error details.
     */
    public Session createSession(SessionConfig spec) {
        if (!config.sessionsEnabled()) {
            throw new BosunException(
                    ErrorCode.SESSIONS_DISABLED, "sessions are disabled on this server (sessions_enabled=false)");
        }
        String name = Validation.text("name", spec.name(), Validation.MAX_NAME);
        String agentId = Ids.requireSafe("agent_id", spec.agentId());
        String tenant = Ids.requireSafe("tenant", spec.tenant());
        List<String> tags = Validation.tags(spec.tags());
        Validation.json("metadata", spec.metadata(), config.jsonLimits(), config.maxMessageBytes());
        if (spec.profile().isEmpty() && !spec.sandbox().equals(SandboxRequest.NONE)) {
            throw BosunException.invalid("sandbox", "sandbox settings need a profile; this session names none");
        }
        Optional<Profile> profile =
                spec.profile().map(this::profile).map(p -> SandboxPolicy.apply(p, spec.sandbox(), config.sandbox()));
        Duration ttl = Validation.within("ttl", spec.ttl().orElse(config.ttl()), MIN_TTL, config.ttl());
        Duration idle = spec.idleTimeout().orElse(config.idleTimeout());
        Validation.within("idle_timeout", idle, MIN_IDLE, MAX_IDLE);
        if (idle.compareTo(ttl) > 0) {
            // A default idle longer than a short requested ttl is clamped; an explicit one is the caller's mistake.
            if (spec.idleTimeout().isPresent()) {
                throw new BosunException(
                        ErrorCode.INVALID_ARGUMENT,
                        "idle_timeout (" + Validation.human(idle) + ") may not exceed ttl (" + Validation.human(ttl)
                                + ")",
                        Map.of("field", "idle_timeout"));
            }
            idle = ttl;
        }
        int maxTasks = Validation.within("max_tasks", spec.maxTasks().orElse(config.maxTasks()), 1, config.maxTasks());
        // Like idle, a default task timeout longer than a short ttl is clamped; an explicit one is checked.
        Duration taskTimeout = spec.taskTimeout().isPresent()
                ? Validation.within("task_timeout", spec.taskTimeout().get(), MIN_TASK_TIMEOUT, ttl)
                : min(config.taskTimeout(), ttl);

        Instant now = clock.instant();
        String id = ids.newSessionId();
        Optional<Instant> startupDeadline = profile.map(p -> now.plus(p.startupTimeout()));
        Optional<String> workspace = profile.map(p -> workers.workspaceOf(id).relative());
        Optional<Long> h1Start = config.routing().enabled() ? Optional.of(fleet.h1(tenant)) : Optional.empty();
        var row = new NewSession(
                id,
                tenant,
                name,
                agentId,
                tags,
                spec.metadata(),
                profile.map(Profile::name),
                config.nodeId(),
                now,
                idle,
                ttl,
                maxTasks,
                taskTimeout,
                startupDeadline,
                workspace,
                h1Start,
                spec.scoutRoom().map(r -> config.tiles().roomNames().check("scout_room", Validation.scoutRoom(r))),
                spec.emitTiles());
        disk.requireRoom("new sessions");
        Session created = store.createSession(row, config.maxSessions());
        if (profile.isEmpty()) return created;
        return workers.start(created, profile.get());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private Profile profile(String name) {
        return config.profile(name)
                .orElseThrow(() -> new BosunException(
                        ErrorCode.INVALID_ARGUMENT,
                        "unknown profile '" + name + "'; this server has "
                                + (config.profiles().isEmpty()
                                        ? "no profiles"
                                        : "profiles "
                                                + String.join(
                                                        ", ",
                                                        config.profiles().keySet().stream()
                                                                .sorted()
                                                                .toList())),
                        Map.of("field", "profile")));
    }

    /** The session, or NOT_FOUND. */
    public Session get(String sessionId) {
        return find(sessionId).orElseThrow(() -> BosunException.notFound("session", sessionId));
    }

    public Optional<Session> find(String sessionId) {
        if (!Ids.isSafe(sessionId)) return Optional.empty();
        return store.getSession(sessionId);
    }

    /** Sessions newest first. {@code limit} is 1..1000; pass the previous page's cursor as {@code after}. */
    public Page<Session> list(SessionFilter filter, Optional<String> after, int limit) {
        Validation.within("limit", limit, 1, 1000);
        after.ifPresent(a -> Ids.requireSafe("after", a));
        return store.listSessions(filter, after, limit);
    }

    /** Exact counts of a tenant's sessions; started and ended ones counted from {@code since}. */
    public SessionStats stats(String tenant, Instant since) {
        return store.sessionStats(tenant, since);
    }

    /** Live sessions (the holodeck {@code active} view). */
    public List<Session> active() {
        var out = new ArrayList<Session>();
        for (SessionStatus s : List.of(SessionStatus.CREATING, SessionStatus.RUNNING)) {
            Optional<String> after = Optional.empty();
            Page<Session> page;
            do {
                page = store.listSessions(SessionFilter.ALL.withStatus(s), after, 1000);
                out.addAll(page.items());
                after = page.nextCursor();
            } while (page.hasMore());
        }
        return out;
    }

    /**
     * Ends a session with the agent's outcome ({@code reason=completed}); stops its worker after
     * taking in what it last wrote, cancels open tasks. CONFLICT if it has already ended.
     */
    public Session endSession(String sessionId, SessionOutcome outcome, Optional<String> error) {
        Objects.requireNonNull(outcome, "outcome");
        error.ifPresent(e -> Validation.message("error", e));
        Session s = get(sessionId);
        if (s.isEnded()) throw conflictEnded(s);
        EndResult r = endNow(s, new EndCause.Requested(outcome, error));
        if (!r.transitioned()) throw conflictEnded(r.session());
        return r.session();
    }

    /** Terminates a session (reason {@code terminated}, outcome CANCELLED). Idempotent: an ended session is returned as is. */
    public Session terminate(String sessionId, String reason) {
        Optional<String> why =
                Optional.ofNullable(reason).filter(r -> !r.isBlank()).map(r -> Validation.message("reason", r));
        Session s = get(sessionId);
        if (s.isEnded()) return s;
        return endNow(s, new EndCause.Terminated(why)).session();
    }

    private EndResult endNow(Session s, EndCause cause) {
        if (s.hasWorker()) workers.stopForEnd(s.id());
        EndResult r = ends.end(s, cause);
        workers.cleanup(r.session());
        return r;
    }

    private static BosunException conflictEnded(Session s) {
        return BosunException.conflict(
                "session '" + s.id() + "' has already ended ("
                        + s.reason().map(EndReason::code).orElse("ended") + ")",
                Map.of(
                        "session_id",
                        s.id(),
                        "status",
                        "ended",
                        "reason",
                        s.reason().map(EndReason::code).orElse("")));
    }

    /** Records activity without an event. */
    public Session heartbeat(String sessionId) {
        requireKnownId(sessionId);
        return store.touch(sessionId, clock.instant());
    }

    /**
     * An id that cannot exist is NOT_FOUND without a query. Writes need no read first: the store
     * answers NOT_FOUND or CONFLICT inside the same transaction that would write.
     */
    private static void requireKnownId(String sessionId) {
        if (!Ids.isSafe(sessionId)) throw BosunException.notFound("session", String.valueOf(sessionId));
    }

    // =====================================================================================
    // events
    // =====================================================================================

    /**
     * Sends an event to the session's inbox: committed first (the returned IN event has its seq),
     * then written to the worker's inbox if it has one.
     */
    public Event send(String sessionId, String type, JsonNode payload) {
        Event e = appendChecked(sessionId, Direction.IN, type, payload);
        workers.deliver(e);
        return e;
    }

    /** An agent running outside Bosun reports one of its own OUT events. */
    public Event emit(String sessionId, String type, JsonNode payload) {
        return appendChecked(sessionId, Direction.OUT, type, payload);
    }

    private Event appendChecked(String sessionId, Direction dir, String type, JsonNode payload) {
        Validation.eventType("event_type", type);
        Validation.json("payload", payload, config.jsonLimits(), config.maxMessageBytes());
        requireKnownId(sessionId);
        disk.requireRoom(dir == Direction.IN ? "sends" : "emits");
        return store.append(NewEvent.activity(sessionId, dir, type, payload, clock.instant()));
    }

    /**
     * Reads events after {@code afterSeq}. With a positive {@code wait}, blocks until at least one
     * event exists after the cursor, the session ends, or the wait runs out; it wakes as soon as the
     * commit that adds an event is done. A poll that returns events counts as activity.
     *
     * @param afterSeq 0 for the start of the log; never past its end
     * @param limit    1..{@code max_events_per_poll}
     * @param wait     0..{@code max_poll_wait}
     */
    public PollResult poll(String sessionId, long afterSeq, int limit, Duration wait) {
        if (afterSeq < 0) throw BosunException.invalid("after", "after = " + afterSeq + " must be >= 0");
        Validation.within("limit", limit, 1, config.maxEventsPerPoll());
        Validation.within("wait", wait, Duration.ZERO, config.maxPollWait());
        Session s = get(sessionId);
        if (afterSeq > s.lastSeq()) {
            throw new BosunException(
                    ErrorCode.INVALID_ARGUMENT,
                    "after = " + afterSeq + " is past the end of the log (last seq " + s.lastSeq() + ")",
                    Map.of("field", "after", "last_seq", s.lastSeq()));
        }
        long deadline = System.nanoTime() + wait.toNanos();
        boolean endSeen = false;
        while (true) {
            CompletableFuture<Void> ticket = notifier.ticket(sessionId);
            List<Event> events = store.readEvents(sessionId, afterSeq, limit + 1);
            boolean more = events.size() > limit;
            if (more) events = events.subList(0, limit);
            if (!events.isEmpty()) {
                Session now = get(sessionId);
                if (!now.isEnded()) touchQuietly(now);
                return new PollResult(events, events.get(events.size() - 1).seq(), more, now.status());
            }
            Session now = get(sessionId);
            if (now.isEnded() && !endSeen) {
                // The end may have committed between the read above and this one: its final events
                // (session_ended at least) are visible now, so read once more before saying "ended, nothing".
                endSeen = true;
                continue;
            }
            long left = deadline - System.nanoTime();
            if (now.isEnded() || left <= 0) return new PollResult(List.of(), afterSeq, false, now.status());
            // Re-read at least every POLL_RECHECK: a commit on another node arrives as a hint that can be lost.
            EventNotifier.await(ticket, Duration.ofNanos(Math.min(left, POLL_RECHECK.toNanos())));
        }
    }

    /** Longest a waiting poll goes without re-reading the store: what a lost cross-node wake-up costs at most. */
    static final Duration POLL_RECHECK = Duration.ofSeconds(1);

    /**
     * Idle timeouts are 30 s or more, so activity recorded to the second loses nothing; skipping
     * touches within a second keeps busy pollers from writing (and fsyncing) on every read.
     */
    static final Duration ACTIVITY_GRANULARITY = Duration.ofSeconds(1);

    private void touchQuietly(Session s) {
        Instant now = clock.instant();
        if (Duration.between(s.lastActivityAt(), now).compareTo(ACTIVITY_GRANULARITY) < 0) return;
        try {
            store.touch(s.id(), now);
        } catch (BosunException e) {
            if (e.code() != ErrorCode.CONFLICT) throw e; // ended meanwhile: nothing to keep alive
        }
    }

    /**
     * Whether a long-poll of {@code sessionId} holds the ticket the next commit completes: from then on a
     * commit wakes it, so a test awaits this instead of sleeping before it sends. (The notifier itself is
     * internal; D96.)
     */
    public boolean pollWaiting(String sessionId) {
        return notifier.hasTicket(sessionId);
    }

    // =====================================================================================
    // tasks
    // =====================================================================================

    /** Adds a RUNNING task; it times out after the session's task timeout unless completed. */
    public Task addTask(String sessionId, TaskSpec spec) {
        String taskId = spec.id().map(i -> Ids.requireSafe("task_id", i)).orElseGet(ids::newTaskId);
        String name = Validation.text("name", spec.name(), Validation.MAX_NAME);
        Validation.json("data", spec.data(), config.jsonLimits(), config.maxMessageBytes());
        List<String> caps = Validation.capabilities("required_capabilities", spec.requiredCapabilities());
        spec.assignedAgent().ifPresent(a -> Ids.requireSafe("assigned_agent", a));
        requireKnownId(sessionId);
        disk.requireRoom("new tasks");
        Optional<Fleet.Plan> plan = Optional.empty();
        if (config.routing().enabled()
                && !caps.isEmpty()
                && spec.assignedAgent().isEmpty()) {
            // Refused before the graph learns of a task that cannot be added: a refusal by the store below
            // costs the tenant's graph a reload. The tenant and a seen end come from memory, not a read of
            // the session row per task (D124); an end not seen yet is the store's to find.
            String tenant = facts.tenant(sessionId, store::sessionTenant)
                    .orElseThrow(() -> BosunException.notFound("session", sessionId));
            if (facts.knownEnded(sessionId)) throw conflictEnded(get(sessionId));
            plan = Optional.of(fleet.route(
                    tenant,
                    taskId,
                    taskId,
                    Optional.of(sessionId),
                    caps,
                    List.of(),
                    config.routing().fallbackAny()));
        }
        Optional<String> assigned = plan.map(p -> p.decision().agentId()).or(spec::assignedAgent);
        Task t;
        try {
            t = store.addTask(new NewTask(
                    sessionId,
                    taskId,
                    name,
                    spec.data(),
                    spec.priority(),
                    caps,
                    assigned,
                    clock.instant(),
                    plan.map(Fleet.Plan::decision)));
        } catch (RuntimeException e) {
            if (plan.isPresent()) {
                fleet.invalidate(plan.get().tenant()); // the graph counted an edge that was not written
                if (endedRefusal(e)) facts.ended(sessionId); // the next add is refused before routing
            }
            throw e;
        }
        plan.flatMap(Fleet.Plan::alert).ifPresent(a -> alert(sessionId, a));
        return t;
    }

    /** The store's refusal of a write to an ended session ({@code StoreRules.ended}). */
    private static boolean endedRefusal(RuntimeException e) {
        return e instanceof BosunException be
                && be.code() == ErrorCode.CONFLICT
                && "ended".equals(be.details().get("status"));
    }

    /** An emergence alert goes into the session's log (for tiles and listeners), the log, and to the fleet's listeners. */
    private void alert(String sessionId, EmergenceAlert a) {
        try {
            store.append(NewEvent.note(
                    sessionId,
                    Direction.SYSTEM,
                    SystemEvents.EMERGENCE_ALERT,
                    a.toJson().put("headline", a.headline(fleet.settings().emergenceOffset())),
                    clock.instant()));
        } catch (BosunException e) {
            if (e.code() != ErrorCode.CONFLICT) throw e; // the session ended meanwhile: the alert still goes out below
        }
        fleet.publish(a);
    }

    /** Completes a running task. CONFLICT if it already completed or its session has ended. */
    public Task completeTask(String sessionId, String taskId, Completion c) {
        Objects.requireNonNull(c, "completion");
        Ids.requireSafe("task_id", taskId);
        c.durationMs().ifPresent(d -> Validation.atLeast("duration_ms", d, 0));
        c.result().ifPresent(r -> Validation.json("result", r, config.jsonLimits(), config.maxMessageBytes()));
        c.error().ifPresent(e -> Validation.message("error", e));
        requireKnownId(sessionId);
        return store.completeTask(TaskCompletion.of(sessionId, taskId, c, clock.instant()));
    }

    public Task completeTask(String sessionId, String taskId, TaskOutcome outcome) {
        return completeTask(sessionId, taskId, Completion.of(outcome));
    }

    public Task getTask(String sessionId, String taskId) {
        get(sessionId);
        if (!Ids.isSafe(taskId)) throw BosunException.notFound("task", taskId);
        return store.getTask(sessionId, taskId).orElseThrow(() -> BosunException.notFound("task", taskId));
    }

    public List<Task> activeTasks(String sessionId) {
        get(sessionId);
        return store.listTasks(sessionId, true);
    }

    public List<Task> tasks(String sessionId) {
        get(sessionId);
        return store.listTasks(sessionId, false);
    }

    // =====================================================================================
    // worker logs
    // =====================================================================================

    /** The tail of the worker's stdout or stderr, at most {@code maxBytes}. Empty text when there is none. */
    public String logs(String sessionId, LogStream stream, int maxBytes) {
        Session s = get(sessionId);
        if (!s.hasWorker()) {
            throw BosunException.conflict(
                    "session '" + sessionId + "' has no worker, so it has no logs", Map.of("session_id", sessionId));
        }
        return workers.logs(s, stream, maxBytes);
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
