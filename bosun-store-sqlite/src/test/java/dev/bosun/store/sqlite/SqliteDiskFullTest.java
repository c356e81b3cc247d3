package dev.bosun.store.sqlite;

import static dev.bosun.store.sqlite.WriteQueueFailureTest.assertGapless;
import static dev.bosun.store.sqlite.WriteQueueFailureTest.event;
import static dev.bosun.store.sqlite.WriteQueueFailureTest.session;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.Tmpfs;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.EndRequest;
import dev.bosun.store.StoreHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole disk-full cycle on a real 8 MiB tmpfs: the disk is filled to the last byte under a
 * working store, writes fail as "disk full" and leave nothing behind, ends still commit, and once
 * the filler is deleted the store takes writes again by itself, with no gap in any session's seqs.
 */
class SqliteDiskFullTest {
    @TempDir
    Path tmp;

    @Test
    void aFullDiskFailsWritesCleanlyLetsEndsThroughAndRecoversWithoutARestart() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "8m")) {
            Path data = disk.dir().resolve("data");
            int sent;
            try (var store = SqliteStore.open(data, new SqliteStore.Options(true, 256 * 1024))) {
                for (String id : new String[] {"s1", "s2", "s3"}) store.createSession(session(id), 100);
                for (int i = 0; i < 20; i++) store.append(event("s1", i, 1000));
                sent = 20;

                disk.fill();
                BosunException full = null;
                for (int i = 0; i < 20_000 && full == null; i++) {
                    try {
                        store.append(event("s1", i, 1000));
                        sent++;
                    } catch (BosunException e) {
                        full = e;
                    }
                }
                assertThat(full).as("a send failed on the full disk").isNotNull();
                assertThat(full.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);
                assertThat(full.getMessage()).contains("disk is full");
                assertThat(full.details()).containsEntry("retry_after_seconds", WriteQueue.RETRY_AFTER_SECONDS);
                assertThat(store.health().state()).isEqualTo(StoreHealth.State.DISK_FULL);
                assertGapless(store, "s1");
                assertThat(store.readEvents("s1", 0, 100_000)).hasSize(1 + sent);

                // A create answered with an error leaves no session behind.
                var refused = catchThrowableOfType(BosunException.class, () -> store.createSession(session("s4"), 100));
                assertThat(refused.code()).isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);
                assertThat(store.getSession("s4")).isEmpty();

                // Ends and terminates commit on the full disk (the reserve makes the room).
                assertThat(store.endSession(end("s2", EndReason.TERMINATED)).transitioned())
                        .isTrue();
                assertThat(store.endSession(end("s3", EndReason.COMPLETED)).transitioned())
                        .isTrue();
                assertThat(store.readEvents("s2", 0, 10))
                        .extracting(Event::type)
                        .containsExactly("session_started", "session_ended");
                var still = catchThrowableOfType(BosunException.class, () -> store.append(event("s1", -1, 10)));
                assertThat(still.code()).as("what grows still waits").isEqualTo(ErrorCode.INSUFFICIENT_STORAGE);

                // Space comes back: the writer recovers by itself, no restart.
                disk.free();
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> store.health().ready());
                Event next = store.append(event("s1", 99, 10));
                assertThat(next.seq()).as("failed sends consumed no seq").isEqualTo(2L + sent);
                store.createSession(session("s4"), 100);
                assertThat(store.readEvents("s4", 0, 10))
                        .extracting(Event::type)
                        .containsExactly("session_started");
                for (String id : new String[] {"s1", "s2", "s3", "s4"}) assertGapless(store, id);
            }
            try (var store = SqliteStore.open(data, new SqliteStore.Options(true, 256 * 1024))) {
                assertThat(store.readEvents("s1", 0, 100_000)).hasSize(2 + sent);
                for (String id : new String[] {"s1", "s2", "s3", "s4"}) assertGapless(store, id);
                assertThat(store.liveSessionCount()).isEqualTo(2);
            }
        }
    }

    private static EndRequest end(String id, EndReason reason) {
        return new EndRequest(
                id,
                reason == EndReason.TERMINATED ? SessionOutcome.CANCELLED : SessionOutcome.SUCCESS,
                reason,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.NONE,
                WriteQueueFailureTest.T0);
    }
}
