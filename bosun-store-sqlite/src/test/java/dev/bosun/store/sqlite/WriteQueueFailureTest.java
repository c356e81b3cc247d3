package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.EndRequest;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.StoreHealth;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer when the store itself fails: SQLite may end the transaction on its own (as it does on
 * SQLITE_FULL), and a failed commit must leave nothing behind, consume no seq, announce nothing,
 * and not wedge the writer. Faults are made without a real disk: a job that ends the transaction
 * behind the writer's back, and {@code max_page_count}, which makes SQLite answer SQLITE_FULL.
 */
class WriteQueueFailureTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    static NewSession session(String id) {
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

    static NewEvent event(String session, int n, int bytes) {
        return new NewEvent(
                session,
                Direction.IN,
                "m",
                Json.object().put("n", n).put("pad", "x".repeat(bytes)),
                Optional.empty(),
                true,
                T0);
    }

    static void assertGapless(SqliteStore store, String session) {
        List<Event> log = store.readEvents(session, 0, 100_000);
        for (int i = 0; i < log.size(); i++)
            assertThat(log.get(i).seq()).as("seq of event %d", i).isEqualTo(i + 1L);
        assertThat(store.getSession(session).orElseThrow().lastSeq())
                .as("last_seq")
                .isEqualTo(log.size());
    }

    @Test
    void aTransactionEndedBySqliteItselfVoidsTheWholeBatchAndNothingRunsOutsideIt() throws Exception {
        try (var store = SqliteStore.open(dir, new SqliteStore.Options(true, 0))) {
            store.createSession(session("s1"), 100);
            store.writes.submit((c, t) -> null); // the writer announces a commit after answering: let that one pass
            var announced = new ArrayList<String>();
            store.addCommitListener(announced::add);
            var hold = new CountDownLatch(1);
            var holding = new CountDownLatch(1);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                // The first batch holds the writer until the second one is assembled behind it.
                Future<?> blocker = pool.submit(() -> store.writes.submit((c, t) -> {
                    holding.countDown();
                    try {
                        hold.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
                holding.await();
                var before = new ArrayList<Future<Event>>();
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    before.add(pool.submit(() -> store.append(event("s1", n, 10))));
                    await().until(() -> store.writes.pending() == n + 1);
                }
                // As SQLite does on SQLITE_FULL: the transaction is rolled back under the writer, and the job fails.
                Future<Object> killer = pool.submit(() -> store.writes.submit((c, t) -> {
                    c.prepare("ROLLBACK").execute();
                    throw new SQLException("[SQLITE_ERROR] simulated failure after SQLite rolled back");
                }));
                await().until(() -> store.writes.pending() == 6);
                var after = new ArrayList<Future<Event>>();
                for (int i = 5; i < 10; i++) {
                    int n = i;
                    after.add(pool.submit(() -> store.append(event("s1", n, 10))));
                    await().until(() -> store.writes.pending() == n + 2);
                }
                hold.countDown();
                blocker.get();
                for (var f : before)
                    assertThat(failure(f))
                            .as("a job committed with the batch that was lost")
                            .isNotNull();
                assertThat(failure(killer)).isNotNull();
                for (var f : after)
                    assertThat(failure(f))
                            .as("a job after the loss of the transaction")
                            .isNotNull();
            }
            assertThat(store.readEvents("s1", 0, 100))
                    .as("nothing of the voided batch committed")
                    .hasSize(1);
            assertThat(announced).as("nothing announced to commit listeners").isEmpty();
            assertGapless(store, "s1");
            // The writer goes on: the next write gets seq 2.
            assertThat(store.append(event("s1", 99, 10)).seq()).isEqualTo(2);
            assertGapless(store, "s1");
        }
        try (var store = SqliteStore.open(dir, new SqliteStore.Options(true, 0))) {
            assertThat(store.readEvents("s1", 0, 100)).extracting(Event::seq).containsExactly(1L, 2L);
        }
    }

    private static Throwable failure(Future<?> f) throws InterruptedException {
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aFullDatabaseFailsWritesAsDiskFullConsumesNoSeqAndRecoversWithoutARestart() throws Exception {
        try (var store = SqliteStore.open(dir, new SqliteStore.Options(true, 0))) {
            store.createSession(session("s1"), 100);
            store.createSession(session("s2"), 100);
            long pages = store.writes.submit((c, t) -> {
                try (var r = c.jdbc.createStatement().executeQuery("PRAGMA page_count")) {
                    r.next();
                    return r.getLong(1);
                }
            });
            store.writes.submit((c, t) ->
                    c.prepare("PRAGMA max_page_count = " + (pages + 8)).execute());
            int ok = 0;
            BosunException full = null;
            for (int i = 0; i < 1000 && full == null; i++) {
                try {
                    store.append(event("s1", i, 2000));
                    ok++;
                } catch (BosunException e) {
                    full = e;
                }
            }
            assertThat(full).as("the database filled up").isNotNull();
            assertThat(full.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);
            assertThat(full.getMessage()).contains("disk is full").contains("nothing of this request was written");
            assertThat(full.details()).containsEntry("retry_after_seconds", WriteQueue.RETRY_AFTER_SECONDS);
            assertThat(store.health().state()).isEqualTo(StoreHealth.State.DISK_FULL);
            assertThat(store.healthy()).isFalse();
            // What grows is refused at once; a new session is not half made.
            assertThatThrownBy(() -> store.append(event("s1", -1, 10)))
                    .satisfies(e -> assertThat(((BosunException) e).code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
            assertThatThrownBy(() -> store.createSession(session("s3"), 100))
                    .satisfies(e -> assertThat(((BosunException) e).code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE));
            assertThat(store.getSession("s3")).isEmpty();
            assertGapless(store, "s1");
            assertThat(store.readEvents("s1", 0, 10_000)).hasSize(1 + ok);

            // Room comes back (here: the limit is lifted); the probe finds it and writes resume by themselves.
            store.writes.submit(
                    WriteQueue.Kind.SETTLES,
                    (c, t) -> c.prepare("PRAGMA max_page_count = 1073741823").execute());
            await().atMost(Duration.ofSeconds(10)).until(() -> store.health().ready());
            Event next = store.append(event("s1", 1000, 10));
            assertThat(next.seq()).as("no seq was consumed by the failed sends").isEqualTo(2L + ok);
            assertGapless(store, "s1");
            assertThat(store.endSession(new EndRequest(
                                    "s2",
                                    SessionOutcome.SUCCESS,
                                    EndReason.COMPLETED,
                                    Optional.empty(),
                                    Optional.empty(),
                                    EndRequest.Precondition.NONE,
                                    T0))
                            .transitioned())
                    .isTrue();
            assertGapless(store, "s2");
        }
    }
}
