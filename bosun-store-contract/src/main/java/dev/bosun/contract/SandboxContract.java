package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.mailbox.Workspace;
import dev.bosun.mailbox.Workspaces;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.SandboxRequest;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerSpec;
import dev.bosun.session.EndReason;
import dev.bosun.session.LogStream;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an isolating runtime ({@code bwrap}, {@code docker}) must guarantee, checked with real workers
 * from the inside: each probe runs as the worker, reports what it sees through its outbox, and the
 * test reads it from the session's log. Subclasses supply the runtime and the profile keys it needs.
 */
public abstract class SandboxContract extends ManagerHarness {
    private final List<Sandbox> opened = new ArrayList<>();

    /** A fresh runtime instance (one per manager, so a restart gets a new one, as in production). */
    protected abstract Sandbox newSandbox();

    /** The profile keys every test profile of this runtime has: {@code runtime}, and {@code image} for docker. */
    protected abstract Map<String, Object> baseProfile();

    /** Whether the runtime's own record of the worker (process, container) still exists, running or not. */
    protected abstract boolean workerExists(String sessionId);

    @BeforeEach
    void requireRuntime() {
        Sandbox s = fresh();
        Requires.usable("the " + s.runtime() + " runtime", s.availability());
    }

    /** A new runtime instance, closed after the test. */
    protected Sandbox fresh() {
        Sandbox s = newSandbox();
        opened.add(s);
        return s;
    }

    /** The runtime instance the current manager uses. */
    private Sandbox current;

    /** The runtime instance the current manager uses, for what only its own state can tell. */
    protected Sandbox currentSandbox() {
        return current;
    }

    @Override
    protected List<Sandbox> sandboxes() {
        current = fresh();
        return List.of(current);
    }

    /** As a process exit would: the manager's runtime instance goes with it (its streams, watchers, pool). */
    @Override
    protected void closeKeepingSessions() {
        super.closeKeepingSessions();
        if (current != null) current.close();
    }

    /** Sessions are ended first (that stops their workers), then the runtimes are closed. */
    @Override
    @AfterEach
    protected void close() {
        super.close();
        opened.forEach(Sandbox::close);
        opened.clear();
    }

    /** The example echo worker, inlined: a sandbox sees none of the host's repository. */
    protected static String echoScript() {
        try {
            return Files.readString(Fixtures.echoWorker());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes one outbox event from a worker script without forking (printf and redirection are built in). */
    protected static String emit(String name, String json) {
        return "printf '%s\\n' \"" + json + "\" > \"$BOSUN_OUTBOX/" + name + ".tmp\"; mv \"$BOSUN_OUTBOX/" + name
                + ".tmp\" \"$BOSUN_OUTBOX/" + name + ".json\"\n";
    }

    private static final String PROBE = """
            w() { if ( : > "$1" ) 2>/dev/null; then rm -f "$1"; echo ok; else echo denied; fi; }
            caps=$(grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status | tr -s '\\t ' ' ' | tr '\\n' ';')
            ifaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | tr '\\n' ',')
            routes=$(tail -n +2 /proc/net/route | wc -l | tr -d ' ')
            nnp=$(grep NoNewPrivs /proc/self/status | tr -d '\\t ')
            models=$(cat /models/weights.txt 2>/dev/null)
            """
            + emit(
                    "probe",
                    "{\\\"event_type\\\":\\\"probe\\\",\\\"root\\\":\\\"$(w /probe)\\\",\\\"usr\\\":\\\"$(w /usr/probe)\\\","
                            + "\\\"etc\\\":\\\"$(w /etc/probe)\\\",\\\"workspace\\\":\\\"$(w /workspace/probe)\\\",\\\"tmp\\\":\\\"$(w /tmp/probe)\\\","
                            + "\\\"outbox\\\":\\\"$(w $BOSUN_OUTBOX/probe.w)\\\",\\\"caps\\\":\\\"$caps\\\",\\\"ifaces\\\":\\\"$ifaces\\\","
                            + "\\\"routes\\\":$routes,\\\"nnp\\\":\\\"$nnp\\\",\\\"uid\\\":\\\"$(id -u)\\\","
                            + "\\\"models\\\":\\\"$models\\\",\\\"models_write\\\":\\\"$(w /models/probe)\\\","
                            + "\\\"models_env\\\":\\\"$BOSUN_MODEL_CACHE\\\"}")
            + "exec sleep 600\n";

    protected static final int PIDS = 24;
    private static final String FORK_BOMB =
            """
            ( i=0; while [ $i -lt 200 ]; do sleep 30 & i=$((i+1)); done ) 2>/dev/null
            set -- /proc/[0-9]*
            """ + emit("forkbomb", "{\\\"event_type\\\":\\\"forkbomb\\\",\\\"procs\\\":$#}") + "exec sleep 600\n";

    /** Fills the outbox with what ingestion never takes in (no .json): 4 MiB in one file, then 300 files. */
    private static final String FILLER = "head -c 4194304 /dev/zero > \"$BOSUN_OUTBOX/fill.part\"; exec sleep 600\n";

    protected static final String SPAWNER =
            "i=0; while [ $i -lt 300 ]; do : > \"$BOSUN_OUTBOX/f$i.part\"; i=$((i+1)); done; exec sleep 600\n";

    private static final String HOG = "x=$(head -c 400000000 /dev/zero | tr '\\0' a); echo survived\n";

    @Override
    protected BosunConfig config(Path dataDir) {
        var profiles = new LinkedHashMap<String, Object>();
        profiles.put("echo", profile(List.of("sh", "-c", echoScript()), Map.of()));
        profiles.put("probe", profile(List.of("sh", "-c", PROBE), Map.of()));
        profiles.put("forkbomb", profile(List.of("sh", "-c", FORK_BOMB), Map.of("processes", PIDS)));
        profiles.put("hog", profile(List.of("sh", "-c", HOG), Map.of("memory", "32MiB")));
        profiles.put("sleeper", profile(List.of("sleep", "600"), Map.of()));
        profiles.put(
                "graceful",
                profile(
                        List.of(
                                "sh",
                                "-c",
                                "trap '"
                                        + emit("bye", "{\\\"event_type\\\":\\\"sigterm\\\"}")
                                                .replace("'", "'\\''")
                                                .strip()
                                        + "; exit 0' TERM\n" + emit("armed", "{\\\"event_type\\\":\\\"armed\\\"}")
                                        + "while :; do sleep 0.05; done\n"),
                        Map.of()));
        profiles.put(
                "ticker",
                profile(List.of("sh", "-c", "i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done"), Map.of()));
        profiles.put(
                "chatty", profile(List.of("sh", "-c", "echo to-stdout; echo to-stderr >&2; exec sleep 600"), Map.of()));
        var filler = new LinkedHashMap<>(profile(List.of("sh", "-c", FILLER), Map.of()));
        filler.put("workspace_max_bytes", "1MiB");
        profiles.put("filler", filler);
        var spawner = new LinkedHashMap<>(profile(List.of("sh", "-c", SPAWNER), Map.of()));
        spawner.put("workspace_max_files", 100);
        profiles.put("spawner", spawner);
        var net = new LinkedHashMap<>(profile(List.of("sh", "-c", PROBE), Map.of()));
        net.put("network", true);
        profiles.put("netprobe", net);
        return configWith(dataDir, profiles);
    }

    /** The suite's config with these profiles: fast reconciliation, networks allowed, a model cache. */
    protected static BosunConfig configWith(Path dataDir, Map<String, Object> profiles) {
        return Fixtures.loader(dataDir)
                .set("profiles", profiles)
                .set("reconcile_interval", "1s")
                .set("sandbox_allow_network", true)
                .set("model_cache", modelCache(dataDir))
                .load();
    }

    /** A model cache directory with one file, mounted read-only at /models in every sandboxed worker. */
    protected static Path modelCache(Path dataDir) {
        try {
            Path dir = Files.createDirectories(dataDir.resolve("models"));
            Files.writeString(dir.resolve("weights.txt"), "model-bytes\n");
            return dir.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> profile(List<String> command, Map<String, Object> limits) {
        var p = new LinkedHashMap<>(baseProfile());
        p.put("command", command);
        p.put("stop_grace", "1s");
        p.put("limits", limits);
        p.put("max_limits", Map.of("memory", "256MiB", "processes", 512));
        return p;
    }

    protected Session start(String profile) {
        return manager.startSession(
                SessionConfig.builder("sandboxed", "agent").profile(profile).build());
    }

    protected JsonNode awaitEvent(String sessionId, String type) {
        return await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> allEvents(sessionId).stream()
                                .filter(e -> e.type().equals(type))
                                .findFirst()
                                .map(Event::payload),
                        java.util.Optional::isPresent)
                .get();
    }

    protected Session awaitEnded(String sessionId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> manager.get(sessionId), Session::isEnded);
    }

    private List<String> labelledSessions() {
        return current.list(manager.workerNode()).stream()
                .map(Sandbox.LabelledWorker::sessionId)
                .toList();
    }

    // ---------------------------------------------------------------- inside the sandbox

    @Test
    void theRootIsReadOnlyAndOnlyTheMailboxAndTmpAreWritable() {
        JsonNode p = awaitEvent(start("probe").id(), "probe");
        assertThat(p.get("root").asText()).as("write to /").isEqualTo("denied");
        assertThat(p.get("usr").asText()).as("write to /usr").isEqualTo("denied");
        assertThat(p.get("etc").asText()).as("write to /etc").isEqualTo("denied");
        assertThat(p.get("workspace").asText()).as("write to /workspace itself").isEqualTo("denied");
        assertThat(p.get("tmp").asText()).as("write to /tmp").isEqualTo("ok");
        assertThat(p.get("outbox").asText()).as("write to the outbox").isEqualTo("ok");
        assertThat(p.get("uid").asText()).as("uid inside").isEqualTo("1000");
    }

    @Test
    void everyCapabilitySetIsEmptyAndNoNewPrivilegesIsSet() {
        JsonNode p = awaitEvent(start("probe").id(), "probe");
        String caps = p.get("caps").asText();
        assertThat(caps)
                .contains(
                        "CapInh: 0000000000000000",
                        "CapPrm: 0000000000000000",
                        "CapEff: 0000000000000000",
                        "CapBnd: 0000000000000000",
                        "CapAmb: 0000000000000000");
        assertThat(p.get("nnp").asText()).isEqualTo("NoNewPrivs:1");
    }

    @Test
    void withoutAllowedNetworkOnlyLoopbackExistsAndNothingIsRoutable() {
        JsonNode p = awaitEvent(start("probe").id(), "probe");
        assertThat(p.get("ifaces").asText()).isEqualTo("lo,");
        assertThat(p.get("routes").asInt())
                .as("routing table entries (none: every address is unreachable)")
                .isZero();
    }

    @Test
    void withANetworkAllowedByProfileAndOperatorTheWorkerHasOne() {
        JsonNode p = awaitEvent(start("netprobe").id(), "probe");
        assertThat(p.get("ifaces").asText())
                .as("interfaces")
                .isNotEqualTo("lo,")
                .contains("lo,");
    }

    @Test
    void theModelCacheIsReadableAtModelsAndReadOnly() {
        JsonNode p = awaitEvent(start("probe").id(), "probe");
        assertThat(p.get("models").asText()).isEqualTo("model-bytes");
        assertThat(p.get("models_write").asText()).isEqualTo("denied");
        assertThat(p.get("models_env").asText()).isEqualTo("/models");
    }

    @Test
    void aForkBombStopsAtThePidsLimit() {
        JsonNode p = awaitEvent(start("forkbomb").id(), "forkbomb");
        int procs = p.get("procs").asInt();
        // Without the limit the bomb would leave 200 sleeping children; with it, at most the limit exists.
        assertThat(procs).isBetween(2, PIDS);
    }

    @Test
    void aMemoryHogIsKilledAndItsSessionEndsOomKilled() {
        Session s = start("hog");
        Session ended = awaitEnded(s.id());
        assertThat(ended.status()).isEqualTo(SessionStatus.ENDED);
        assertThat(ended.reason()).contains(EndReason.WORKER_EXITED);
        assertThat(ended.outcome()).contains(SessionOutcome.FAILED);
        assertThat(ended.exitCode()).contains(137);
        assertThat(ended.error()).hasValueSatisfying(e -> assertThat(e).contains("oom_killed"));
    }

    @Test
    void aWorkerFillingItsWorkspaceIsStoppedAndItsSessionEndsWorkspaceQuotaExceeded() {
        Map<String, String> limitOf = Map.of("filler", "workspace_max_bytes", "spawner", "workspace_max_files");
        limitOf.forEach((profile, limit) -> {
            Session s = start(profile);
            Session ended = awaitEnded(s.id());
            assertThat(ended.reason()).as(profile).contains(EndReason.WORKSPACE_QUOTA_EXCEEDED);
            assertThat(ended.outcome()).contains(SessionOutcome.FAILED);
            assertThat(ended.error())
                    .hasValueSatisfying(e -> assertThat(e).contains(limit).doesNotContain(dataDir.toString()));
            assertThat(workerExists(s.id())).isFalse();
            awaitCleaned(s.id()); // the end commits first; the clean-up follows on the supervisor's thread
            assertThat(Workspace.at(dataDir, s.id()).root()).doesNotExist();
        });
    }

    // ---------------------------------------------------------------- lifecycle

    @Test
    void theMailboxRoundTripWorks() {
        Session s = start("echo");
        awaitEvent(s.id(), "ready");
        Event in = manager.send(s.id(), "input", json("{\"question\":42}"));
        JsonNode echo = awaitEvent(s.id(), "echo");
        assertThat(echo.at("/received/seq").asLong()).isEqualTo(in.seq());
        assertThat(echo.at("/received/payload/question").asInt()).isEqualTo(42);
    }

    @Test
    void theWorkersOutputReachesItsLogs() {
        Session s = start("chatty");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> manager.logs(s.id(), LogStream.STDOUT, 4096).contains("to-stdout")
                        && manager.logs(s.id(), LogStream.STDERR, 4096).contains("to-stderr"));
    }

    @Test
    void anAdoptedWorkersOutputStillReachesItsLogs() {
        Session s = start("ticker");
        var stdout = LogStream.STDOUT;
        await().atMost(Duration.ofSeconds(20))
                .until(() -> manager.logs(s.id(), stdout, 1 << 16).contains("tick-"));
        restart();
        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        int before = manager.logs(s.id(), stdout, 1 << 16).length();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> manager.logs(s.id(), stdout, 1 << 16).length() > before + 20);
    }

    @Test
    void terminateRemovesTheWorkerThenTheWorkspace() {
        Session s = start("sleeper");
        assertThat(labelledSessions()).contains(s.id());
        manager.terminate(s.id(), "done");
        assertThat(labelledSessions()).doesNotContain(s.id());
        assertThat(workerExists(s.id())).isFalse();
        assertThat(Workspace.at(dataDir, s.id()).root()).doesNotExist();
    }

    @Test
    void onlyThisRuntimeListsItsWorkersNotTheProcessRuntime() {
        Session s = start("echo");
        awaitEvent(s.id(), "ready");
        assertThat(labelledSessions()).contains(s.id());
        try (var process = new dev.bosun.sandbox.ProcessSandbox()) {
            // Processes inside the sandbox carry BOSUN_SESSION_ID too; the process runtime must not
            // mistake them for its own (it would stop them as orphans).
            assertThat(process.list(manager.workerNode()))
                    .extracting(Sandbox.LabelledWorker::sessionId)
                    .doesNotContain(s.id());
        }
    }

    @Test
    void terminateGivesTheWorkerSigtermAndItsGraceFirst() {
        Session s = start("graceful");
        awaitEvent(s.id(), "armed");
        manager.terminate(s.id(), "done");
        // Written by the worker's TERM handler and taken in by the final drain before the end.
        assertThat(allEvents(s.id())).extracting(Event::type).contains("sigterm");
    }

    @Test
    void theReaperRemovesTheWorkerOfAnExpiredSession() {
        Session s = manager.startSession(SessionConfig.builder("expiring", "agent")
                .profile("sleeper")
                .idleTimeout(Duration.ofMinutes(1))
                .build());
        assertThat(workerExists(s.id())).isTrue();
        clock.advance(Duration.ofMinutes(2));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_IDLE);
        await().atMost(Duration.ofSeconds(20)).until(() -> !workerExists(s.id()));
        assertThat(labelledSessions()).doesNotContain(s.id());
        assertThat(Workspace.at(dataDir, s.id()).root()).doesNotExist();
    }

    @Test
    void aRestartRemovesOrphansAdoptsLiveWorkersAndEndsLostOnes() throws Exception {
        Session live = start("echo");
        awaitEvent(live.id(), "ready");
        Session lost = start("sleeper");
        String node = manager.workerNode();
        assertThat(labelledSessions()).contains(live.id(), lost.id());

        closeKeepingSessions();
        // Left behind while Bosun was down: a worker of a session the store does not know. Started now,
        // not while the manager ran: its periodic reconciliation (1 s here) removes such a worker at
        // once, and did, before this test could see it listed or even before Docker started it
        // ("No such container"), 2 runs in 5 on a loaded machine.
        Sandbox down = fresh();
        Worker orphan =
                down.start(spec("orphan-1", node, config.profile("sleeper").orElseThrow()));
        assertThat(down.list(node))
                .extracting(Sandbox.LabelledWorker::sessionId)
                .contains("orphan-1");
        down.stop(storedRef(lost.id()), Duration.ofSeconds(1));
        open();

        assertThat(labelledSessions()).contains(live.id()).doesNotContain("orphan-1", lost.id());
        assertThat(workerExists("orphan-1")).isFalse();
        assertThat(orphan.onExit().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
        assertThat(manager.get(lost.id()).reason()).contains(EndReason.WORKER_LOST);
        assertThat(manager.get(live.id()).status()).isEqualTo(SessionStatus.RUNNING);
        Event in = manager.send(live.id(), "after-restart", json("{\"n\":1}"));
        JsonNode echo = awaitEvent(live.id(), "echo");
        assertThat(echo.at("/received/seq").asLong()).isEqualTo(in.seq());
    }

    /** A session's stored worker reference, read while the manager is closed, with a store of its own. */
    private dev.bosun.sandbox.WorkerRef storedRef(String id) {
        try (var s = factory().open(dataDir)) {
            return s.workerOf(id).orElseThrow();
        }
    }

    @Test
    void periodicReconciliationRemovesWorkersOfUnknownSessionsWhileBosunRuns() throws Exception {
        Session kept = start("sleeper");
        // The stray is labelled with a live session that has no worker of its own, so reconciliation
        // leaves it alone until the test has seen it listed; then that session ends and is purged, and
        // the stray belongs to a session the store does not know. (Labelled with an unknown id from
        // the start, it was removed by a pass before it was listed, or before Docker started it.)
        Session host = manager.startSession(
                SessionConfig.builder("stray-host", "agent").build());
        Worker stray = fresh().start(spec(
                host.id(), manager.workerNode(), config.profile("sleeper").orElseThrow()));
        assertThat(labelledSessions()).contains(host.id(), kept.id());
        manager.endSession(host.id(), dev.bosun.session.SessionOutcome.SUCCESS, java.util.Optional.empty());
        manager.relay().step(); // its tile and webhook cursors pass its end: nothing holds the purge back
        manager.relay().awaitInFlight(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(1));
        assertThat(store.purgeEndedBefore(clock.instant(), 10))
                .as("the host session purged")
                .isEqualTo(1);
        assertThat(store.getSession(host.id())).isEmpty();
        await().atMost(Duration.ofSeconds(20)).until(() -> !labelledSessions().contains(host.id()));
        assertThat(stray.onExit().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
        assertThat(workerExists(host.id())).isFalse();
        assertThat(labelledSessions()).contains(kept.id());
        assertThat(manager.get(kept.id()).status()).isEqualTo(SessionStatus.RUNNING);
    }

    // ---------------------------------------------------------------- refused before anything starts

    @Test
    void requestsThatWouldWidenTheSandboxAreRefusedBeforeAnythingStarts() {
        List<String> bad = List.of(
                "{\"image\": \"busybox;rm -rf /\"}",
                "{\"image\": \"--privileged\"}",
                "{\"env\": {\"A\\nB\": \"x\"}}",
                "{\"env\": {\"TOKEN\": \"a\\u0000b\"}}",
                "{\"env\": {\"LD_PRELOAD\": \"/tmp/x.so\"}}",
                "{\"env\": {\"BASH_ENV\": \"$(id)\"}}",
                "{\"env\": {\"MODE\": \"not in env_allow\"}}",
                "{\"limits\": {\"memory\": \"64GiB\"}}",
                "{\"limits\": {\"processes\": 0}}",
                "{\"limits\": {\"processes\": 100000}}",
                "{\"cap_add\": [\"SYS_ADMIN\"]}",
                "{\"read_only_root\": false}",
                "{\"network\": true}",
                "{\"runtime\": \"process\"}");
        for (String json : bad) {
            SandboxRequest r = SandboxRequest.fromJson(Json.parseTrusted(json));
            BosunException e = expectError(
                    ErrorCode.INVALID_ARGUMENT,
                    () -> manager.startSession(SessionConfig.builder("bad", "agent")
                            .profile("sleeper")
                            .sandbox(r)
                            .build()));
            assertThat(e.details()).as(json).containsKey("rule").containsKey("field");
        }
        assertThat(manager.active()).isEmpty();
        assertThat(labelledSessions()).isEmpty();
    }

    @Test
    void mountSourcesWithOptionCharactersTraversalOrLinksAreRefusedBeforeAnythingStarts() throws Exception {
        Sandbox sandbox = fresh();
        String node = manager.workerNode();
        Profile sleeper = config.profile("sleeper").orElseThrow();

        Path odd = Files.createDirectories(dataDir.resolve("odd,ro=false"));
        Workspace injected = Workspaces.create(odd, "inject-1");
        assertRefused(sandbox, spec("inject-1", node, sleeper, injected), "mount_option_characters");

        Workspace real = Workspaces.create(dataDir, "traverse-1");
        Workspace traversing = new Workspace(
                real.root(),
                real.relative(),
                real.root().resolve("../../.."),
                real.outbox(),
                real.logs(),
                real.internal());
        assertRefused(sandbox, spec("traverse-1", node, sleeper, traversing), "traversal");

        Workspace linked = Workspaces.create(dataDir, "link-1");
        Path outside = Files.createDirectories(dataDir.getParent().resolve("outside-" + System.nanoTime()));
        Files.delete(linked.inbox());
        Files.createSymbolicLink(linked.inbox(), outside);
        assertRefused(sandbox, spec("link-1", node, sleeper, linked), "symlink");

        assertThat(labelledSessions()).isEmpty();
    }

    private void assertRefused(Sandbox sandbox, WorkerSpec spec, String rule) {
        try {
            Worker w = sandbox.start(spec);
            sandbox.stop(w.ref(), Duration.ZERO);
            throw new AssertionError("started a worker for " + spec.sessionId() + "; expected rule " + rule);
        } catch (BosunException e) {
            assertThat(e.details()).as(e.getMessage()).containsEntry("rule", rule);
            assertThat(e.getMessage()).doesNotContain(dataDir.toString());
        }
        assertThat(workerExists(spec.sessionId())).isFalse();
    }

    protected WorkerSpec spec(String sessionId, String node, Profile profile) throws IOException {
        return spec(sessionId, node, profile, Workspaces.create(dataDir, sessionId));
    }

    protected WorkerSpec spec(String sessionId, String node, Profile profile, Workspace ws) {
        var env = new HashMap<String, String>();
        env.put("BOSUN_SESSION_ID", sessionId);
        env.put("BOSUN_NODE_ID", node);
        env.put("BOSUN_INBOX", ws.inbox().toString());
        env.put("BOSUN_OUTBOX", ws.outbox().toString());
        env.put("BOSUN_WORKSPACE", ws.root().toString());
        return new WorkerSpec(
                sessionId,
                node,
                profile,
                ws,
                env,
                Map.of(WorkerSpec.LABEL_SESSION, sessionId, WorkerSpec.LABEL_NODE, node));
    }
}
