package dev.bosun.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    final List<String> trace = new ArrayList<>();

    Lifecycle of(String... names) {
        var l = new Lifecycle();
        for (String n : names) l.add(n, () -> trace.add("start " + n), () -> trace.add("stop " + n));
        return l;
    }

    @Test
    void startsInOrderAndStopsInReverse() {
        var l = of("store listeners", "recovery", "tap", "reaper");
        l.start();
        l.close();
        assertThat(trace)
                .containsExactly(
                        "start store listeners",
                        "start recovery",
                        "start tap",
                        "start reaper",
                        "stop reaper",
                        "stop tap",
                        "stop recovery",
                        "stop store listeners");
    }

    @Test
    void aFailedStartStopsWhatHadStartedInReverseAndIsRethrown() {
        var l = of("a", "b")
                .add(
                        "c",
                        () -> {
                            throw new IllegalStateException("c cannot start");
                        },
                        () -> trace.add("stop c"))
                .add("d", () -> trace.add("start d"), () -> trace.add("stop d"));
        assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class).hasMessage("c cannot start");
        assertThat(trace).containsExactly("start a", "start b", "stop b", "stop a");
    }

    @Test
    void aFailedStopDoesNotKeepTheOthersRunning() {
        var l = of("a").add("b", () -> trace.add("start b"), () -> {
                    throw new IllegalStateException("b is stuck");
                })
                .add("c", () -> trace.add("start c"), () -> trace.add("stop c"));
        l.start();
        l.close();
        assertThat(trace).containsExactly("start a", "start b", "start c", "stop c", "stop a");
    }

    @Test
    void closesOnceAndStartsOnce() {
        var l = of("a");
        l.start();
        assertThatThrownBy(l::start).isInstanceOf(IllegalStateException.class);
        l.close();
        l.close();
        assertThat(trace).containsExactly("start a", "stop a");
        assertThat(l.names()).containsExactly("a");
    }
}
