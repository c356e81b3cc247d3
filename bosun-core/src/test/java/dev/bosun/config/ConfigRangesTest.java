package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.assertInvalid;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every ranged server key: each bound is accepted, and the value just outside it is rejected. */
class ConfigRangesTest {

    record Bound(
            String key,
            Function<BosunConfig, Object> read,
            String range,
            String min,
            Object minValue,
            String belowMin,
            String belowMessage,
            String max,
            Object maxValue,
            String aboveMax,
            String aboveMessage) {
        @Override
        public String toString() {
            return key;
        }
    }

    static Stream<Arguments> bounds() {
        return Stream.of(
                        duration(
                                "idle_timeout",
                                BosunConfig::idleTimeout,
                                "30s..24h",
                                "30s",
                                "29s",
                                "24h",
                                "86401",
                                "86401s"),
                        duration("ttl", BosunConfig::ttl, "60s..7d", "60s", "59s", "7d", "604801s", "604801s"),
                        size(
                                "max_message_bytes",
                                c -> (long) c.maxMessageBytes(),
                                "1KiB..10MiB",
                                "1KiB",
                                "1023",
                                "10MiB",
                                "10485761"),
                        integer("max_events_per_poll", BosunConfig::maxEventsPerPoll, 1, 1000),
                        new Bound(
                                "max_poll_wait",
                                BosunConfig::maxPollWait,
                                "0s..300s",
                                "0s",
                                Duration.ZERO,
                                "-1s",
                                "max_poll_wait = \"-1s\" is negative; a duration must be 0 or more",
                                "300s",
                                Duration.ofSeconds(300),
                                "301s",
                                "max_poll_wait = 301s is out of range"),
                        integer("max_tasks", BosunConfig::maxTasks, 1, 10_000),
                        duration(
                                "task_timeout",
                                BosunConfig::taskTimeout,
                                "1s..7d",
                                "1s",
                                "999ms",
                                "7d",
                                "604801s",
                                "604801s"),
                        integer("max_sessions", BosunConfig::maxSessions, 1, 1_000_000),
                        duration(
                                "retention",
                                BosunConfig::retention,
                                "1h..3650d",
                                "1h",
                                "3599s",
                                "3650d",
                                "315360001",
                                "315360001s"),
                        duration(
                                "startup_timeout",
                                BosunConfig::startupTimeout,
                                "1s..10m",
                                "1s",
                                "999ms",
                                "10m",
                                "601s",
                                "601s"),
                        duration(
                                "outbox_rescan",
                                BosunConfig::outboxRescan,
                                "50ms..60s",
                                "50ms",
                                "49ms",
                                "60s",
                                "60001ms",
                                "60001ms"),
                        size(
                                "worker_log_max_bytes",
                                BosunConfig::workerLogMaxBytes,
                                "4KiB..1GiB",
                                "4KiB",
                                "4095",
                                "1GiB",
                                "1073741825"))
                .map(Arguments::of);
    }

    private static Bound duration(
            String key,
            Function<BosunConfig, Object> read,
            String range,
            String min,
            String below,
            String max,
            String above,
            String aboveShown) {
        return new Bound(
                key,
                read,
                range,
                min,
                Durations.parse(min),
                below,
                key + " = " + below + " is out of range",
                max,
                Durations.parse(max),
                above,
                key + " = " + aboveShown + " is out of range");
    }

    private static Bound size(
            String key,
            Function<BosunConfig, Object> read,
            String range,
            String min,
            String below,
            String max,
            String above) {
        return new Bound(
                key,
                read,
                range,
                min,
                Sizes.parse(min),
                below,
                key + " = " + below + "B is out of range",
                max,
                Sizes.parse(max),
                above,
                key + " = " + above + "B is out of range");
    }

    private static Bound integer(String key, Function<BosunConfig, Object> read, int min, int max) {
        return new Bound(
                key,
                read,
                min + ".." + max,
                String.valueOf(min),
                min,
                String.valueOf(min - 1),
                key + " = " + (min - 1) + " is out of range",
                String.valueOf(max),
                max,
                String.valueOf(max + 1),
                key + " = " + (max + 1) + " is out of range");
    }

    // The environment keeps idle_timeout at its minimum so that ttl's lower bound is not also an idle > ttl case.
    private static ConfigLoader loader() {
        return ConfigLoader.defaults().env(Map.of("BOSUN_IDLE_TIMEOUT", "30s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void lowerBoundIsAccepted(Bound b) {
        assertThat(b.read().apply(loader().set(b.key(), b.min()).load())).isEqualTo(b.minValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void upperBoundIsAccepted(Bound b) {
        assertThat(b.read().apply(loader().set(b.key(), b.max()).load())).isEqualTo(b.maxValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void justBelowTheLowerBoundIsRejected(Bound b) {
        assertInvalid(
                () -> loader().set(b.key(), b.belowMin()).load(),
                b.key(),
                b.belowMessage() + "; allowed " + b.range() + " (from code)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void justAboveTheUpperBoundIsRejected(Bound b) {
        assertInvalid(
                () -> loader().set(b.key(), b.aboveMax()).load(),
                b.key(),
                b.aboveMessage() + "; allowed " + b.range() + " (from code)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void environmentValuesAreCheckedTheSameWay(Bound b) {
        String var = ConfigLoader.envVar(b.key());
        var env = new HashMap<String, String>(Map.of("BOSUN_IDLE_TIMEOUT", "30s"));
        env.put(var, b.aboveMax());
        assertInvalid(
                () -> ConfigLoader.defaults().env(env).load(),
                b.key(),
                b.aboveMessage() + "; allowed " + b.range() + " (from environment variable " + var + ")");
    }
}
