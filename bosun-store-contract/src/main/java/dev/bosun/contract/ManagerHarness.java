package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.store.Store;
import dev.bosun.time.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the manager contract suites: a fresh data dir per test, a manager over the store under
 * test with a {@link ManualClock} and the reaper driven by hand, and a way to restart both.
 */
public abstract class ManagerHarness {
    @TempDir
    protected Path dataDir;

    protected ManualClock clock;
    protected BosunConfig config;
    protected Store store;
    protected SessionManager manager;

    /** The store under test. */
    protected abstract StoreFactory factory();

    /** The config for this suite; override to change limits. */
    protected BosunConfig config(Path dataDir) {
        return Fixtures.config(dataDir);
    }

    @BeforeEach
    void openManager() {
        clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        config = config(dataDir);
        open();
    }

    protected void open() {
        store = factory().open(dataDir);
        var builder = SessionManager.builder(config)
                .store(store)
                .clock(clock)
                .autoReap(false)
                .autoDeliver(false);
        sandboxes().forEach(builder::sandbox);
        manager = builder.build();
    }

    /** Worker runtimes beyond {@code process} for this suite; called on every (re)open. */
    protected java.util.List<dev.bosun.sandbox.Sandbox> sandboxes() {
        return java.util.List.of();
    }

    /**
     * Closes manager and store as a process shutdown does (live sessions and their workers stay),
     * then opens both again on the same data.
     */
    protected void restart() {
        closeKeepingSessions();
        open();
    }

    /** Closes manager and store without ending anything, the way a process exit leaves them. */
    protected void closeKeepingSessions() {
        manager.close();
        manager = null;
        store.close();
        store = null;
    }

    protected void reconfigure(Function<BosunConfig, BosunConfig> change) {
        closeKeepingSessions();
        config = change.apply(config);
        open();
    }

    @AfterEach
    protected void close() {
        if (manager != null) {
            // End what is live so that no worker outlives the test.
            for (var s : manager.active()) manager.terminate(s.id(), "test cleanup");
            manager.close();
            manager = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    protected static JsonNode json(String text) {
        try {
            return Json.parse(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Every event of a session, read through the public poll in pages. */
    protected List<Event> allEvents(String sessionId) {
        var out = new ArrayList<Event>();
        long after = 0;
        while (true) {
            var r = manager.poll(sessionId, after, config.maxEventsPerPoll(), Duration.ZERO);
            out.addAll(r.events());
            after = r.nextCursor();
            if (!r.hasMore()) return out;
        }
    }

    /** Waits until the ended session's worker and workspace have been dealt with (its clean-up is recorded). */
    protected void awaitCleaned(String sessionId) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> store.uncleanedEnded(config.nodeId(), 10_000).stream()
                        .noneMatch(s -> s.id().equals(sessionId)));
    }

    protected static void assertGapless(List<Event> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).seq()).as("seq at index %d", i).isEqualTo(i + 1L);
        }
    }

    protected static BosunException expectError(ErrorCode code, ThrowableAssert.ThrowingCallable call) {
        try {
            call.call();
        } catch (BosunException e) {
            assertThat(e.code()).as("error code of: %s", e.getMessage()).isEqualTo(code);
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected BosunException " + code + " but got " + t, t);
        }
        throw new AssertionError("expected BosunException " + code + " but nothing was thrown");
    }
}
