package dev.bosun.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.EndRequest.Precondition;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndCauseTest {
    @Test
    void eachCauseNamesItsReasonOutcomeAndPrecondition() {
        var requested = new EndCause.Requested(SessionOutcome.SUCCESS, Optional.empty());
        assertThat(requested.reason()).isEqualTo(EndReason.COMPLETED);
        assertThat(requested.outcome()).isEqualTo(SessionOutcome.SUCCESS);
        assertThat(new EndCause.Terminated(Optional.of("why")).outcome()).isEqualTo(SessionOutcome.CANCELLED);
        var idle = new EndCause.Expired(Due.Kind.IDLE);
        assertThat(idle.reason()).isEqualTo(EndReason.EXPIRED_IDLE);
        assertThat(idle.precondition()).isEqualTo(Precondition.IDLE_DUE);
        assertThat(new EndCause.Expired(Due.Kind.TTL).precondition()).isEqualTo(Precondition.TTL_DUE);
        assertThat(new EndCause.Expired(Due.Kind.STARTUP).reason()).isEqualTo(EndReason.STARTUP_FAILED);
        var exited = new EndCause.WorkerExited(Optional.of(3), "exit 3");
        assertThat(exited.exitCode()).contains(3);
        assertThat(exited.precondition()).isEqualTo(Precondition.NONE);
    }

    @Test
    void aTakeoverEndsAStartingSessionStartupFailedAndARunningOneWorkerLost() {
        var starting = new EndCause.TakenOver(SessionStatus.CREATING, "a", "b");
        assertThat(starting.reason()).isEqualTo(EndReason.STARTUP_FAILED);
        var running = new EndCause.TakenOver(SessionStatus.RUNNING, "a", "b");
        assertThat(running.reason()).isEqualTo(EndReason.WORKER_LOST);
        assertThat(running.error())
                .contains("its owner node 'a' stopped renewing its lease; node 'b' took the session over");
    }
}
