package dev.bosun.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.client.BosunClient;
import dev.bosun.server.NodeCluster;
import dev.bosun.server.NodeCluster.Node;
import dev.bosun.wire.CreateSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code bosun serve} nodes on one PostgreSQL, clients writing to both; the nodes are killed with
 * SIGKILL in turn, five times, each restarted after the survivor has gone on taking writes alone:
 * everything either node acknowledged is readable through the other, every log gapless, every
 * session starting with session_started.
 */
@Tag("faults")
class PostgresNodesKillLoopTest {
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    void everyWriteEitherNodeAcknowledgedSurvivesKillingThemInTurn() throws Exception {
        try (var cluster = Traffic.unthrottled(new NodeCluster(dir, Duration.ofSeconds(2)))) {
            var started = cluster.start("a", "b");
            var nodes = new AtomicReferenceArray<Node>(started.toArray(Node[]::new));
            var book = new Acknowledged();
            var sessions = new ArrayList<String>();
            for (int i = 0; i < 6; i++) {
                String id = nodes.get(i % 2)
                        .client()
                        .createSession(CreateSession.of("pg-kill-" + i, "agent"))
                        .sessionId();
                book.session(id);
                sessions.add(id);
            }
            List<Supplier<BosunClient>> targets =
                    List.of(() -> nodes.get(0).client(), () -> nodes.get(1).client());
            long restarting = 0;
            try (var traffic = new Traffic(book, sessions, targets, 2)) {
                for (int kill = 1; kill <= KILLS; kill++) {
                    int victim = kill % 2, survivor = 1 - victim;
                    traffic.awaitAcks(300);
                    cluster.kill(nodes.get(victim));
                    traffic.awaitAcks(100); // the survivor serves on alone
                    book.assertAllThere(
                            nodes.get(survivor).client(),
                            "with node " + nodes.get(victim).id() + " dead (kill " + kill + ")");
                    long t = System.nanoTime();
                    nodes.set(victim, cluster.restart(nodes.get(victim)));
                    restarting += System.nanoTime() - t;
                }
                traffic.awaitAcks(100);
                assertThat(traffic.failures().keySet())
                        .as("the only failure a killed node may cause")
                        .isSubsetOf("UNAVAILABLE");
                System.out.printf(
                        "postgres two-node kill loop: %d kills (restarts took %d ms in all), %d writes tried, %d acknowledged, failures %s%n",
                        KILLS, restarting / 1_000_000, book.triedCount(), book.size(), traffic.failures());
            }
            book.assertAllThere(
                    nodes.get(0).client(), "at the end, through " + nodes.get(0).id());
            book.assertAllThere(
                    nodes.get(1).client(), "at the end, through " + nodes.get(1).id());
            book.record(KILLS);
        }
    }
}
