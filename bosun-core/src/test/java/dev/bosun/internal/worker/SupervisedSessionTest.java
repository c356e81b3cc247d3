package dev.bosun.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.internal.worker.SupervisedSession.Clean;
import dev.bosun.internal.worker.SupervisedSession.State;
import org.junit.jupiter.api.Test;

/** The supervision state machine: every late or repeated notice is a refused transition. */
class SupervisedSessionTest {
    private static SupervisedSession live() {
        SupervisedSession s = SupervisedSession.starting("s1");
        assertThat(s.goLive()).isTrue();
        return s;
    }

    @Test
    void aStartedSessionGoesLiveThenStopsThenIsCleanedOnce() {
        SupervisedSession s = SupervisedSession.starting("s1");
        assertThat(s.state()).isEqualTo(State.STARTING);
        assertThat(s.mayDrain())
                .as("nothing is taken in before RUNNING is committed")
                .isFalse();
        assertThat(s.goLive()).isTrue();
        assertThat(s.isLive()).isTrue();
        assertThat(s.stop()).isTrue();
        assertThat(s.state()).isEqualTo(State.STOPPING);
        assertThat(s.mayDrain()).as("the final drain").isTrue();
        assertThat(s.clean()).isEqualTo(Clean.NOW);
        assertThat(s.state()).isEqualTo(State.CLEANED);
    }

    @Test
    void aSecondStopIsRefused() {
        SupervisedSession s = live();
        assertThat(s.stop()).isTrue();
        assertThat(s.stop()).isFalse();
        assertThat(s.state()).isEqualTo(State.STOPPING);
    }

    @Test
    void anExitAfterBosunStoppedTheWorkerIsRefused() {
        SupervisedSession s = live();
        assertThat(s.stop()).isTrue();
        assertThat(s.exited()).isFalse();
    }

    @Test
    void aLateExitAfterCleanupIsRefused() {
        SupervisedSession s = live();
        assertThat(s.clean()).isEqualTo(Clean.NOW);
        assertThat(s.exited()).isFalse();
        assertThat(s.stop()).isFalse();
        assertThat(s.state()).isEqualTo(State.CLEANED);
    }

    @Test
    void aDrainAfterCleanupIsRefusedAndASecondCleanupToo() {
        SupervisedSession s = live();
        assertThat(s.clean()).isEqualTo(Clean.NOW);
        assertThat(s.mayDrain()).isFalse();
        assertThat(s.clean()).isEqualTo(Clean.REFUSED);
    }

    @Test
    void anExitOfALiveWorkerWinsOnceAndItsCleanupFollows() {
        SupervisedSession s = live();
        assertThat(s.exited()).isTrue();
        assertThat(s.exited()).isFalse();
        assertThat(s.stop())
                .as("a stop for an end after the exit: the worker is already gone")
                .isFalse();
        assertThat(s.clean()).isEqualTo(Clean.NOW);
    }

    @Test
    void aCleanupDuringTheStartIsLeftToTheStarterWhoseGoLiveIsRefused() {
        SupervisedSession s = SupervisedSession.starting("s1");
        assertThat(s.clean()).isEqualTo(Clean.DEFERRED);
        assertThat(s.goLive()).isFalse();
        assertThat(s.state()).isEqualTo(State.STOPPING);
        assertThat(s.clean()).as("the starter's own clean-up").isEqualTo(Clean.NOW);
    }

    @Test
    void anAbandonedStartCleansUpAtOnce() {
        SupervisedSession s = SupervisedSession.starting("s1");
        s.abandon();
        assertThat(s.goLive()).isFalse();
        assertThat(s.clean()).isEqualTo(Clean.NOW);
    }

    @Test
    void anAdoptedWorkerIsLiveAndALostOneOnlyDrains() {
        assertThat(SupervisedSession.adopted("s1", null).isLive()).isTrue();
        SupervisedSession lost = SupervisedSession.ending("s2");
        assertThat(lost.isLive()).isFalse();
        assertThat(lost.mayDrain()).isTrue();
        assertThat(lost.exited()).isFalse();
    }
}
