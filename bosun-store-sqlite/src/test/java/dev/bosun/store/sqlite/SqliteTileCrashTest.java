package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.contract.FakePlato;
import dev.bosun.contract.Fixtures;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.session.SessionManager;
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
 * Bosun killed with SIGKILL while tiles are on their way to PLATO: after a restart every tile
 * arrives, in order per session; the only duplicates are resends of what was in flight at the kill,
 * which PLATO refuses as duplicates (at least once, never lost).
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
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    TileKillTarget.class.getName(), dataDir.toString(), plato.url().toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            var sessions = new ArrayList<String>();
            try (var in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while (sessions.size() < 12 && (line = in.readLine()) != null) {
                    if (line.startsWith("ended ")) sessions.add(line.substring(6));
                }
                // Kill while PLATO holds requests open (it stores each one after 1.5 s, answer or not).
                Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> plato.requests().size() >= 10);
                child.destroyForcibly();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
            int inFlightAtKill = plato.requests().size() - plato.accepted().size();
            assertThat(inFlightAtKill).as("tiles were on their way when Bosun died").isPositive();
            Thread.sleep(2000); // let PLATO finish storing what was in flight
            plato.always(null);

            var config = Fixtures.loader(dataDir).set("plato_url", plato.url().toString()).load();
            try (var store = SqliteStore.open(dataDir);
                 var manager = SessionManager.builder(config).store(store).autoReap(false).build()) {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
                        store.deliveries().countByState(DeliveryKind.TILE).get(DeliveryState.PENDING) == 0
                                && store.deliveries().countByState(DeliveryKind.TILE).get(DeliveryState.DELIVERED) > 0);
                Map<DeliveryState, Long> states = store.deliveries().countByState(DeliveryKind.TILE);
                assertThat(states.get(DeliveryState.DELIVERED) + states.get(DeliveryState.REJECTED)).isEqualTo(48);
                assertThat(states.get(DeliveryState.REJECTED)).as("only resends of what was in flight").isLessThanOrEqualTo(inFlightAtKill + 8);
                for (String id : sessions) {
                    List<Delivery> tiles = manager.tiles().ofSession("default", id, Optional.empty(), 100).items();
                    assertThat(tiles).hasSize(4);
                    for (Delivery d : tiles) {
                        if (d.state() == DeliveryState.REJECTED) assertThat(d.lastError()).contains("duplicate");
                        else assertThat(d.state()).isEqualTo(DeliveryState.DELIVERED);
                    }
                }
            }
            // PLATO holds every tile exactly once (its duplicate check refused the resends), and each
            // session's tiles were stored in log order.
            Map<String, List<String>> bySession = plato.accepted().stream().collect(Collectors.groupingBy(
                    r -> r.answerObject().get("session_id").asText(), HashMap::new,
                    Collectors.mapping(r -> r.question().substring(0, r.question().indexOf(']') + 1), Collectors.toList())));
            assertThat(bySession.keySet()).containsExactlyInAnyOrderElementsOf(sessions);
            for (List<String> kinds : bySession.values()) {
                assertThat(kinds).containsExactly("[SESSION_START]", "[TASK_START]", "[TASK_END]", "[SESSION_END]");
            }
        }
    }
}
