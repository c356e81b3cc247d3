package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group commit with a failing job in the middle of a batch: the failure rolls back that job only
 * (its savepoint), and every other job of the batch commits.
 */
class WriteQueueTest {
    @TempDir
    Path dir;

    @Test
    void aFailingJobInABatchLosesOnlyItsOwnWrites() throws Exception {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        try (var store = SqliteStore.open(dir)) {
            store.createSession(
                    new NewSession(
                            "s1",
                            "default",
                            "n",
                            "a",
                            List.of(),
                            Json.object(),
                            Optional.empty(),
                            "node",
                            t0,
                            Duration.ofMinutes(1),
                            Duration.ofHours(1),
                            10,
                            Duration.ofMinutes(5),
                            Optional.empty(),
                            Optional.empty()),
                    100);
            var failures = ConcurrentHashMap.<String>newKeySet();
            var start = new CountDownLatch(1);
            var futures = new ArrayList<Future<?>>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 2000; i++) {
                    int n = i;
                    futures.add(pool.submit(() -> {
                        start.await();
                        if (n % 3 == 0) {
                            // A job that writes and then fails: its write must not survive the batch's commit.
                            try {
                                store.writes.submit((c, touched) -> {
                                    c.prepare("UPDATE sessions SET name = 'clobbered' WHERE id = 's1'")
                                            .executeUpdate();
                                    throw BosunException.notFound("session", "missing");
                                });
                            } catch (BosunException e) {
                                assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND);
                                failures.add("missing" + n);
                            }
                            return null;
                        }
                        store.append(new NewEvent(
                                "s1", Direction.IN, "m", Json.object().put("n", n), Optional.empty(), true, t0));
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) f.get();
            }
            assertThat(failures).hasSize(667).allMatch(f -> f.startsWith("missing"));
            List<Event> log = store.readEvents("s1", 0, 5000);
            assertThat(log).hasSize(1 + 1333);
            assertThat(store.getSession("s1").orElseThrow().name())
                    .as("the failed jobs' writes were rolled back")
                    .isEqualTo("n");
            for (int i = 0; i < log.size(); i++) assertThat(log.get(i).seq()).isEqualTo(i + 1L);
        }
    }
}
