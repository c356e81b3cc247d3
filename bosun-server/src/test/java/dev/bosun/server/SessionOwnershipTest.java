package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.SessionManager;
import dev.bosun.session.SessionConfig;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SessionManager#ownedBy}, the ownership check in front of the API's session routes: it
 * answers from memory once a session's tenant was read (D116), and the answer is the store's.
 */
class SessionOwnershipTest {
    @TempDir
    Path dataDir;

    @Test
    void ownershipIsTheStoresAnswerAndIsRememberedAfterTheFirstRead() {
        var cfg = dev.bosun.contract.Fixtures.loader(dataDir).load();
        try (var st = SqliteStore.open(cfg.dataDir());
                var m = SessionManager.builder(cfg).store(st).build()) {
            String a = m.startSession(
                            SessionConfig.builder("a", "agent").tenant("team-a").build())
                    .id();
            String b = m.startSession(
                            SessionConfig.builder("b", "agent").tenant("team-b").build())
                    .id();
            for (int round = 0; round < 2; round++) { // the second round answers from memory
                assertThat(m.ownedBy(a, "team-a")).isTrue();
                assertThat(m.ownedBy(a, "team-b")).isFalse();
                assertThat(m.ownedBy(b, "team-b")).isTrue();
                assertThat(m.ownedBy(b, "team-a")).isFalse();
                assertThat(m.ownedBy("sess_01J00000000000000000000000", "team-a"))
                        .isFalse();
                assertThat(m.ownedBy("../etc", "team-a")).isFalse();
                assertThat(m.ownedBy(null, "team-a")).isFalse();
            }
            // A tenant never changes: the remembered answer stays right after the session ends.
            m.endSession(a, dev.bosun.session.SessionOutcome.SUCCESS, java.util.Optional.empty());
            assertThat(m.ownedBy(a, "team-a")).isTrue();
            assertThat(m.ownedBy(a, "team-b")).isFalse();
        }
    }
}
