package dev.bosun.store.sqlite;

import dev.bosun.SessionManager;
import dev.bosun.contract.Fixtures;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Child JVM for {@link SqliteTileCrashTest}: runs sessions whose tiles go to the PLATO server named
 * in args[1] (which answers slowly), prints {@code ended <session>} for each, then waits to be killed
 * with SIGKILL while deliveries are in flight.
 */
public final class TileKillTarget {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        var config = Fixtures.loader(dataDir)
                .set("plato_url", args[1])
                .set("delivery_timeout", "30s")
                .set("delivery_concurrency", 8)
                .load();
        var store = SqliteStore.open(dataDir);
        var manager = SessionManager.builder(config).store(store).build();
        for (int i = 0; i < 12; i++) {
            Session s = manager.startSession(
                    SessionConfig.builder("crash-" + i, "oracle1").build());
            var t = manager.addTask(s.id(), TaskSpec.builder("work-" + i).build());
            manager.completeTask(s.id(), t.id(), TaskOutcome.SUCCESS);
            manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
            System.out.println("ended " + s.id());
            System.out.flush();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
