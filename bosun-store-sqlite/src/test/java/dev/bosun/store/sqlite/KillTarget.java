package dev.bosun.store.sqlite;

import dev.bosun.SessionManager;
import dev.bosun.contract.Fixtures;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.concurrent.Executors;

/**
 * Child JVM for {@link SqliteCrashTest}: opens a store, starts sessions (one with a worker) and
 * sends as fast as it can from several threads, printing each acknowledged send as
 * {@code ack <session> <seq> <n>} only after the call returned. The parent kills it with SIGKILL.
 */
public final class KillTarget {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        var store = SqliteStore.open(dataDir);
        var manager =
                SessionManager.builder(Fixtures.config(dataDir)).store(store).build();
        Session worker = manager.startSession(
                SessionConfig.builder("crash-worker", "agent").profile("echo").build());
        System.out.println("worker " + worker.id());
        var sessions = new ArrayList<String>();
        for (int i = 0; i < 4; i++)
            sessions.add(manager.startSession(
                            SessionConfig.builder("crash-" + i, "agent").build())
                    .id());
        System.out.flush();
        var out = System.out;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 16; t++) {
                int tt = t;
                pool.submit(() -> {
                    String id = sessions.get(tt % sessions.size());
                    for (int n = 0; ; n++) {
                        long seq = manager.send(
                                        id, "input", Json.object().put("t", tt).put("n", n))
                                .seq();
                        synchronized (out) {
                            out.println("ack " + id + " " + seq + " " + tt + ":" + n);
                            out.flush();
                        }
                    }
                });
            }
        }
    }
}
