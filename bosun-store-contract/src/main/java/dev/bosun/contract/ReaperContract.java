package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.event.Event;
import dev.bosun.reaper.Sweeper;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import dev.bosun.task.TaskStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expiry by deadline, with an injected clock: no test here sleeps. */
public abstract class ReaperContract extends ManagerHarness {

    private Session start(Duration idle, Duration ttl) {
        return manager.startSession(
                SessionConfig.builder("r", "agent").idleTimeout(idle).ttl(ttl).build());
    }

    @Test
    void idleSessionsExpireAtTheirDeadlineAndNotBefore() {
        Session s = start(Duration.ofMinutes(30), Duration.ofHours(2));
        clock.advance(Duration.ofMinutes(30).minusMillis(1));
        assertThat(manager.reaper().sweep().idleExpired()).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(manager.reaper().sweep().idleExpired()).isEqualTo(1);
        Session ended = manager.get(s.id());
        assertThat(ended.reason()).contains(EndReason.EXPIRED_IDLE);
        assertThat(ended.outcome()).contains(SessionOutcome.TIMEOUT);
        Event last = allEvents(s.id()).get(allEvents(s.id()).size() - 1);
        assertThat(last.type()).isEqualTo("session_ended");
        assertThat(last.payload().get("reason").asText()).isEqualTo("expired_idle");
        assertThat(manager.reaper().sweep().total()).isZero(); // expired exactly once
    }

    @Test
    void activityPushesTheIdleDeadline() {
        Session s = start(Duration.ofMinutes(30), Duration.ofHours(2));
        clock.advance(Duration.ofMinutes(20));
        manager.send(s.id(), "input", json("{}"));
        clock.advance(Duration.ofMinutes(20));
        manager.heartbeat(s.id());
        clock.advance(Duration.ofMinutes(20));
        manager.emit(s.id(), "out", json("{}"));
        clock.advance(Duration.ofMinutes(29));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        clock.advance(Duration.ofMinutes(1));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_IDLE);
    }

    @Test
    void aRunningTaskPreventsIdleExpiryButNotTtl() {
        Session s = manager.startSession(SessionConfig.builder("r", "agent")
                .idleTimeout(Duration.ofMinutes(1))
                .ttl(Duration.ofMinutes(10))
                .taskTimeout(Duration.ofMinutes(10))
                .build());
        manager.addTask(s.id(), TaskSpec.builder("long").id("long").build());
        clock.advance(Duration.ofMinutes(5));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        clock.advance(Duration.ofMinutes(5));
        Sweeper.SweepResult r = manager.reaper().sweep();
        assertThat(r.ttlExpired()).isEqualTo(1);
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_TTL);
        assertThat(manager.getTask(s.id(), "long").status()).isEqualTo(TaskStatus.CANCELLED);
    }

    @Test
    void completingTheLastTaskRestartsTheIdleClock() {
        Session s = start(Duration.ofMinutes(1), Duration.ofHours(1));
        manager.addTask(s.id(), TaskSpec.builder("t").id("t").build());
        clock.advance(Duration.ofMinutes(3));
        manager.completeTask(s.id(), "t", TaskOutcome.SUCCESS);
        clock.advance(Duration.ofSeconds(59));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        clock.advance(Duration.ofSeconds(1));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_IDLE);
    }

    @Test
    void tasksTimeOutAtTheirDeadline() {
        Session s = manager.startSession(SessionConfig.builder("r", "agent")
                .taskTimeout(Duration.ofSeconds(300))
                .build());
        manager.addTask(s.id(), TaskSpec.builder("slow").id("slow").build());
        clock.advance(Duration.ofSeconds(100));
        manager.addTask(s.id(), TaskSpec.builder("later").id("later").build());
        clock.advance(Duration.ofSeconds(200));
        assertThat(manager.reaper().sweep().tasksTimedOut()).isEqualTo(1);
        Task slow = manager.getTask(s.id(), "slow");
        assertThat(slow.status()).isEqualTo(TaskStatus.TIMEOUT);
        assertThat(slow.durationMs()).contains(300_000L);
        assertThat(manager.getTask(s.id(), "later").status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(manager.get(s.id()).taskCounts().timeout()).isEqualTo(1);
        List<Event> log = allEvents(s.id());
        assertThat(log.get(log.size() - 1).payload().get("outcome").asText()).isEqualTo("timeout");
        assertThat(manager.reaper().sweep().tasksTimedOut()).isZero();
        // a completion racing the reaper: the agent's completion wins, the reaper does nothing
        clock.advance(Duration.ofSeconds(100));
        manager.completeTask(s.id(), "later", TaskOutcome.SUCCESS);
        assertThat(manager.reaper().sweep().tasksTimedOut()).isZero();
        assertThat(manager.getTask(s.id(), "later").status()).isEqualTo(TaskStatus.SUCCESS);
    }

    @Test
    void ttlExpiresEvenAnActiveSession() {
        Session s = start(Duration.ofMinutes(1), Duration.ofMinutes(2));
        clock.advance(Duration.ofSeconds(50));
        manager.heartbeat(s.id());
        clock.advance(Duration.ofSeconds(50));
        manager.heartbeat(s.id());
        clock.advance(Duration.ofSeconds(20));
        assertThat(manager.reaper().sweep().ttlExpired()).isEqualTo(1);
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_TTL);
    }

    @Test
    void aSweepTouchesOnlyWhatIsDue() {
        for (int i = 0; i < 50; i++) start(Duration.ofHours(1), Duration.ofHours(2));
        for (int i = 0; i < 5; i++) start(Duration.ofMinutes(1), Duration.ofHours(2));
        assertThat(store.nextDeadline()).contains(clock.instant().plus(Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.dueSessions(clock.instant(), 1000)).hasSize(5);
        assertThat(manager.reaper().sweep().idleExpired()).isEqualTo(5);
        assertThat(manager.active()).hasSize(50);
    }

    @Test
    void endedSessionsArePurgedAfterRetention() {
        Session s = start(Duration.ofMinutes(1), Duration.ofHours(2));
        Session keep = start(Duration.ofHours(1), Duration.ofHours(2));
        manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
        clock.advance(config.retention().plus(Duration.ofMinutes(1)));
        manager.relay().step(); // its tiles are made (kept local: no PLATO here); only then may it go
        manager.reaper().sweep(); // expires `keep` (ttl) now and purges `s`, ended a retention ago
        assertThat(manager.find(s.id())).isEmpty();
        assertThat(store.readEvents(s.id(), 0, 10)).isEmpty();
        assertThat(manager.find(keep.id())).isPresent();
    }

    @Test
    void deadlinesSurviveARestart() {
        Session s = start(Duration.ofMinutes(5), Duration.ofHours(1));
        restart();
        clock.advance(Duration.ofMinutes(5));
        manager.reaper().sweep();
        assertThat(manager.get(s.id()).reason()).contains(EndReason.EXPIRED_IDLE);
    }

    @Test
    void aSweepExpiresAtMostHalfThePoolsConnectionsAtOnce() {
        // A pool of 4: each expiry holds a connection a while, like a busy database would. Unbounded,
        // a batch of 40 due sessions ran 40 expiries at once, and three nodes' reapers sweeping
        // together took every connection of a shared PostgreSQL pool (pool timeouts).
        var inFlight = new java.util.concurrent.atomic.AtomicInteger();
        var peak = new java.util.concurrent.atomic.AtomicInteger();
        manager.close();
        store = SlowEnds.around(store, 4, inFlight, peak);
        manager = dev.bosun.SessionManager.builder(config)
                .store(store)
                .clock(clock)
                .autoReap(false)
                .autoDeliver(false)
                .build();
        for (int i = 0; i < 40; i++) start(Duration.ofMinutes(1), Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(manager.reaper().sweep().idleExpired()).isEqualTo(40);
        assertThat(peak.get()).as("expiries at once, pool of 4").isBetween(1, 2);
        assertThat(manager.active()).isEmpty();
    }

    @Test
    void theBackgroundReaperFiresWithinASecondOfADeadline() {
        // Real clock, real thread: the one test that watches the loop itself.
        close();
        clock = null;
        store = factory().open(dataDir);
        manager = dev.bosun.SessionManager.builder(config).store(store).build();
        Session s = manager.startSession(SessionConfig.builder("r", "a")
                .taskTimeout(Duration.ofSeconds(1))
                .build());
        manager.addTask(s.id(), TaskSpec.builder("t").id("t").build());
        Instant deadline = manager.getTask(s.id(), "t").deadlineAt();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> manager.getTask(s.id(), "t").status() == TaskStatus.TIMEOUT);
        Instant ended = manager.getTask(s.id(), "t").endedAt().orElseThrow();
        // The loop sleeps at most 1 s; the bound leaves room for a loaded CI machine. Lateness itself is
        // measured in the benchmarks, not asserted here.
        assertThat(Duration.between(deadline, ended))
                .isLessThanOrEqualTo(Duration.ofSeconds(2))
                .isGreaterThanOrEqualTo(Duration.ZERO);
        assertThat(manager.reaper().alive()).isTrue();
    }
}
