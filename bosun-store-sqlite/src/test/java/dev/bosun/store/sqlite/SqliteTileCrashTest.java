package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.SessionManager;
import dev.bosun.contract.FakePlato;
import dev.bosun.contract.Fixtures;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bosun killed with SIGKILL while tiles are on their way to a slow PLATO Room Server: after a restart
 * every tile arrives, in order per session, and PLATO holds each exactly once. Each outcome was
 * recorded as its answer arrived, so the only resends are the tiles in flight at the kill — at most
 * one per session — and the Room Server's "Duplicate tile" answer to such a resend is a delivery,
 * never a rejection.
 */
class SqliteTileCrashTest {
    @TempDir
    Path dataDir;

    @Test
    void noTileIsLostWhenBosunIsKilledMidDelivery() throws Exception {
        try (FakePlato plato = new FakePlato()) {
            plato.slowMillis = 1500;
            plato.always(FakePlato.Fault.SLOW);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            TileKillTarget.class.getName(),
                            dataDir.toString(),
                            plato.url().toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            var sessions = new ArrayList<String>();
            try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (sessions.size() < 12 && (line = in.readLine()) != null) {
                    if (line.startsWith("ended ")) sessions.add(line.substring(6));
                }
                // Kill while PLATO holds requests open (it stores each one after 1.5 s, answer or not).
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> plato.requests().size() >= 10);
                child.destroyForcibly();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
            int inFlightAtKill = plato.requests().size() - plato.accepted().size();
            assertThat(inFlightAtKill)
                    .as("tiles were on their way when Bosun died")
                    .isPositive();
            // PLATO goes on storing what was in flight (it never saw the client go): wait until it has.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> plato.accepted().size() == plato.requests().size());
            plato.always(null);

            var config = Fixtures.loader(dataDir)
                    .set("plato_url", plato.url().toString())
                    .load();
            try (var store = SqliteStore.open(dataDir);
                    var manager = SessionManager.builder(config)
                            .store(store)
                            .autoReap(false)
                            .build()) {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> store.deliveries()
                                        .countByState(DeliveryKind.TILE)
                                        .get(DeliveryState.DELIVERED)
                                == 48);
                Map<DeliveryState, Long> states = store.deliveries().countByState(DeliveryKind.TILE);
                assertThat(states.get(DeliveryState.REJECTED))
                        .as("none mislabelled")
                        .isZero();
                assertThat(states.get(DeliveryState.PENDING)).isZero();
                for (String id : sessions) {
                    List<Delivery> tiles = manager.tiles()
                            .ofSession("default", id, Optional.empty(), 100)
                            .items();
                    assertThat(tiles)
                            .hasSize(4)
                            .allSatisfy(d -> assertThat(d.state()).isEqualTo(DeliveryState.DELIVERED));
                    // The one in flight at the kill was sent twice; every other tile of the session once.
                    assertThat(tiles.stream().mapToInt(Delivery::attempts).sum())
                            .as("sends of " + id)
                            .isLessThanOrEqualTo(5);
                    // A resend PLATO already had is delivered with a note; one the kill cut off before PLATO got it,
                    // or before PLATO stored it, is simply accepted.
                    tiles.stream()
                            .filter(d -> d.lastError().isPresent())
                            .forEach(d -> assertThat(d.lastError().get()).contains("PLATO already had this tile"));
                }
            }
            Map<String, Long> sendsByTile = plato.requests().stream()
                    .collect(Collectors.groupingBy(FakePlato.Received::tileId, Collectors.counting()));
            assertThat(sendsByTile).hasSize(48);
            Map<String, Long> resendsBySession = plato.requests().stream()
                    .collect(Collectors.groupingBy(
                            r -> r.answerObject().get("session_id").asText(), Collectors.counting()));
            resendsBySession.forEach((session, sends) ->
                    assertThat(sends - 4).as("resends of " + session).isBetween(0L, 1L));
            assertThat(plato.accepted()).as("each tile accepted exactly once").hasSize(48);
            assertThat(plato.accepted().stream().map(FakePlato.Received::tileId).distinct())
                    .hasSize(48);
            // PLATO holds every tile exactly once (its duplicate check refused the resends), and each
            // session's tiles were stored in log order.
            Map<String, List<String>> bySession = plato.accepted().stream()
                    .collect(Collectors.groupingBy(
                            r -> r.answerObject().get("session_id").asText(),
                            HashMap::new,
                            Collectors.mapping(
                                    r -> r.question().substring(0, r.question().indexOf(']') + 1),
                                    Collectors.toList())));
            assertThat(bySession.keySet()).containsExactlyInAnyOrderElementsOf(sessions);
            for (List<String> kinds : bySession.values()) {
                assertThat(kinds).containsExactly("[SESSION_START]", "[TASK_START]", "[TASK_END]", "[SESSION_END]");
            }
        }
    }
}
