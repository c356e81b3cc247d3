package dev.bosun.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxWatcherTest {
    @TempDir
    Path dataDir;

    final List<String> calls = new CopyOnWriteArrayList<>();
    OutboxWatcher watcher;
    Workspace a;
    Workspace b;

    @BeforeEach
    void setUp() throws IOException {
        a = Workspaces.create(dataDir, "sess_a");
        b = Workspaces.create(dataDir, "sess_b");
        watcher = new OutboxWatcher(calls::add);
        watcher.register("sess_a", a.outbox());
        watcher.register("sess_b", b.outbox());
        watcher.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        watcher.close();
    }

    /** Writes a file the way a worker should: as *.tmp, then renamed into place. */
    private static void workerWrites(Workspace ws, String name) throws IOException {
        Path tmp = Files.writeString(ws.outbox().resolve(name + ".tmp"), "{}");
        Files.move(tmp, ws.outbox().resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void callsBackWithinASecondWhenAFileIsRenamedIntoAnOutbox() throws Exception {
        workerWrites(b, "1.json");

        await().atMost(Duration.ofSeconds(1)).until(() -> calls.contains("sess_b"));
        assertThat(calls).doesNotContain("sess_a");
    }

    @Test
    void callsBackWhenAFileIsCreatedInPlace() throws Exception {
        Files.writeString(a.outbox().resolve("direct.json"), "{}");

        await().atMost(Duration.ofSeconds(1)).until(() -> calls.contains("sess_a"));
    }

    @Test
    void tmpFilesAloneDoNotCallBack() throws Exception {
        Files.writeString(a.outbox().resolve("1.json.tmp"), "{}");
        Files.writeString(a.outbox().resolve("2.tmp"), "{}");
        // then a real one, so we know the watcher has processed everything before it
        workerWrites(b, "marker.json");

        await().atMost(Duration.ofSeconds(1)).until(() -> calls.contains("sess_b"));
        assertThat(calls).containsOnly("sess_b");
    }

    @Test
    void unregisteredSessionsAreNotCalledBack() throws Exception {
        watcher.unregister("sess_a");
        workerWrites(a, "1.json");
        workerWrites(b, "marker.json");

        await().atMost(Duration.ofSeconds(1)).until(() -> calls.contains("sess_b"));
        assertThat(calls).doesNotContain("sess_a");
        assertThat(watcher.registered()).containsExactly("sess_b");
    }

    @Test
    void aRemovedWorkspaceIsForgotten() throws Exception {
        Workspaces.remove(a);

        await().atMost(Duration.ofSeconds(2)).until(() -> watcher.registered().equals(List.of("sess_b")));
    }

    @Test
    void anOverflowCallsBackForEverySession() throws Exception {
        Workspace quiet = Workspaces.create(dataDir, "sess_quiet");
        CountDownLatch release = new CountDownLatch(1);
        watcher.close();
        calls.clear();
        watcher = new OutboxWatcher(id -> {
            calls.add(id);
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        watcher.register("sess_a", a.outbox());
        watcher.register("sess_b", b.outbox());
        watcher.register("sess_quiet", quiet.outbox());
        watcher.start();

        // Hold the watcher thread in a callback while b's key collects more events than the
        // JDK keeps per key (512); the excess turns into an OVERFLOW event.
        workerWrites(a, "first.json");
        await().atMost(Duration.ofSeconds(1)).until(() -> calls.contains("sess_a"));
        for (int i = 0; i < 600; i++) Files.writeString(b.outbox().resolve(i + ".json"), "{}");
        release.countDown();

        await().atMost(Duration.ofSeconds(2)).until(() -> calls.contains("sess_quiet"));
        assertThat(calls).contains("sess_b");
    }

    @Test
    void aFailingCallbackDoesNotStopTheWatcher() throws Exception {
        watcher.close();
        calls.clear();
        watcher = new OutboxWatcher(id -> {
            calls.add(id);
            throw new IllegalStateException("boom");
        });
        watcher.register("sess_a", a.outbox());
        watcher.start();

        workerWrites(a, "1.json");
        await().atMost(Duration.ofSeconds(1)).until(() -> calls.size() == 1);
        workerWrites(a, "2.json");
        await().atMost(Duration.ofSeconds(1)).until(() -> calls.size() == 2);
    }
}
