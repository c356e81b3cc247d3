package dev.bosun.event;

/** The SYSTEM event types the store writes at every checkpoint of a session. */
public final class SystemEvents {
    public static final String SESSION_STARTED = "session_started";
    public static final String TASK_STARTED = "task_started";
    public static final String TASK_COMPLETED = "task_completed";
    public static final String SESSION_ENDED = "session_ended";
    public static final String ERROR = "error";
    /** The tenant's fleet graph crossed into emergence while routing one of this session's tasks. */
    public static final String EMERGENCE_ALERT = "emergence_alert";

    /**
     * The checkpoint events: what tiles, webhooks and listeners follow. All are Bosun's own (SYSTEM),
     * except {@code error}, which a worker or an agent may also write (OUT): a session's error is a
     * checkpoint whoever reports it.
     */
    public static final java.util.List<String> CHECKPOINTS =
            java.util.List.of(SESSION_STARTED, TASK_STARTED, TASK_COMPLETED, SESSION_ENDED, ERROR, EMERGENCE_ALERT);

    public static boolean isCheckpoint(Direction direction, String type) {
        return direction == Direction.SYSTEM && CHECKPOINTS.contains(type)
                || direction == Direction.OUT && ERROR.equals(type);
    }

    private SystemEvents() {}
}
