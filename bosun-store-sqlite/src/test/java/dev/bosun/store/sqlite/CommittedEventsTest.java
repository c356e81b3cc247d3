package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.error.BosunException;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.store.CommitListener;
import dev.bosun.store.CommittedEvent;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the writer tells commit listeners (D120): per session, exactly the events each commit wrote, in
 * seq order, so that a follower of the log can take them instead of reading them back; and the WAL is
 * checkpointed by its own thread, not by the writer's commits (D121).
 */
class CommittedEventsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private static NewSession session(String id) {
        return new NewSession(
                id,
                "default",
                "n",
                "a",
                List.of(),
                Json.object(),
                Optional.empty(),
                "node",
                T0,
                Duration.ofMinutes(1),
                Duration.ofHours(1),
                10,
                Duration.ofMinutes(5),
                Optional.empty(),
                Optional.empty());
    }

    /** Collects, in notice order, the events each notice carried for {@code session}. */
    private static final class Heard implements CommitListener {
        final String session;
        final List<CommittedEvent> events = new ArrayList<>();
        int plain;

        Heard(String session) {
            this.session = session;
        }

        @Override
        public synchronized void committed(String sessionId) {
            plain++;
        }

        @Override
        public synchronized void committed(String sessionId, List<CommittedEvent> appended) {
            if (sessionId.equals(session)) events.addAll(appended);
        }

        synchronized List<Event> asEvents() {
            return events.stream().map(CommittedEvent::toEvent).toList();
        }
    }

    @Test
    void listenersGetExactlyTheCommittedEventsInSeqOrderEvenWhenABatchIsReplayed() throws Exception {
        try (var store = SqliteStore.open(dir)) {
            var heard = new Heard("s1");
            store.addCommitListener(heard);
            store.createSession(session("s1"), 100);
            var start = new CountDownLatch(1);
            var futures = new ArrayList<Future<?>>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 1500; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        if (n % 5 == 0) {
                            // Appends an event, then fails: its event is rolled back and must not be announced.
                            try {
                                store.writes.submit((c, touched) -> {
                                    long seq;
                                    try (ResultSet r = c.prepare("UPDATE sessions SET last_seq = last_seq + 1 "
                                                    + "WHERE id = 's1' RETURNING last_seq")
                                            .executeQuery()) {
                                        r.next();
                                        seq = r.getLong(1);
                                    }
                                    SqliteStore.insertEvent(
                                            c, "s1", seq, Direction.IN, "doomed", "{}", null, T0.toEpochMilli());
                                    touched.add("s1");
                                    throw BosunException.notFound("session", "missing");
                                });
                            } catch (BosunException expected) {
                                // the job's own failure
                            }
                            return null;
                        }
                        if (n % 5 == 1) {
                            store.appendAll(
                                    "s1",
                                    List.of(
                                            new NewEvent(
                                                    "s1",
                                                    Direction.IN,
                                                    "pair",
                                                    Json.object().put("n", n),
                                                    Optional.empty(),
                                                    true,
                                                    T0),
                                            new NewEvent(
                                                    "s1",
                                                    Direction.OUT,
                                                    "pair",
                                                    Json.object().put("x", 0.1),
                                                    Optional.empty(),
                                                    false,
                                                    T0)));
                            return null;
                        }
                        store.append(new NewEvent(
                                "s1", Direction.IN, "m", Json.object().put("n", n), Optional.empty(), true, T0));
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) f.get();
            }
            List<Event> log = store.readEvents("s1", 0, 5000);
            assertThat(log).hasSize(1 + 300 * 2 + 900);
            assertThat(log).noneMatch(e -> e.type().equals("doomed"));
            // Callers are completed before the listeners are told: the last notice may still be on its way.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> heard.asEvents().size() >= log.size());
            assertThat(heard.asEvents())
                    .as("the notices carry the log, in order")
                    .isEqualTo(log);
            assertThat(heard.plain)
                    .as("the writer always says what it appended")
                    .isZero();
        }
    }

    @Test
    void aCommitThatAppendsNothingSaysSo() {
        try (var store = SqliteStore.open(dir)) {
            var notices = new ArrayList<List<CommittedEvent>>();
            store.addCommitListener(new CommitListener() {
                @Override
                public void committed(String sessionId) {
                    synchronized (notices) {
                        notices.add(null); // a plain notice: the writer did not say what it appended
                    }
                }

                @Override
                public void committed(String sessionId, List<CommittedEvent> appended) {
                    synchronized (notices) {
                        notices.add(appended);
                    }
                }
            });
            store.createSession(session("s1"), 100);
            awaitNotices(notices, 1); // callers are completed before the listeners are told
            var keyed = new NewEvent("s1", Direction.IN, "m", Json.object(), Optional.of("key-1"), true, T0);
            store.append(keyed);
            awaitNotices(notices, 2);
            store.append(keyed); // a retry of the same source key: answered from the log, nothing appended
            awaitNotices(notices, 3);
            synchronized (notices) {
                assertThat(notices.get(0)).extracting(CommittedEvent::seq).containsExactly(1L);
                assertThat(notices.get(1)).extracting(CommittedEvent::seq).containsExactly(2L);
                assertThat(notices.get(2))
                        .as("the retry's notice: nothing appended")
                        .isEqualTo(List.of());
            }
        }
    }

    private static void awaitNotices(List<List<CommittedEvent>> notices, int n) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            synchronized (notices) {
                return notices.size() >= n;
            }
        });
    }

    @Test
    void theWalIsCheckpointedOffTheWriter() throws Exception {
        try (var store = SqliteStore.open(dir)) {
            long backstop = store.writes.submit((c, touched) -> {
                try (ResultSet r = c.prepare("PRAGMA wal_autocheckpoint").executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            });
            assertThat(backstop).isEqualTo(Checkpointer.WRITER_BACKSTOP_PAGES);
            store.createSession(session("s1"), 100);
            for (int i = 0; i < Checkpointer.COMMITS_PER_CHECKPOINT; i++) {
                store.append(
                        new NewEvent("s1", Direction.IN, "m", Json.object().put("n", i), Optional.empty(), true, T0));
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.checkpointer.runs() >= 1);
            var last = store.checkpointer.last();
            assertThat(last.walFrames()).isPositive();
            assertThat(last.checkpointedFrames()).isPositive();
            assertThat(store.readEvents("s1", 0, 1000)).hasSize(1 + Checkpointer.COMMITS_PER_CHECKPOINT);
        }
    }
}
