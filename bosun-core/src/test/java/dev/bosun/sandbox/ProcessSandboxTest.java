package dev.bosun.sandbox;

import static dev.bosun.sandbox.ProcessFixture.exitOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSandboxTest {
    private static final ProcFs PROC = ProcFs.system();

    @TempDir
    Path dataDir;

    private ProcessFixture fx;

    @BeforeEach
    void setUp() throws IOException {
        fx = new ProcessFixture(dataDir);
        assertThat(fx.sandbox.availability().usable())
                .as(fx.sandbox.availability().detail())
                .isTrue();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void writesBothStreamsToTheWorkspaceLogsAndReadsEofOnStdin() throws Exception {
        var worker = fx.sh("echo to-out; echo to-err >&2; if read line; then echo got-input; else echo stdin-eof; fi");

        assertThat(exitOf(worker).exitCode()).contains(0);
        assertThat(Files.readString(fx.workspace.stdoutLog())).isEqualTo("to-out\nstdin-eof\n");
        assertThat(Files.readString(fx.workspace.stderrLog())).isEqualTo("to-err\n");
    }

    @Test
    void appendsToExistingLogs() throws Exception {
        Files.writeString(fx.workspace.stdoutLog(), "earlier\n");

        exitOf(fx.sh("echo later"));

        assertThat(Files.readString(fx.workspace.stdoutLog())).isEqualTo("earlier\nlater\n");
    }

    @Test
    void createsTheLogsDirectoryWhenMissing() throws Exception {
        Files.delete(fx.workspace.logs());

        exitOf(fx.sh("echo hi"));

        assertThat(Files.readString(fx.workspace.stdoutLog())).isEqualTo("hi\n");
    }

    @Test
    void workerSeesOnlyItsOwnEnvironmentAndRunsInTheWorkspace() throws Exception {
        exitOf(fx.sh("env > env.txt; pwd > pwd.txt"));

        var env = Files.readAllLines(fx.file("env.txt")).stream()
                .filter(l -> l.contains("="))
                .collect(Collectors.toMap(
                        l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> a));
        // PWD is set by the shell itself.
        env.remove("PWD");
        assertThat(env)
                .containsOnlyKeys(
                        "PATH",
                        "HOME",
                        "LANG",
                        "BOSUN_SESSION_ID",
                        "BOSUN_NODE_ID",
                        "BOSUN_INBOX",
                        "BOSUN_OUTBOX",
                        "BOSUN_WORKSPACE");
        assertThat(env)
                .containsEntry("HOME", fx.workspace.root().toString())
                .containsEntry("LANG", "C.UTF-8")
                .containsEntry("PATH", System.getenv("PATH"))
                .containsEntry("BOSUN_SESSION_ID", ProcessFixture.SESSION)
                .containsEntry("BOSUN_INBOX", fx.workspace.inbox().toString());
        // The JVM running this test certainly has JAVA_HOME or HOSTNAME-like variables of its own.
        var hostOnly = System.getenv().keySet().stream()
                .filter(k -> !Set.of("PATH", "HOME", "LANG", "PWD").contains(k))
                .toList();
        assertThat(hostOnly).isNotEmpty();
        assertThat(env.keySet()).doesNotContainAnyElementsOf(hostOnly);
        assertThat(Files.readString(fx.file("pwd.txt")).strip())
                .isEqualTo(fx.workspace.root().toString());
    }

    @Test
    void specEnvironmentOverridesTheDefaults() throws Exception {
        var spec = fx.spec("node-test", ProcessFixture.profile(List.of("sh", "-c", "echo $LANG"), Profile.Limits.NONE));
        var env = new HashMap<>(spec.env());
        env.put("LANG", "en_GB.UTF-8");
        var worker = fx.start(
                new WorkerSpec(spec.sessionId(), spec.nodeId(), spec.profile(), spec.workspace(), env, spec.labels()));

        exitOf(worker);

        assertThat(Files.readString(fx.workspace.stdoutLog())).isEqualTo("en_GB.UTF-8\n");
    }

    @Test
    void workerKeepsItsPidAndLeadsItsOwnSessionAndGroup() throws Exception {
        var worker = fx.sh("echo $$ > pid.txt; sleep 1000");
        long pid = Long.parseLong(worker.ref().id());

        await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.exists(fx.file("pid.txt"))
                        && !Files.readString(fx.file("pid.txt")).isBlank());

        assertThat(Files.readString(fx.file("pid.txt")).strip())
                .isEqualTo(worker.ref().id());
        var stat = PROC.stat(pid).orElseThrow();
        assertThat(stat.session()).isEqualTo(pid);
        assertThat(stat.pgrp()).isEqualTo(pid);
        assertThat(worker.ref().runtime()).isEqualTo("process");
        assertThat(worker.ref().attributes())
                .containsEntry("start_ticks", Long.toString(stat.startTicks()))
                .containsEntry(
                        "start_time_ms",
                        Long.toString(ProcessHandle.of(pid)
                                .orElseThrow()
                                .info()
                                .startInstant()
                                .orElseThrow()
                                .toEpochMilli()));
    }

    @Test
    void reportsTheExitCode() throws Exception {
        var exit = exitOf(fx.sh("exit 3"));

        assertThat(exit.exitCode()).contains(3);
        assertThat(exit.detail()).isEqualTo("exited with code 3");
        assertThat(exit.oomKilled()).isFalse();
    }

    @Test
    void decodesDeathBySignal() throws Exception {
        var exit = exitOf(fx.sh("kill -KILL $$"));

        assertThat(exit.exitCode()).contains(128 + 9);
        assertThat(exit.detail()).isEqualTo("killed by signal 9 (SIGKILL)");
    }

    @Test
    void stopKillsTheWholeTreeIncludingDoubleForkedAndNewSessionDescendants() throws Exception {
        // A background child, a double-forked orphan, and a child that moved to its own session.
        var worker = fx.sh("""
                sleep 1000 & echo $! >> pids
                (sleep 1000 & echo $! >> pids)
                setsid sleep 1000 & echo $! >> pids
                echo $$ >> pids
                wait
                """);
        // The setsid child is listed in pids as soon as it is forked, but leads its own session only
        // once setsid(2) ran in it: wait for that, not only for the file.
        await().atMost(Duration.ofSeconds(5)).until(() -> pids().size() == 4 && leadsItsSession(pids().get(2)));
        var pids = pids();
        assertThat(pids).allMatch(ProcessSandboxTest::running);
        assertThat(PROC.stat(pids.get(1)).orElseThrow().ppid())
                .isNotEqualTo(Long.parseLong(worker.ref().id()));

        fx.sandbox.stop(worker.ref(), Duration.ofSeconds(2));

        assertThat(pids).noneMatch(ProcessSandboxTest::running);
        assertThat(exitOf(worker).detail()).isEqualTo("killed by signal 15 (SIGTERM)");
    }

    @Test
    void stopKillsAnOrphanThatMovedToAnotherProcessGroup() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "needs perl to call setpgrp");
        // Double-forked and in its own group: only its session still ties it to the worker.
        var worker = fx.sh("""
                (perl -e 'setpgrp(0, 0); exec qw(sleep 1000)' & echo $! >> pids)
                echo $$ >> pids
                exec sleep 1000
                """);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> pids().size() == 2
                        && PROC.stat(pids().get(0))
                                .map(s -> s.pgrp() == s.pid())
                                .orElse(false));
        long orphan = pids().get(0);
        assertThat(running(Long.parseLong(worker.ref().id()))).isTrue();

        fx.sandbox.stop(worker.ref(), Duration.ofSeconds(2));

        assertThat(running(orphan)).isFalse();
    }

    @Test
    void stopSweepsUpOrphansOfAWorkerThatHasAlreadyExited() throws Exception {
        var worker = fx.sh("(sleep 1000 & echo $! >> pids)");
        exitOf(worker);
        long orphan = pids().get(0);
        assertThat(running(orphan)).isTrue();

        fx.sandbox.stop(worker.ref(), Duration.ofSeconds(2));

        assertThat(running(orphan)).isFalse();
    }

    @Test
    void stopGivesATermTrappingWorkerItsGraceAndReturnsWhenItIsGone() throws Exception {
        // The cleanup takes a while and starts a new process, which a premature SIGKILL would cut short.
        var worker =
                fx.sh("trap 'sleep 0.3; echo bye > marker; exit 0' TERM; echo > ready; while :; do sleep 0.05; done");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(fx.file("ready")));

        long t0 = System.nanoTime();
        fx.sandbox.stop(worker.ref(), Duration.ofSeconds(10));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThat(running(Long.parseLong(worker.ref().id()))).isFalse();
        assertThat(fx.file("marker")).hasContent("bye");
        assertThat(exitOf(worker).exitCode()).contains(0);
    }

    @Test
    void stopKillsAWorkerIgnoringTermAfterTheGrace() throws Exception {
        var worker = fx.sh("trap '' TERM; echo > ready; while :; do sleep 0.05; done");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(fx.file("ready")));

        long t0 = System.nanoTime();
        fx.sandbox.stop(worker.ref(), Duration.ofMillis(400));

        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        assertThat(running(Long.parseLong(worker.ref().id()))).isFalse();
        assertThat(exitOf(worker).detail()).isEqualTo("killed by signal 9 (SIGKILL)");
    }

    @Test
    void stopIsIdempotentAndAcceptsAGoneWorker() throws Exception {
        var worker = fx.sh("exit 0");
        exitOf(worker);

        fx.sandbox.stop(worker.ref(), Duration.ofSeconds(1));
        fx.sandbox.stop(worker.ref(), Duration.ofSeconds(1));
    }

    @Test
    void stopLeavesAProcessThatReusedThePidAlone() throws Exception {
        var victim = fx.sh("sleep 1000");
        var ref = victim.ref();
        var recycled = new WorkerRef(
                "process",
                ref.id(),
                Map.of(
                        "start_ticks",
                        Long.toString(Long.parseLong(ref.attributes().get("start_ticks")) - 1)));

        fx.sandbox.stop(recycled, Duration.ZERO);

        assertThat(running(Long.parseLong(ref.id()))).isTrue();
    }

    @Test
    void adoptsARunningWorkerFromAnotherInstanceAndSeesItExit() throws Exception {
        var worker = fx.sh("sleep 1000");
        try (var restarted = new ProcessSandbox()) {
            var adopted = restarted.adopt(worker.ref()).orElseThrow();
            assertThat(adopted.ref()).isEqualTo(worker.ref());
            assertThat(adopted.onExit().toCompletableFuture()).isNotDone();

            ProcessHandle.of(Long.parseLong(worker.ref().id())).orElseThrow().destroyForcibly();

            var exit = exitOf(adopted);
            assertThat(exit.exitCode()).isEmpty();
            assertThat(exit.detail()).isEqualTo("exit code unavailable for an adopted worker");
        }
    }

    @Test
    void closingTheRuntimeFailsPendingAdoptedExitsButLeavesTheWorkerRunning() throws Exception {
        var worker = fx.sh("sleep 1000");
        var restarted = new ProcessSandbox();
        var adopted = restarted.adopt(worker.ref()).orElseThrow();

        restarted.close();

        assertThat(adopted.onExit().toCompletableFuture())
                .failsWithin(Duration.ofSeconds(1))
                .withThrowableThat()
                .havingRootCause()
                .isInstanceOf(BosunException.class);
        assertThat(running(Long.parseLong(worker.ref().id()))).isTrue();
        assertThatThrownBy(() -> restarted.adopt(worker.ref())).isInstanceOf(BosunException.class);
    }

    @Test
    void adoptFallsBackToTheWallClockStartTimeWhenTicksWereNotRecorded() throws Exception {
        var worker = fx.sh("sleep 1000");
        var attrs = new HashMap<>(worker.ref().attributes());
        attrs.remove("start_ticks");
        var millisOnly = new WorkerRef("process", worker.ref().id(), attrs);

        assertThat(fx.sandbox.adopt(millisOnly)).isPresent();

        attrs.put("start_time_ms", Long.toString(Long.parseLong(attrs.get("start_time_ms")) - 5000));
        assertThat(fx.sandbox.adopt(new WorkerRef("process", worker.ref().id(), attrs)))
                .isEmpty();
    }

    @Test
    void adoptRefusesARecycledPidOrAnUnverifiableReference() throws Exception {
        var worker = fx.sh("sleep 1000");
        var attrs = new HashMap<>(worker.ref().attributes());
        attrs.put("start_ticks", Long.toString(Long.parseLong(attrs.get("start_ticks")) + 1));

        assertThat(fx.sandbox.adopt(new WorkerRef("process", worker.ref().id(), attrs)))
                .isEmpty();
        assertThat(fx.sandbox.adopt(new WorkerRef("process", worker.ref().id(), Map.of())))
                .isEmpty();
        assertThat(fx.sandbox.adopt(worker.ref())).isPresent();
    }

    @Test
    void adoptOfAnExitedWorkerIsEmpty() throws Exception {
        var worker = fx.sh("exit 0");
        exitOf(worker);

        assertThat(fx.sandbox.adopt(worker.ref())).isEmpty();
    }

    @Test
    void adoptRejectsAnotherRuntimesReference() {
        assertThatThrownBy(() -> fx.sandbox.adopt(new WorkerRef("docker", "abc123", Map.of())))
                .isInstanceOfSatisfying(
                        BosunException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void listFindsTheWorkerOfItsNodeOnceAndNotForAnotherNode() throws Exception {
        String node = "node-" + System.nanoTime();
        // Both children inherit the labels but are not the worker, not even the one leading a session.
        var worker = fx.start(fx.spec(
                node,
                ProcessFixture.profile(
                        List.of("sh", "-c", "sleep 1000 & setsid sleep 1000 & echo $! > pids; echo > ready; wait"),
                        Profile.Limits.NONE)));
        // Listed while the child already leads its own session, the case this test is about.
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Files.exists(fx.file("ready")) && pids().size() == 1 && leadsItsSession(pids().get(0)));

        assertThat(fx.sandbox.list(node))
                .containsExactly(new Sandbox.LabelledWorker(worker.ref(), ProcessFixture.SESSION));
        assertThat(fx.sandbox.list(node + "-other")).isEmpty();

        fx.sandbox.stop(worker.ref(), Duration.ZERO);
        assertThat(fx.sandbox.list(node)).isEmpty();
    }

    /**
     * Java's start() returns once setsid is exec'd, not once the worker leads its session. A setsid
     * that takes its time (as a loaded host makes the real one) widened that window, and a restart or
     * a reconciliation pass in it missed the live worker (issue 11, item 0).
     */
    @Test
    void aWorkerIsListedTheMomentStartReturnsEvenWhenSetsidIsSlow() throws Exception {
        var tools = HostTools.detect();
        Path slowSetsid = dataDir.resolve("slow-setsid");
        Files.writeString(
                slowSetsid, "#!/bin/sh\nsleep 0.3\nexec " + tools.setsid().orElseThrow() + " \"$@\"\n");
        assertThat(slowSetsid.toFile().setExecutable(true)).isTrue();
        String node = "node-" + System.nanoTime();
        try (var slow = new ProcessSandbox(
                new HostTools(tools.sh(), Optional.of(slowSetsid), tools.prlimit()),
                ProcFs.system(),
                System.getenv("PATH"))) {
            var worker =
                    slow.start(fx.spec(node, ProcessFixture.profile(List.of("sleep", "1000"), Profile.Limits.NONE)));
            try {
                assertThat(slow.list(node))
                        .containsExactly(new Sandbox.LabelledWorker(worker.ref(), ProcessFixture.SESSION));
            } finally {
                slow.stop(worker.ref(), Duration.ZERO);
            }
        }
    }

    @Test
    void appliesResourceLimitsWithPrlimit() throws Exception {
        var limits = new Profile.Limits(
                Optional.of(123L), Optional.of(456L), Optional.of(1_048_576L), Optional.of(1L << 30), Optional.of(0.5));
        var worker = fx.start(fx.spec(
                "node-test", ProcessFixture.profile(List.of("sh", "-c", "ulimit -n; cat /proc/self/limits"), limits)));

        exitOf(worker);

        var out = Files.readString(fx.workspace.stdoutLog());
        assertThat(out).startsWith("123\n");
        assertThat(out)
                .containsPattern("Max open files\\s+123\\s+123\\s")
                .containsPattern("Max processes\\s+456\\s+456\\s")
                .containsPattern("Max file size\\s+1048576\\s+1048576\\s");
    }

    @Test
    void refusesLimitsItCannotApplyWhenPrlimitIsMissing() {
        var tools = HostTools.detect();
        try (var noPrlimit = new ProcessSandbox(
                new HostTools(tools.sh(), tools.setsid(), Optional.empty()), ProcFs.system(), System.getenv("PATH"))) {
            var limits = new Profile.Limits(
                    Optional.of(64L), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

            assertThat(noPrlimit.availability().usable()).isTrue();
            assertThat(noPrlimit.availability().detail()).contains("prlimit");
            assertThatThrownBy(() -> noPrlimit.start(
                            fx.spec("node-test", ProcessFixture.profile(List.of("sh", "-c", "true"), limits))))
                    .isInstanceOfSatisfying(BosunException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("prlimit");
                    });
        }
    }

    @Test
    void isUnavailableWithoutSetsid() {
        var tools = HostTools.detect();
        try (var noSetsid = new ProcessSandbox(
                new HostTools(tools.sh(), Optional.empty(), tools.prlimit()), ProcFs.system(), System.getenv("PATH"))) {
            assertThat(noSetsid.availability().usable()).isFalse();
            assertThat(noSetsid.availability().detail()).contains("setsid");
            assertThatThrownBy(() -> noSetsid.start(fx.spec(
                            "node-test", ProcessFixture.profile(List.of("sh", "-c", "true"), Profile.Limits.NONE))))
                    .isInstanceOfSatisfying(
                            BosunException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }

    @Test
    void missingCommandFailsStartNamingOnlyTheProgram() {
        assertStartFails(
                List.of("no-such-agent-xyz"), "worker command 'no-such-agent-xyz' was not found on the worker's PATH");
        assertStartFails(List.of(dataDir.resolve("opt/bin/agent").toString()), "worker command 'agent' does not exist");
    }

    @Test
    void nonExecutableCommandFailsStartNamingOnlyTheProgram() throws IOException {
        Files.writeString(fx.file("tool.sh"), "#!/bin/sh\necho hi\n");

        assertStartFails(List.of("./tool.sh"), "worker command 'tool.sh' is not executable");
        assertStartFails(List.of(fx.file("tool.sh").toString()), "worker command 'tool.sh' is not executable");
    }

    private void assertStartFails(List<String> command, String message) {
        assertThatThrownBy(() -> fx.start(fx.spec("node-test", ProcessFixture.profile(command, Profile.Limits.NONE))))
                .isInstanceOfSatisfying(BosunException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo(message).doesNotContain(dataDir.toString());
                });
    }

    private List<Long> pids() throws IOException {
        Path file = fx.file("pids");
        if (!Files.exists(file)) return List.of();
        return Arrays.stream(Files.readString(file, StandardCharsets.UTF_8).split("\\s+"))
                .filter(s -> !s.isBlank())
                .map(Long::parseLong)
                .toList();
    }

    /** Whether the process has called setsid(2): it leads its session and its process group. */
    private static boolean leadsItsSession(long pid) {
        return PROC.stat(pid).map(st -> st.session() == pid && st.pgrp() == pid).orElse(false);
    }

    /** Running, not merely listed: this machine's init may leave orphans as zombies. */
    private static boolean running(long pid) {
        return PROC.stat(pid).filter(ProcFs.Stat::running).isPresent();
    }
}
