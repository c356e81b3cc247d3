package dev.bosun.worker;

import dev.bosun.session.EndReason;
import java.util.Optional;

/** How the supervisor tells the session manager that a worker ended a session by exiting or vanishing. */
@FunctionalInterface
public interface WorkerEnded {
    void ended(String sessionId, EndReason reason, Optional<Integer> exitCode, String detail);
}
