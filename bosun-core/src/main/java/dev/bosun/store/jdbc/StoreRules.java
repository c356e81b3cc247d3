package dev.bosun.store.jdbc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.event.SystemPayloads;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.EndRequest;
import dev.bosun.store.TaskCompletion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import java.util.Map;
import java.util.Optional;

/**
 * What the SQL stores refuse and write, decided in one place so that SQLite and PostgreSQL answer
 * alike: the same errors with the same codes, messages and details, the same guards and payloads.
 * Each store calls these inside its own transaction, on the rows it has read there.
 */
public final class StoreRules {
    private StoreRules() {}

    /** CONFLICT: the session has ended and takes no more writes. */
    public static BosunException ended(Session s) {
        String reason = s.reason().map(EndReason::code).orElse("");
        return BosunException.conflict(
                "session '" + s.id() + "' has ended (" + (reason.isEmpty() ? "ended" : reason)
                        + "); it accepts no more writes",
                Map.of("session_id", s.id(), "status", "ended", "reason", reason));
    }

    public static BosunException duplicateSession(String id) {
        return BosunException.conflict("session '" + id + "' already exists", Map.of("session_id", id));
    }

    public static BosunException liveCap(int maxLiveSessions) {
        return BosunException.limit(
                "the server already runs its maximum of " + maxLiveSessions + " concurrent sessions",
                Map.of("limit", maxLiveSessions, "field", "max_sessions"));
    }

    public static BosunException notCreating(Session s) {
        return BosunException.conflict(
                "session '" + s.id() + "' is " + s.status().wire() + ", not creating",
                Map.of("session_id", s.id(), "status", s.status().wire()));
    }

    /** A task may be added to a RUNNING session below its task cap. */
    public static void requireTaskAddable(Session s) {
        if (s.isEnded()) throw ended(s);
        if (s.status() != SessionStatus.RUNNING) {
            throw BosunException.conflict(
                    "session '" + s.id() + "' is still starting; add tasks once it is running",
                    Map.of("session_id", s.id(), "status", s.status().wire()));
        }
        if (s.taskCounts().total() >= s.maxTasks()) {
            throw BosunException.limit(
                    "session '" + s.id() + "' already has its maximum of " + s.maxTasks() + " tasks",
                    Map.of("session_id", s.id(), "limit", s.maxTasks(), "field", "max_tasks"));
        }
    }

    public static BosunException duplicateTask(String sessionId, String taskId) {
        return BosunException.conflict(
                "task '" + taskId + "' already exists in session '" + sessionId + "'",
                Map.of("session_id", sessionId, "task_id", taskId, "field", "task_id"));
    }

    /** {@code task_started}'s payload, with the routing decision when the task was routed. */
    public static ObjectNode taskStarted(Task task, Optional<ObjectNode> routing) {
        ObjectNode started = SystemPayloads.taskStarted(task);
        routing.ifPresent(r -> started.set("routing", r));
        return started;
    }

    /**
     * Whether a reaper's timeout must leave the task alone: it completed, its session ended, or its
     * deadline moved past the sweep. The reaper loses these races on purpose.
     */
    public static boolean timeoutLoses(TaskCompletion tc, Session s, Task before) {
        return tc.onlyIfTimedOut()
                && (before.status().isFinal()
                        || s.isEnded()
                        || before.deadlineAt().isAfter(tc.at()));
    }

    /** A completion needs a running task in a live session. */
    public static void requireCompletable(Session s, Task before, TaskCompletion tc) {
        if (before.status().isFinal()) {
            throw BosunException.conflict(
                    "task '" + tc.taskId() + "' already completed with outcome "
                            + before.status().value(),
                    Map.of(
                            "session_id",
                            s.id(),
                            "task_id",
                            tc.taskId(),
                            "status",
                            before.status().value()));
        }
        if (s.isEnded()) throw ended(s);
    }

    /** The duration recorded: the caller's, else measured from the task's start. */
    public static long durationMs(TaskCompletion tc, Task before) {
        return tc.durationMs()
                .orElse(Math.max(0, tc.at().toEpochMilli() - before.startedAt().toEpochMilli()));
    }

    /** The session counter a completion with this outcome increments. */
    public static String counterColumn(TaskOutcome outcome) {
        return switch (outcome) {
            case SUCCESS -> "tasks_success";
            case FAILED -> "tasks_failed";
            case CANCELLED -> "tasks_cancelled";
            case TIMEOUT -> "tasks_timeout";
        };
    }

    /** The extra WHERE clause of an end with a deadline precondition (one {@code ?}: the end time), or "". */
    public static String endGuard(EndRequest.Precondition p) {
        return switch (p) {
            case NONE -> "";
            case IDLE_DUE -> " AND idle_deadline_at IS NOT NULL AND idle_deadline_at <= ?";
            case TTL_DUE -> " AND expires_at <= ?";
            case STARTUP_DUE -> " AND status = 'CREATING' AND startup_deadline_at <= ?";
        };
    }

    /** {@code session_ended}'s payload, with {@code h1_delta} when β₁ was recorded at both ends. */
    public static ObjectNode sessionEnded(Session ended, Optional<Long> h1Start, EndRequest req) {
        ObjectNode payload = SystemPayloads.sessionEnded(ended);
        if (h1Start.isPresent() && req.h1End().isPresent()) {
            payload.set(
                    "h1_delta",
                    SystemPayloads.h1Delta(h1Start.get(), req.h1End().get()));
        }
        return payload;
    }

    /**
     * The patterns a session will have once its end commits: its tasks as the end leaves them (the
     * running ones cancelled at the end time). Computed before the end's UPDATE, which writes them.
     */
    public static java.util.List<String> patternsAtEnd(java.util.List<Task> tasks, int maxTasks, EndRequest req) {
        long t = req.at().toEpochMilli();
        java.time.Instant end = req.at();
        java.util.List<Task> atEnd = tasks.stream()
                .map(k -> k.isActive()
                        ? new Task(
                                k.sessionId(),
                                k.id(),
                                k.name(),
                                k.data(),
                                k.priority(),
                                k.requiredCapabilities(),
                                k.assignedAgent(),
                                dev.bosun.task.TaskStatus.CANCELLED,
                                k.createdAt(),
                                k.startedAt(),
                                Optional.of(end),
                                k.deadlineAt(),
                                Optional.of(Math.max(0, t - k.startedAt().toEpochMilli())),
                                k.result(),
                                k.error())
                        : k)
                .toList();
        return dev.bosun.pattern.SessionPatterns.analyze(atEnd, maxTasks, Optional.of(req.reason()), req.patterns());
    }
}
