package dev.bosun.config;

/**
 * Thresholds of the session patterns named at session end (docs/PATTERNS.md).
 *
 * @param streak           {@code high_completion_streak}: consecutive successes needed
 * @param cascade          {@code failure_cascade}: consecutive failures needed
 * @param timeouts         {@code repeated_timeouts}: timed-out tasks needed
 * @param outlierFactor    {@code slow_task_outlier}: how many times the median a task must exceed
 * @param outlierMinTasks  {@code slow_task_outlier}: tasks with a duration needed before it applies
 */
public record PatternSettings(int streak, int cascade, int timeouts, double outlierFactor, int outlierMinTasks) {
    /** The documented defaults. */
    public static final PatternSettings DEFAULTS = new PatternSettings(3, 3, 2, 3.0, 4);
}
