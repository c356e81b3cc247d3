package dev.bosun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.Fixtures;
import dev.bosun.store.Store;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session manager starts its components in a fixed order and stops them in the reverse (D97). */
class ComponentOrderTest {
    @TempDir
    Path dir;

    @Test
    void recoveryRunsOnceEverythingExistsAndTheLoopsStopFirst() {
        try (Store store = SqliteStore.open(dir)) {
            SessionManager m = SessionManager.builder(Fixtures.loader(dir).load())
                    .store(store)
                    .build();
            assertThat(m.components())
                    .containsExactly(
                            "remote router",
                            "long-poll notifier",
                            "takeover ends",
                            "crash recovery",
                            "listeners",
                            "event tap",
                            "peer commits",
                            "workers",
                            "reaper",
                            "router sync",
                            "delivery relay");
            assertThat(m.reaper().alive()).isTrue();
            m.close();
            await().atMost(Duration.ofSeconds(10)).until(() -> !m.reaper().alive());
            m.close(); // a second close stops nothing twice and does not throw
        }
    }
}
