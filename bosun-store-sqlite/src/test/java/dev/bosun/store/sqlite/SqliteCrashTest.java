package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.SessionManager;
import dev.bosun.contract.Fixtures;
import dev.bosun.event.Event;
import dev.bosun.session.SessionStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 in the middle of traffic: everything acknowledged before the kill is there after it. */
class SqliteCrashTest {
    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedSendSurvivesSigkill() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        KillTarget.class.getName(),
                        dataDir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Map<String, Map<Long, String>> acked = new HashMap<>();
        String workerSession = null;
        try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int acks = 0;
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split(" ");
                if (f[0].equals("worker")) workerSession = f[1];
                if (f[0].equals("ack")) {
                    acked.computeIfAbsent(f[1], k -> new HashMap<>()).put(Long.parseLong(f[2]), f[3]);
                    if (++acks == 3000) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-commit
                        break;
                    }
                }
            }
        }
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).isEqualTo(137);
        assertThat(workerSession).isNotNull();

        try (var store = SqliteStore.open(dataDir);
                var manager = SessionManager.builder(Fixtures.config(dataDir))
                        .store(store)
                        .autoReap(false)
                        .build()) {
            int checked = 0;
            for (var entry : acked.entrySet()) {
                List<Event> log = readAll(manager, entry.getKey());
                for (int i = 0; i < log.size(); i++)
                    assertThat(log.get(i).seq()).isEqualTo(i + 1L);
                Map<Long, Event> bySeq = new HashMap<>();
                log.forEach(e -> bySeq.put(e.seq(), e));
                for (var ack : entry.getValue().entrySet()) {
                    Event e = bySeq.get(ack.getKey());
                    assertThat(e)
                            .as("acked seq %d of %s", ack.getKey(), entry.getKey())
                            .isNotNull();
                    String[] tn = ack.getValue().split(":");
                    assertThat(e.payload().get("t").asInt()).isEqualTo(Integer.parseInt(tn[0]));
                    assertThat(e.payload().get("n").asInt()).isEqualTo(Integer.parseInt(tn[1]));
                    checked++;
                }
            }
            assertThat(checked).isEqualTo(3000);
            // The worker outlived its Bosun (it runs in its own process group) and is adopted, not lost.
            assertThat(manager.get(workerSession).status()).isEqualTo(SessionStatus.RUNNING);
            long pid =
                    Long.parseLong(store.workerOf(workerSession).orElseThrow().id());
            assertThat(Fixtures.isRunning(pid)).isTrue();
            manager.terminate(workerSession, "test over");
            assertThat(Fixtures.isRunning(pid)).isFalse();
            for (var s : manager.active()) manager.terminate(s.id(), "test over");
        }
    }

    private static List<Event> readAll(SessionManager m, String id) {
        var out = new ArrayList<Event>();
        long after = 0;
        while (true) {
            var r = m.poll(id, after, 100, Duration.ZERO);
            out.addAll(r.events());
            after = r.nextCursor();
            if (!r.hasMore()) return out;
        }
    }
}
