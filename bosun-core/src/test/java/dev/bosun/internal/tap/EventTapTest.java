package dev.bosun.internal.tap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.store.Store;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class EventTapTest {
    private static Event event(String session, long seq, Direction d, String type) {
        return new Event(session, seq, d, type, JsonNodeFactory.instance.objectNode(), Instant.EPOCH);
    }

    /** A store that answers only readEvents, from a fixed log per session. */
    private static Store logOf(Map<String, List<Event>> logs) {
        return (Store) Proxy.newProxyInstance(
                Store.class.getClassLoader(), new Class<?>[] {Store.class}, (p, m, args) -> {
                    if (!m.getName().equals("readEvents")) throw new UnsupportedOperationException(m.getName());
                    long after = (Long) args[1];
                    int limit = (Integer) args[2];
                    return logs.getOrDefault((String) args[0], List.of()).stream()
                            .filter(e -> e.seq() > after)
                            .limit(limit)
                            .toList();
                });
    }

    @Test
    void aCommitNoticeArrivingAfterTheEndWasHandedOutReplaysNothing() {
        var log = Map.of(
                "s",
                        List.of(
                                event("s", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED),
                                event("s", 2, Direction.IN, "input"),
                                event("s", 3, Direction.SYSTEM, SystemEvents.SESSION_ENDED)),
                "t", List.of(event("t", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED)));
        var heard = new CopyOnWriteArrayList<Event>();
        try (var tap = new EventTap(logOf(log))) {
            tap.start(Map.of());
            tap.addListener(heard::add);
            tap.committed("s");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
            // The notice of a commit whose events (and the end behind them) were already read, arriving late.
            tap.committed("s");
            // One dispatcher, first come first served: once t is heard, the late notice of s has been handled.
            tap.committed("t");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> heard.stream().anyMatch(e -> e.sessionId().equals("t")));
        }
        assertThat(heard.stream()
                        .filter(e -> e.sessionId().equals("s"))
                        .map(Event::seq)
                        .toList())
                .containsExactly(1L, 2L, 3L);
    }
}
