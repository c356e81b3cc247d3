package dev.bosun.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.config.BosunConfig;
import dev.bosun.contract.Fixtures;
import dev.bosun.json.Json;
import dev.bosun.sandbox.Availability;
import dev.bosun.sandbox.ProcessSandbox;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.sandbox.WorkerSpec;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.end.SessionEnds;
import dev.bosun.store.EndCause;
import dev.bosun.store.NewSession;
import dev.bosun.store.Store;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor with real worker processes on a real store: a late exit notice, a drain after the
 * clean-up and a second stop are refused by the session's state, and leave nothing behind.
 */
class SupervisionTest {
    @TempDir
    Path dir;

    private BosunConfig config;
    private Store store;
    private CountingSandbox sandbox;
    private SessionEnds ends;
    private Workers workers;

    @BeforeEach
    void open() {
        config = Fixtures.loader(dir).load();
        store = SqliteStore.open(dir);
        sandbox = new CountingSandbox(new ProcessSandbox());
        ends = SessionEnds.standalone(store, Clock.systemUTC());
        workers = new Workers(config, store, Clock.systemUTC(), Map.of("process", sandbox), ends);
    }

    @AfterEach
    void close() {
        for (String id : workers.liveSessions()) end(id);
        workers.close();
        sandbox.close();
        store.close();
    }

    private SupervisedSession startEcho(String id) {
        Instant now = Instant.now();
        Session created = store.createSession(
                new NewSession(
                        id,
                        "default",
                        "n",
                        "agent",
                        List.of(),
                        Json.object(),
                        Optional.of("echo"),
                        config.nodeId(),
                        now,
                        Duration.ofMinutes(30),
                        Duration.ofHours(1),
                        10,
                        Duration.ofMinutes(5),
                        Optional.of(now.plus(Duration.ofMinutes(1))),
                        Optional.of("workspaces/" + id)),
                1000);
        workers.start(created, config.profile("echo").orElseThrow());
        return workers.supervision(id).orElseThrow();
    }

    /** An end by request, as the session manager makes it. */
    private Session end(String id) {
        workers.stopForEnd(id);
        Session ended =
                ends.end(id, new EndCause.Terminated(Optional.of("test"))).session();
        workers.cleanup(ended);
        return ended;
    }

    @Test
    void aLateExitNoticeAfterTheCleanupIsRefusedAndBringsNothingBack() {
        SupervisedSession s = startEcho("late-exit");
        end(s.id());
        assertThat(s.state()).isEqualTo(SupervisedSession.State.CLEANED);
        assertThat(workers.workspaceOf(s.id()).root()).doesNotExist();
        assertThat(workers.exited(s, null)).as("a late exit notice").isFalse();
        assertThat(workers.workspaceOf(s.id()).root())
                .as("the removed workspace stays removed")
                .doesNotExist();
        assertThat(store.getSession(s.id()).orElseThrow().reason()).contains(EndReason.TERMINATED);
    }

    @Test
    void aDrainAfterTheCleanupIsRefused() {
        SupervisedSession s = startEcho("late-drain");
        end(s.id());
        assertThat(workers.drain(s)).isEqualTo(-1);
        assertThat(workers.workspaceOf(s.id()).root()).doesNotExist();
        assertThat(workers.supervision(s.id()))
                .as("the one map forgets a cleaned session")
                .isEmpty();
    }

    @Test
    void aSecondStopIsRefusedAndTheWorkerIsStoppedOnce() {
        SupervisedSession s = startEcho("double-stop");
        workers.stopForEnd(s.id());
        workers.stopForEnd(s.id());
        assertThat(sandbox.stops.get()).isEqualTo(1);
        assertThat(s.state()).isEqualTo(SupervisedSession.State.STOPPING);
        workers.cleanup(
                ends.end(s.id(), new EndCause.Terminated(Optional.empty())).session());
        assertThat(s.state()).isEqualTo(SupervisedSession.State.CLEANED);
    }

    /** The process runtime, counting the stops asked of it. */
    private static final class CountingSandbox implements Sandbox {
        private final Sandbox real;
        final AtomicInteger stops = new AtomicInteger();

        CountingSandbox(Sandbox real) {
            this.real = real;
        }

        @Override
        public String runtime() {
            return real.runtime();
        }

        @Override
        public Availability availability() {
            return real.availability();
        }

        @Override
        public Worker start(WorkerSpec spec) {
            return real.start(spec);
        }

        @Override
        public Optional<Worker> adopt(WorkerRef ref) {
            return real.adopt(ref);
        }

        @Override
        public List<LabelledWorker> list(String nodeId) {
            return real.list(nodeId);
        }

        @Override
        public void stop(WorkerRef ref, Duration grace) {
            stops.incrementAndGet();
            real.stop(ref, grace);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
