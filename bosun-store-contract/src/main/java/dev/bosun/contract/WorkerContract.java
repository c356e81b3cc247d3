package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.JsonRules;
import dev.bosun.mailbox.Workspace;
import dev.bosun.session.EndReason;
import dev.bosun.session.LogStream;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Sessions with real worker processes: the mailbox protocol end to end. */
public abstract class WorkerContract extends ManagerHarness {

    private Session startEcho() {
        return manager.startSession(
                SessionConfig.builder("worker", "agent").profile("echo").build());
    }

    private Workspace ws(Session s) {
        return Workspace.at(dataDir, s.id());
    }

    private List<Event> awaitEvents(String id, java.util.function.Predicate<List<Event>> until) {
        return await().atMost(Duration.ofSeconds(15)).until(() -> allEvents(id), until);
    }

    /**
     * Waits for {@code until} as long as the log keeps growing: fails only when 15 s pass without a
     * new event (ingestion stalled), not because a loaded machine ingests a flood slower than some
     * rate (1,041 of 1,500 files in 15 s on PostgreSQL at load 20 failed a fixed 15 s bound).
     */
    private List<Event> awaitWhileGrowing(String id, java.util.function.Predicate<List<Event>> until) {
        int seen = -1;
        while (true) {
            int before = seen;
            List<Event> events = await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> allEvents(id), ev -> until.test(ev) || ev.size() > before);
            if (until.test(events)) return events;
            seen = events.size();
        }
    }

    private static boolean hasType(List<Event> events, String type) {
        return events.stream().anyMatch(e -> e.type().equals(type));
    }

    private static void writeOutbox(Workspace ws, String name, byte[] content) throws IOException {
        Path tmp = ws.outbox().resolve(name + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, ws.outbox().resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aProcessWorkerFillingItsWorkspaceIsStoppedAndItsSessionEndsWorkspaceQuotaExceeded() {
        reconfigure(c -> Fixtures.loader(c.dataDir())
                .set(
                        "profiles",
                        Map.of(
                                "spawner",
                                Map.of(
                                        "command",
                                        List.of("sh", "-c", SandboxContract.SPAWNER),
                                        "workspace_max_files",
                                        100,
                                        "stop_grace",
                                        "1s")))
                .load());
        Session s = manager.startSession(
                SessionConfig.builder("worker", "agent").profile("spawner").build());
        Session ended = await().atMost(Duration.ofSeconds(30)).until(() -> manager.get(s.id()), Session::isEnded);
        assertThat(ended.reason()).contains(EndReason.WORKSPACE_QUOTA_EXCEEDED);
        assertThat(ended.error()).hasValueSatisfying(e -> assertThat(e).contains("workspace_max_files"));
        try (var process = new dev.bosun.sandbox.ProcessSandbox()) {
            assertThat(process.list(manager.workerNode()))
                    .extracting(l -> l.sessionId())
                    .doesNotContain(s.id());
        }
        awaitCleaned(s.id()); // the end commits first; the clean-up follows on the supervisor's thread
        assertThat(ws(s).root()).doesNotExist();
    }

    @Test
    void sendReachesTheWorkerAndItsReplyReachesThePoller() {
        Session s = startEcho();
        assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(s.workspace()).contains("workspaces/" + s.id());
        assertThat(ws(s).inbox()).isDirectory();
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));

        Event in = manager.send(s.id(), "input", json("{\"question\":42}"));
        long cursor = in.seq();
        PollResult r = manager.poll(s.id(), cursor, 10, Duration.ofSeconds(10));
        assertThat(r.events()).isNotEmpty();
        Event echo = r.events().get(0);
        assertThat(echo.direction()).isEqualTo(Direction.OUT);
        assertThat(echo.type()).isEqualTo("echo");
        assertThat(echo.payload().at("/received/seq").asLong()).isEqualTo(in.seq());
        assertThat(echo.payload().at("/received/event_type").asText()).isEqualTo("input");
        assertThat(echo.payload().at("/received/payload/question").asInt()).isEqualTo(42);
        assertGapless(allEvents(s.id()));
        assertThat(manager.get(s.id()).startedAt()).isPresent();
        assertThat(allEvents(s.id()).get(0).payload().get("runtime").asText()).isEqualTo("process");
    }

    @Test
    void invalidJsonFromTheWorkerIsKeptAsRawText() throws Exception {
        Session s = startEcho();
        writeOutbox(ws(s), "a-good.json", "{\"event_type\":\"  reply  \",\"v\":1}".getBytes(StandardCharsets.UTF_8));
        writeOutbox(ws(s), "b-bad.json", "{not-json".getBytes(StandardCharsets.UTF_8));
        List<Event> events = awaitEvents(s.id(), ev -> hasType(ev, "message") && hasType(ev, "reply"));
        Event bad = events.stream()
                .filter(e -> e.type().equals("message"))
                .findFirst()
                .orElseThrow();
        assertThat(bad.payload().get("parse_error").asText()).isEqualTo("invalid_json");
        assertThat(bad.payload().get("raw").asText()).isEqualTo("{not-json");
        assertThat(bad.payload().get("file_name").asText()).isEqualTo("b-bad.json");
        Event good = events.stream()
                .filter(e -> e.type().equals("reply"))
                .findFirst()
                .orElseThrow();
        assertThat(good.seq()).isLessThan(bad.seq()); // name order
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try (var files = Files.list(ws(s).outbox())) {
                return files.findAny().isEmpty();
            }
        });
    }

    @Test
    void anOversizedOutboxFileBecomesAnErrorEventAndIsMovedAside() throws Exception {
        Session s = startEcho();
        byte[] big = ("\"" + "x".repeat(config.maxMessageBytes() + 10) + "\"").getBytes(StandardCharsets.UTF_8);
        writeOutbox(ws(s), "huge.json", big);
        List<Event> events = awaitEvents(s.id(), ev -> hasType(ev, "error"));
        Event err = events.stream()
                .filter(e -> e.type().equals("error"))
                .findFirst()
                .orElseThrow();
        assertThat(err.direction()).isEqualTo(Direction.SYSTEM);
        assertThat(err.payload().get("file_name").asText()).isEqualTo("huge.json");
        assertThat(err.payload().get("size_bytes").asLong()).isEqualTo(big.length);
        assertThat(err.payload().toString()).doesNotContain(dataDir.toString());
        assertThat(ws(s).internal().resolve("rejected/huge.json")).exists().hasSize(big.length);
    }

    @Test
    void anOutboxFileOverAJsonRuleIsMovedAsideWithAnErrorEventAndTheRestIsTaken() throws Exception {
        Session s = startEcho();
        int depth = config.jsonLimits().maxDepth() + 1;
        byte[] deep = ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
        byte[] twice = "{\"event_type\":\"x\",\"a\":{\"k\":1,\"k\":2}}".getBytes(StandardCharsets.UTF_8);
        byte[] lone = "{\"event_type\":\"x\",\"s\":\"\\ud800\"}".getBytes(StandardCharsets.UTF_8);
        writeOutbox(ws(s), "a-deep.json", deep);
        writeOutbox(ws(s), "b-twice.json", twice);
        writeOutbox(ws(s), "c-lone.json", lone);
        writeOutbox(ws(s), "d-fine.json", "{\"event_type\":\"fine\",\"n\":1e400}".getBytes(StandardCharsets.UTF_8));
        List<Event> events = awaitEvents(s.id(), ev -> hasType(ev, "fine"));
        var errors = events.stream().filter(e -> e.type().equals("error")).toList();
        assertThat(errors)
                .extracting(e -> e.payload().get("file_name").asText())
                .containsExactly("a-deep.json", "b-twice.json", "c-lone.json");
        assertThat(errors)
                .extracting(e -> e.payload().get("rule").asText())
                .containsExactly(JsonRules.MAX_DEPTH, JsonRules.DUPLICATE_KEY, JsonRules.VALID_UNICODE);
        assertThat(errors).allSatisfy(e -> {
            assertThat(e.direction()).isEqualTo(Direction.SYSTEM);
            assertThat(e.payload().get("code").asText()).isEqualTo("outbox_file_refused");
            assertThat(e.payload().toString()).doesNotContain(dataDir.toString());
        });
        assertThat(errors.get(1).payload().get("path").asText()).isEqualTo("/a/k");
        assertThat(ws(s).internal().resolve("rejected/a-deep.json")).exists().hasBinaryContent(deep);
        assertThat(ws(s).internal().resolve("rejected/b-twice.json")).exists().hasBinaryContent(twice);
        assertThat(ws(s).internal().resolve("rejected/c-lone.json")).exists().hasBinaryContent(lone);
        Event fine =
                events.stream().filter(e -> e.type().equals("fine")).findFirst().orElseThrow();
        assertThat(fine.payload().get("n").decimalValue()).isEqualTo(new java.math.BigDecimal("1e400"));
        assertGapless(events);
    }

    @Test
    void aFloodingWorkerLosesNothingAndKeepsNameOrder() throws Exception {
        Session s = startEcho();
        int n = 1500;
        for (int i = 0; i < n; i++) {
            writeOutbox(
                    ws(s),
                    String.format("flood-%05d.json", i),
                    ("{\"event_type\":\"flood\",\"i\":" + i + "}").getBytes());
        }
        List<Event> events = awaitWhileGrowing(
                s.id(), ev -> ev.stream().filter(e -> e.type().equals("flood")).count() == n);
        var flood = events.stream().filter(e -> e.type().equals("flood")).toList();
        for (int i = 0; i < n; i++)
            assertThat(flood.get(i).payload().get("i").asInt()).isEqualTo(i);
        assertGapless(events);
    }

    @Test
    void terminateStopsTheWorkerAndRemovesTheWorkspace() {
        Session s = startEcho();
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        long pid = Long.parseLong(store.workerOf(s.id()).orElseThrow().id());
        assertThat(Fixtures.isRunning(pid)).isTrue();
        Session t = manager.terminate(s.id(), "done here");
        assertThat(t.reason()).contains(EndReason.TERMINATED);
        assertThat(Fixtures.isRunning(pid)).isFalse();
        assertThat(ws(s).root()).doesNotExist();
        List<Event> events = allEvents(s.id());
        assertThat(events.get(events.size() - 1).type()).isEqualTo("session_ended");
        assertThat(manager.terminate(s.id(), null).reason()).contains(EndReason.TERMINATED);
    }

    @Test
    void aKeptWorkspaceOutlivesItsSession() {
        Session s = manager.startSession(
                SessionConfig.builder("k", "agent").profile("keep").build());
        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        assertThat(ws(s).root()).isDirectory();
    }

    @Test
    void idleExpiryStopsTheWorkerAndCleansUp() {
        Session s = manager.startSession(SessionConfig.builder("w", "agent")
                .profile("echo")
                .idleTimeout(Duration.ofMinutes(1))
                .build());
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        long pid = Long.parseLong(store.workerOf(s.id()).orElseThrow().id());
        clock.advance(Duration.ofMinutes(2));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_IDLE);
        await().atMost(Duration.ofSeconds(10)).until(() -> !Fixtures.isRunning(pid));
        assertThat(ws(s).root()).doesNotExist();
    }

    @Test
    void aWorkerThatExitsAtOnceEndsItsSessionWithTheExitCode() {
        Session s = manager.startSession(
                SessionConfig.builder("x", "agent").profile("exit3").build());
        Session ended = await().atMost(Duration.ofSeconds(10)).until(() -> manager.get(s.id()), Session::isEnded);
        assertThat(ended.reason()).contains(EndReason.WORKER_EXITED);
        assertThat(ended.outcome()).contains(SessionOutcome.FAILED);
        assertThat(ended.exitCode()).contains(3);
        // The cleanup follows the end's commit, which the await above may see first.
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(ws(s).root()));
        expectError(ErrorCode.CONFLICT, () -> manager.send(s.id(), "input", json("{}")));
    }

    @Test
    void aWorkerCrashingMidSessionKeepsWhatItWroteLast() {
        Session s = startEcho();
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        manager.send(s.id(), "input", json("{\"cmd\":\"exit_now\"}"));
        Session ended = await().atMost(Duration.ofSeconds(10)).until(() -> manager.get(s.id()), Session::isEnded);
        assertThat(ended.reason()).contains(EndReason.WORKER_EXITED);
        assertThat(ended.exitCode()).contains(7);
        assertGapless(allEvents(s.id()));
    }

    @Test
    void aWorkerThatCannotStartFailsTheSessionWithAClearError() {
        var e = expectError(
                ErrorCode.INTERNAL,
                () -> manager.startSession(
                        SessionConfig.builder("m", "agent").profile("missing").build()));
        assertThat(e.getMessage()).doesNotContain("/nonexistent").doesNotContain(dataDir.toString());
        String id = (String) e.details().get("session_id");
        Session s = manager.get(id);
        assertThat(s.reason()).contains(EndReason.STARTUP_FAILED);
        assertThat(s.outcome()).contains(SessionOutcome.FAILED);
        assertThat(Workspace.at(dataDir, id).root()).doesNotExist();
    }

    @Test
    void workerLogsAreReadableAndBounded() throws Exception {
        reconfigure(c -> Fixtures.withWorkerLogMaxBytes(c, 16 * 1024));
        Session s = manager.startSession(
                SessionConfig.builder("l", "agent").profile("chatty").build());
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> manager.logs(s.id(), LogStream.STDERR, 4096).contains("hello-err"));
        Path out = ws(s).stdoutLog();
        // the periodic rescan rotates the log: the live file and its one predecessor stay bounded
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Files.size(out) <= 16 * 1024 && Files.exists(out.resolveSibling("stdout.log.1")));
        String tail = manager.logs(s.id(), LogStream.STDOUT, 2048);
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2048);
        assertThat(tail).contains("line-1999");
        var e = expectError(
                ErrorCode.CONFLICT,
                () -> manager.logs(
                        manager.startSession(SessionConfig.builder("n", "a").build())
                                .id(),
                        LogStream.STDOUT,
                        100));
        assertThat(e.getMessage()).contains("no worker");
    }

    @Test
    void sendsBeforeARestartAreDeliveredAndTheLiveWorkerIsAdopted() {
        Session s = startEcho();
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        long pid = Long.parseLong(store.workerOf(s.id()).orElseThrow().id());
        restart();
        assertThat(Fixtures.isRunning(pid)).isTrue();
        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        Event in = manager.send(s.id(), "input", json("{\"after\":\"restart\"}"));
        PollResult r = manager.poll(s.id(), in.seq(), 10, Duration.ofSeconds(10));
        assertThat(r.events()).extracting(Event::type).contains("echo");
    }

    @Test
    void aWorkerThatDiedWhileBosunWasDownEndsWorkerLostAfterItsOutboxIsIngested() throws Exception {
        Session s = startEcho();
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        var ref = store.workerOf(s.id()).orElseThrow();
        closeKeepingSessions();
        new dev.bosun.sandbox.ProcessSandbox().stop(ref, Duration.ofSeconds(1));
        writeOutbox(ws(s), "written-while-down.json", "{\"event_type\":\"late\"}".getBytes());
        open();
        Session ended = manager.get(s.id());
        assertThat(ended.reason()).contains(EndReason.WORKER_LOST);
        List<Event> events = allEvents(s.id());
        assertThat(events).extracting(Event::type).contains("late");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("session_ended");
        assertGapless(events);
    }

    @Test
    void orphanedWorkersAreStoppedOnStart() {
        Session s = startEcho();
        awaitEvents(s.id(), ev -> hasType(ev, "ready"));
        long pid = Long.parseLong(store.workerOf(s.id()).orElseThrow().id());
        // Simulate a crash after the end committed but before the worker was stopped:
        closeKeepingSessions();
        var st = factory().open(dataDir);
        st.endSession(new dev.bosun.store.EndRequest(
                s.id(),
                SessionOutcome.CANCELLED,
                EndReason.TERMINATED,
                Optional.empty(),
                Optional.empty(),
                dev.bosun.store.EndRequest.Precondition.NONE,
                clock.instant()));
        st.close();
        assertThat(Fixtures.isRunning(pid)).isTrue();
        open();
        await().atMost(Duration.ofSeconds(10)).until(() -> !Fixtures.isRunning(pid));
        assertThat(ws(s).root()).doesNotExist();
    }
}
