package dev.bosun.store;

import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.EndRequest.Precondition;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a session is being ended: the closed set of every path that ends one. Each cause knows its
 * {@link EndReason}, outcome, error text, exit code and the precondition the end must still meet;
 * {@code SessionEnds} adds the time, β₁ and the operator's pattern settings.
 */
public sealed interface EndCause {
    EndReason reason();

    default SessionOutcome outcome() {
        return reason().impliedOutcome();
    }

    Optional<String> error();

    default Optional<Integer> exitCode() {
        return Optional.empty();
    }

    default Precondition precondition() {
        return Precondition.NONE;
    }

    /** The agent ended its session through the API with its own outcome ({@code completed}). */
    record Requested(SessionOutcome outcome, Optional<String> error) implements EndCause {
        public Requested {
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(error, "error");
        }

        @Override
        public EndReason reason() {
            return EndReason.COMPLETED;
        }
    }

    /** Terminated on request, with the caller's reason if it gave one. */
    record Terminated(Optional<String> error) implements EndCause {
        @Override
        public EndReason reason() {
            return EndReason.TERMINATED;
        }
    }

    /** A deadline fell due: idle, TTL or startup; the end only happens if it is still due when it commits. */
    record Expired(Due.Kind kind) implements EndCause {
        @Override
        public EndReason reason() {
            return switch (kind) {
                case IDLE -> EndReason.EXPIRED_IDLE;
                case TTL -> EndReason.EXPIRED_TTL;
                case STARTUP -> EndReason.STARTUP_FAILED;
            };
        }

        @Override
        public Optional<String> error() {
            return Optional.of(
                    switch (kind) {
                        case IDLE -> "no activity within the idle timeout";
                        case TTL -> "reached its time to live";
                        case STARTUP -> "worker did not start before the startup deadline";
                    });
        }

        @Override
        public Precondition precondition() {
            return switch (kind) {
                case IDLE -> Precondition.IDLE_DUE;
                case TTL -> Precondition.TTL_DUE;
                case STARTUP -> Precondition.STARTUP_DUE;
            };
        }
    }

    /** The worker could not be started (or a restart cut its start short). */
    record StartupFailed(String detail) implements EndCause {
        @Override
        public EndReason reason() {
            return EndReason.STARTUP_FAILED;
        }

        @Override
        public Optional<String> error() {
            return Optional.of(detail);
        }
    }

    /** The worker exited on its own. */
    record WorkerExited(Optional<Integer> exitCode, String detail) implements EndCause {
        @Override
        public EndReason reason() {
            return EndReason.WORKER_EXITED;
        }

        @Override
        public Optional<String> error() {
            return Optional.of(detail);
        }
    }

    /** The worker was gone (found missing after a restart). */
    record WorkerLost(String detail) implements EndCause {
        @Override
        public EndReason reason() {
            return EndReason.WORKER_LOST;
        }

        @Override
        public Optional<String> error() {
            return Optional.of(detail);
        }
    }

    /** The workspace outgrew its profile's quota and the worker was stopped. */
    record QuotaExceeded(String detail) implements EndCause {
        @Override
        public EndReason reason() {
            return EndReason.WORKSPACE_QUOTA_EXCEEDED;
        }

        @Override
        public Optional<String> error() {
            return Optional.of(detail);
        }
    }

    /**
     * Another node took the session over because its owner stopped renewing its lease: a session
     * still starting ends {@code startup_failed}, a running one {@code worker_lost}.
     */
    record TakenOver(SessionStatus status, String lapsedNode, String byNode) implements EndCause {
        @Override
        public EndReason reason() {
            return status == SessionStatus.CREATING ? EndReason.STARTUP_FAILED : EndReason.WORKER_LOST;
        }

        @Override
        public Optional<String> error() {
            return Optional.of("its owner node '" + lapsedNode + "' stopped renewing its lease; node '" + byNode
                    + "' took the session over");
        }
    }
}
