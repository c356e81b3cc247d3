package dev.bosun.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.server.NodeCluster;
import dev.bosun.server.NodeCluster.Node;
import dev.bosun.wire.CreateSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code bosun serve} on SQLite killed with SIGKILL five times under traffic (sends and creates
 * over HTTP from four clients), restarted on its data dir each time: after every restart everything
 * acknowledged so far is there, every log gapless, every session starting with session_started.
 */
@Tag("faults")
class SqliteKillLoopTest {
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesRepeatedKillNine() throws Exception {
        try (var cluster = Traffic.unthrottled(NodeCluster.sqlite(dir))) {
            var node = new AtomicReference<Node>(cluster.start("solo").getFirst());
            var book = new Acknowledged();
            var sessions = new ArrayList<String>();
            for (int i = 0; i < 4; i++) {
                String id = node.get()
                        .client()
                        .createSession(CreateSession.of("kill-" + i, "agent"))
                        .sessionId();
                book.session(id);
                sessions.add(id);
            }
            long restarting = 0;
            try (var traffic =
                    new Traffic(book, sessions, List.of(() -> node.get().client()), 4)) {
                for (int kill = 1; kill <= KILLS; kill++) {
                    traffic.awaitAcks(300);
                    cluster.kill(node.get()); // mid-commit: the writers never pause
                    assertThat(node.get().process().exitValue()).isEqualTo(137);
                    long t = System.nanoTime();
                    node.set(cluster.restart(node.get()));
                    restarting += System.nanoTime() - t;
                    book.assertAllThere(node.get().client(), "after kill " + kill);
                }
                traffic.awaitAcks(100); // and it takes writes after the last restart
                assertThat(traffic.failures().keySet())
                        .as("the only failure a killed node may cause")
                        .isSubsetOf("UNAVAILABLE");
                System.out.printf(
                        "sqlite kill loop: %d kills (restarts took %d ms in all), %d writes tried, %d acknowledged, failures %s%n",
                        KILLS, restarting / 1_000_000, book.triedCount(), book.size(), traffic.failures());
            }
            book.assertAllThere(node.get().client(), "at the end");
            book.record(KILLS);
        }
    }
}
