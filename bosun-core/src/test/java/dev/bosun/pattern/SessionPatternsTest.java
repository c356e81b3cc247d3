package dev.bosun.pattern;

import static dev.bosun.pattern.SessionPatterns.ALL_TASKS_SUCCEEDED;
import static dev.bosun.pattern.SessionPatterns.EXPIRED_WHILE_IDLE;
import static dev.bosun.pattern.SessionPatterns.FAILURE_CASCADE;
import static dev.bosun.pattern.SessionPatterns.FIRST_FAILURE_RECOVERED;
import static dev.bosun.pattern.SessionPatterns.HIGH_COMPLETION_STREAK;
import static dev.bosun.pattern.SessionPatterns.MAX_TASKS_REACHED;
import static dev.bosun.pattern.SessionPatterns.REPEATED_TIMEOUTS;
import static dev.bosun.pattern.SessionPatterns.SLOW_TASK_OUTLIER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.config.PatternSettings;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.task.Task;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each pattern of docs/PATTERNS.md, at its threshold and just below it. */
class SessionPatternsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final PatternSettings D = PatternSettings.DEFAULTS;
    private static final Optional<EndReason> DONE = Optional.of(EndReason.COMPLETED);

    /** Tasks completed one second apart, in the given order, each taking {@code ms}. */
    private static List<Task> completed(long ms, TaskStatus... outcomes) {
        var out = new ArrayList<Task>();
        for (int i = 0; i < outcomes.length; i++) out.add(task("t" + i, outcomes[i], T0.plusSeconds(i + 1), ms));
        return out;
    }

    private static Task task(String id, TaskStatus status, Instant endedAt, long ms) {
        boolean done = status != TaskStatus.RUNNING;
        return new Task(
                "s",
                id,
                id,
                Json.object(),
                TaskPriority.NORMAL,
                List.of(),
                Optional.empty(),
                status,
                T0,
                T0,
                done ? Optional.of(endedAt) : Optional.empty(),
                T0.plusSeconds(300),
                done ? Optional.of(ms) : Optional.empty(),
                Optional.empty(),
                Optional.empty());
    }

    private static List<String> analyze(List<Task> tasks) {
        return SessionPatterns.analyze(tasks, 50, DONE, D);
    }

    private static final TaskStatus S = TaskStatus.SUCCESS;
    private static final TaskStatus F = TaskStatus.FAILED;
    private static final TaskStatus T = TaskStatus.TIMEOUT;
    private static final TaskStatus C = TaskStatus.CANCELLED;

    @Test
    void highCompletionStreakNeedsNConsecutiveSuccessesInCompletionOrder() {
        assertThat(analyze(completed(10, S, S, S))).contains(HIGH_COMPLETION_STREAK);
        assertThat(analyze(completed(10, S, S, F, S, S))).doesNotContain(HIGH_COMPLETION_STREAK);
        assertThat(SessionPatterns.analyze(completed(10, S, S, S), 50, DONE, new PatternSettings(4, 3, 2, 3.0, 4)))
                .doesNotContain(HIGH_COMPLETION_STREAK);
        // Added S, F, S, S but the failure completed last: in completion order the three successes are consecutive.
        var tasks = List.of(
                task("a", S, T0.plusSeconds(1), 10),
                task("b", F, T0.plusSeconds(9), 10),
                task("c", S, T0.plusSeconds(2), 10),
                task("d", S, T0.plusSeconds(3), 10));
        assertThat(analyze(tasks)).contains(HIGH_COMPLETION_STREAK);
    }

    @Test
    void firstFailureRecoveredNeedsTheFirstCompletedToFailAndALaterSuccess() {
        assertThat(analyze(completed(10, F, S))).contains(FIRST_FAILURE_RECOVERED);
        assertThat(analyze(completed(10, F, F, T, S))).contains(FIRST_FAILURE_RECOVERED);
        assertThat(analyze(completed(10, F, F))).doesNotContain(FIRST_FAILURE_RECOVERED);
        assertThat(analyze(completed(10, S, F, S))).doesNotContain(FIRST_FAILURE_RECOVERED);
        assertThat(analyze(completed(10, T, S)))
                .as("a timeout is not a failure")
                .doesNotContain(FIRST_FAILURE_RECOVERED);
    }

    @Test
    void allTasksSucceededNeedsAtLeastOneTaskAndNothingElse() {
        assertThat(analyze(completed(10, S))).contains(ALL_TASKS_SUCCEEDED);
        assertThat(analyze(List.of())).doesNotContain(ALL_TASKS_SUCCEEDED);
        assertThat(analyze(completed(10, S, C))).doesNotContain(ALL_TASKS_SUCCEEDED);
        var running = new ArrayList<>(completed(10, S));
        running.add(task("r", TaskStatus.RUNNING, T0, 0));
        assertThat(analyze(running)).doesNotContain(ALL_TASKS_SUCCEEDED);
    }

    @Test
    void repeatedTimeoutsNeedsTwoTimeoutsByDefault() {
        assertThat(analyze(completed(10, T, S, T))).contains(REPEATED_TIMEOUTS);
        assertThat(analyze(completed(10, T, S))).doesNotContain(REPEATED_TIMEOUTS);
        assertThat(SessionPatterns.analyze(completed(10, T), 50, DONE, new PatternSettings(3, 3, 1, 3.0, 4)))
                .contains(REPEATED_TIMEOUTS);
    }

    @Test
    void failureCascadeNeedsThreeConsecutiveFailures() {
        assertThat(analyze(completed(10, S, F, F, F))).contains(FAILURE_CASCADE);
        assertThat(analyze(completed(10, F, F, S, F))).doesNotContain(FAILURE_CASCADE);
        assertThat(analyze(completed(10, F, F, T)))
                .as("a timeout breaks the run")
                .doesNotContain(FAILURE_CASCADE);
    }

    @Test
    void slowTaskOutlierNeedsFourTimedTasksAndOneOverThreeTimesTheMedian() {
        var tasks = new ArrayList<>(completed(100, S, S, S));
        tasks.add(task("slow", S, T0.plusSeconds(10), 301));
        assertThat(analyze(tasks)).contains(SLOW_TASK_OUTLIER);
        tasks.set(3, task("slow", S, T0.plusSeconds(10), 300));
        assertThat(analyze(tasks)).as("exactly 3x is not over 3x").doesNotContain(SLOW_TASK_OUTLIER);
        var three = new ArrayList<>(completed(100, S, S));
        three.add(task("slow", S, T0.plusSeconds(10), 10_000));
        assertThat(analyze(three)).as("fewer than 4 tasks").doesNotContain(SLOW_TASK_OUTLIER);
        var cancelled = new ArrayList<>(completed(100, S, S, S));
        cancelled.add(task("cut", C, T0.plusSeconds(10), 10_000));
        assertThat(analyze(cancelled)).as("cancelled tasks do not count").doesNotContain(SLOW_TASK_OUTLIER);
        // Even count: the median is the mean of the two middle durations (100 and 200 -> 150).
        var even = new ArrayList<Task>();
        long[] ms = {100, 100, 200, 451};
        for (int i = 0; i < ms.length; i++) even.add(task("e" + i, S, T0.plusSeconds(i), ms[i]));
        assertThat(analyze(even)).contains(SLOW_TASK_OUTLIER);
    }

    @Test
    void maxTasksReachedAndExpiredWhileIdleComeFromTheSession() {
        assertThat(SessionPatterns.analyze(completed(10, S, F), 2, DONE, D)).contains(MAX_TASKS_REACHED);
        assertThat(SessionPatterns.analyze(completed(10, S, F), 3, DONE, D)).doesNotContain(MAX_TASKS_REACHED);
        assertThat(SessionPatterns.analyze(List.of(), 50, Optional.of(EndReason.EXPIRED_IDLE), D))
                .containsExactly(EXPIRED_WHILE_IDLE);
        assertThat(SessionPatterns.analyze(List.of(), 50, Optional.of(EndReason.EXPIRED_TTL), D))
                .isEmpty();
    }

    @Test
    void namesComeInCatalogueOrderAndAnEmptySessionHasNone() {
        assertThat(analyze(List.of())).isEmpty();
        assertThat(SessionPatterns.analyze(completed(10, F, S, S, S), 4, Optional.of(EndReason.EXPIRED_IDLE), D))
                .containsExactly(
                        HIGH_COMPLETION_STREAK, FIRST_FAILURE_RECOVERED, MAX_TASKS_REACHED, EXPIRED_WHILE_IDLE);
    }

    /** Seeded: whatever the outcomes, the streak and cascade patterns agree with a brute-force scan. */
    @Test
    void streakAndCascadeAgreeWithABruteForceScanOnRandomSessions() {
        Random r = new Random(20261121);
        TaskStatus[] pool = {S, F, T, C};
        for (int n = 0; n < 2000; n++) {
            TaskStatus[] outcomes = new TaskStatus[r.nextInt(12)];
            for (int i = 0; i < outcomes.length; i++) outcomes[i] = pool[r.nextInt(pool.length)];
            String joined = new String(java.util.Arrays.stream(outcomes)
                    .map(o -> o.name().substring(0, 1))
                    .reduce("", String::concat));
            List<String> got = analyze(completed(10, outcomes));
            assertThat(got.contains(HIGH_COMPLETION_STREAK)).as(joined).isEqualTo(joined.contains("SSS"));
            assertThat(got.contains(FAILURE_CASCADE)).as(joined).isEqualTo(joined.contains("FFF"));
        }
    }
}
