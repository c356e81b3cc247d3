package dev.bosun.pattern;

import dev.bosun.config.PatternSettings;
import dev.bosun.session.EndReason;
import dev.bosun.task.Task;
import dev.bosun.task.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Names the patterns of an ended session from its tasks: the catalogue of docs/PATTERNS.md, which
 * gives each one's exact definition. The analysis is a pure function of the tasks, the session's
 * task cap, why it ended and the thresholds, so every store computes the same list, once, in the
 * transaction that ends the session.
 *
 * <pre>{@code
 * List<String> names = SessionPatterns.analyze(tasks, 50, Optional.of(EndReason.COMPLETED), PatternSettings.DEFAULTS);
 * // e.g. [high_completion_streak, first_failure_recovered]
 * }</pre>
 */
public final class SessionPatterns {
    public static final String HIGH_COMPLETION_STREAK = "high_completion_streak";
    public static final String FIRST_FAILURE_RECOVERED = "first_failure_recovered";
    public static final String ALL_TASKS_SUCCEEDED = "all_tasks_succeeded";
    public static final String REPEATED_TIMEOUTS = "repeated_timeouts";
    public static final String FAILURE_CASCADE = "failure_cascade";
    public static final String SLOW_TASK_OUTLIER = "slow_task_outlier";
    public static final String MAX_TASKS_REACHED = "max_tasks_reached";
    public static final String EXPIRED_WHILE_IDLE = "expired_while_idle";

    /** Every pattern, in the order {@link #analyze} lists the ones that hold. */
    public static final List<String> CATALOGUE = List.of(
            HIGH_COMPLETION_STREAK,
            FIRST_FAILURE_RECOVERED,
            ALL_TASKS_SUCCEEDED,
            REPEATED_TIMEOUTS,
            FAILURE_CASCADE,
            SLOW_TASK_OUTLIER,
            MAX_TASKS_REACHED,
            EXPIRED_WHILE_IDLE);

    private SessionPatterns() {}

    /**
     * @param tasks    every task of the session, in the order they were added
     * @param maxTasks the session's task cap
     * @param reason   why the session ended
     * @return the names of the patterns that hold, in {@link #CATALOGUE} order
     */
    public static List<String> analyze(List<Task> tasks, int maxTasks, Optional<EndReason> reason, PatternSettings s) {
        List<TaskStatus> order = completionOrder(tasks);
        var out = new ArrayList<String>();
        if (longestRun(order, TaskStatus.SUCCESS) >= s.streak()) out.add(HIGH_COMPLETION_STREAK);
        if (!order.isEmpty() && order.get(0) == TaskStatus.FAILED && order.contains(TaskStatus.SUCCESS)) {
            out.add(FIRST_FAILURE_RECOVERED);
        }
        if (!tasks.isEmpty() && tasks.stream().allMatch(t -> t.status() == TaskStatus.SUCCESS))
            out.add(ALL_TASKS_SUCCEEDED);
        if (order.stream().filter(st -> st == TaskStatus.TIMEOUT).count() >= s.timeouts()) out.add(REPEATED_TIMEOUTS);
        if (longestRun(order, TaskStatus.FAILED) >= s.cascade()) out.add(FAILURE_CASCADE);
        if (hasSlowOutlier(tasks, s)) out.add(SLOW_TASK_OUTLIER);
        if (tasks.size() >= maxTasks) out.add(MAX_TASKS_REACHED);
        if (reason.orElse(null) == EndReason.EXPIRED_IDLE) out.add(EXPIRED_WHILE_IDLE);
        return List.copyOf(out);
    }

    /** Outcomes of the completed tasks by completion time; tasks that completed in the same millisecond keep their add order. */
    static List<TaskStatus> completionOrder(List<Task> tasks) {
        var done = new ArrayList<Indexed>();
        for (int i = 0; i < tasks.size(); i++) {
            Task t = tasks.get(i);
            if (t.status() != TaskStatus.RUNNING)
                done.add(new Indexed(t.endedAt().orElse(Instant.MAX), i, t.status()));
        }
        done.sort(Comparator.comparing(Indexed::endedAt).thenComparingInt(Indexed::index));
        return done.stream().map(Indexed::status).toList();
    }

    private record Indexed(Instant endedAt, int index, TaskStatus status) {}

    private static int longestRun(List<TaskStatus> order, TaskStatus status) {
        int best = 0;
        int run = 0;
        for (TaskStatus st : order) {
            run = st == status ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    /** Cancelled tasks are left out: their duration says when the session stopped them, not how slow they were. */
    private static boolean hasSlowOutlier(List<Task> tasks, PatternSettings s) {
        long[] d = tasks.stream()
                .filter(t -> t.status() == TaskStatus.SUCCESS
                        || t.status() == TaskStatus.FAILED
                        || t.status() == TaskStatus.TIMEOUT)
                .filter(t -> t.durationMs().isPresent())
                .mapToLong(t -> t.durationMs().get())
                .sorted()
                .toArray();
        if (d.length < s.outlierMinTasks()) return false;
        double median = d.length % 2 == 1 ? d[d.length / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2.0;
        return d[d.length - 1] > s.outlierFactor() * median;
    }
}
