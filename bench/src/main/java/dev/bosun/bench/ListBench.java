package dev.bosun.bench;

import dev.bosun.SessionManager;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStats;
import dev.bosun.store.sqlite.SqliteStore;
import dev.bosun.util.Page;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the dashboard's sessions table and overview ask of a large store: 100 000 sessions of one
 * tenant (1 in 100 ended failed, 1 in 100 named "needle-…", the rest running), then pages of 25 as
 * the sessions view asks them (newest and oldest first, a page deep in by cursor, each filter, a
 * name search) and {@code GET /v1/stats}' tally, each repeated and timed through the manager, as
 * the HTTP route calls it (JSON encoding not included).
 */
final class ListBench {
    private static final int PAGE = 25;
    private static final int SETUP_THREADS = 64;

    private final BenchEnv env;
    private final int stored;
    private final int repeats;

    ListBench(BenchEnv env) {
        this.env = env;
        this.stored = env.quick() ? 3_000 : 100_000;
        this.repeats = env.quick() ? 20 : 200;
    }

    private record Case(String what, Supplier<Object> call) {}

    void run() throws Exception {
        Path dir = env.freshDir("list");
        var config = env.config(dir, Map.of("max_sessions", 200_000));
        var report = new Report("list");
        try (var store = SqliteStore.open(dir);
                var manager = SessionManager.builder(config)
                        .store(store)
                        .autoReap(false)
                        .build()) {
            long t0 = System.nanoTime();
            Parallel.run(stored, SETUP_THREADS, i -> {
                String name = i % 100 == 37 ? "needle-" + i : "bench-list-" + i;
                var s = manager.startSession(SessionConfig.builder(name, "agent-" + (i % 10))
                        .tags("t" + (i % 7))
                        .build());
                if (i % 100 == 0) manager.endSession(s.id(), SessionOutcome.FAILED, Optional.empty());
            });
            long setup = System.nanoTime() - t0;
            report.line(
                    "what",
                    String.format(
                            "pages of %d from %,d stored sessions of one tenant (SQLite), each case %d times "
                                    + "through SessionManager.list / stats",
                            PAGE, stored, repeats));
            report.line(
                    "setup", String.format("%,d sessions created (1%% ended failed) in %.1f s", stored, setup / 1e9));

            SessionFilter tenant = SessionFilter.ALL.withTenant(SessionConfig.DEFAULT_TENANT);
            // a cursor half-way down: walk there once (as a person clicking "Next page" 2,000 times would)
            Optional<String> deep = Optional.empty();
            for (int p = 0; p < stored / PAGE / 2; p++)
                deep = manager.list(tenant, deep, PAGE).nextCursor();
            Optional<String> middle = deep;
            var cases = List.of(
                    new Case("newest first, page 1", () -> manager.list(tenant, Optional.empty(), PAGE)),
                    new Case(
                            "newest first, page " + (stored / PAGE / 2 + 1) + " (by cursor)",
                            () -> manager.list(tenant, middle, PAGE)),
                    new Case(
                            "oldest first, page 1",
                            () -> manager.list(
                                    tenant.ordered(SessionFilter.Order.OLDEST_FIRST), Optional.empty(), PAGE)),
                    new Case(
                            "status=running",
                            () -> manager.list(
                                    tenant.withStatus(dev.bosun.session.SessionStatus.RUNNING),
                                    Optional.empty(),
                                    PAGE)),
                    new Case(
                            "outcome=failed (1 in 100)",
                            () -> manager.list(tenant.withOutcome(SessionOutcome.FAILED), Optional.empty(), PAGE)),
                    new Case(
                            "agent_id (1 in 10)",
                            () -> manager.list(tenant.withAgentId("agent-3"), Optional.empty(), PAGE)),
                    new Case("tag (1 in 7)", () -> manager.list(tenant.withTag("t3"), Optional.empty(), PAGE)),
                    new Case(
                            "name contains 'needle' (1 in 100)",
                            () -> manager.list(tenant.withNameContaining("needle"), Optional.empty(), PAGE)),
                    new Case(
                            "name contains text no session has",
                            () -> manager.list(tenant.withNameContaining("absent"), Optional.empty(), PAGE)),
                    new Case(
                            "stats (GET /v1/stats)", () -> manager.stats(SessionConfig.DEFAULT_TENANT, Instant.EPOCH)));
            for (Case c : cases) {
                var lat = new Latencies();
                Object last = null;
                for (int i = 0; i < repeats + 5; i++) {
                    long s0 = System.nanoTime();
                    last = c.call().get();
                    if (i >= 5) lat.add(System.nanoTime() - s0); // the first five warm the JIT and the page cache
                }
                report.line(c.what(), lat.summary() + "  -> " + describe(last));
            }
        }
        report.print();
    }

    private static String describe(Object result) {
        if (result instanceof Page<?> p) return p.items().size() + " rows" + (p.hasMore() ? ", more" : ", last page");
        if (result instanceof SessionStats s) return String.format("%,d running, %,d ended", s.running(), s.ended());
        return String.valueOf(result);
    }
}
