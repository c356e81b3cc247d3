package dev.bosun.reaper;

/**
 * The reaper as its users see it: readiness and metrics ask whether it runs and how often it swept,
 * tests with a {@code ManualClock} make it sweep now. The reaper itself is machinery
 * ({@code dev.bosun.internal.reaper}); this is the part of it that is API.
 */
public interface Sweeper {

    /** Whether the background loop is running (for readiness checks). */
    boolean alive();

    /** How many sweeps ran since start. */
    long sweeps();

    /**
     * Expires everything due at the clock's current time. Public so that tests with a
     * {@code ManualClock} can drive it without a background thread.
     */
    SweepResult sweep();

    /** What one sweep did. */
    record SweepResult(int tasksTimedOut, int idleExpired, int ttlExpired, int startupFailed, int purged) {
        public int total() {
            return tasksTimedOut + idleExpired + ttlExpired + startupFailed + purged;
        }
    }
}
