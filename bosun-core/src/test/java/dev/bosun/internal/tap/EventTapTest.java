package dev.bosun.internal.tap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import dev.bosun.store.CommittedEvent;
import dev.bosun.store.Store;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class EventTapTest {
    private static Event event(String session, long seq, Direction d, String type) {
        return new Event(session, seq, d, type, JsonNodeFactory.instance.objectNode(), Instant.EPOCH);
    }

    /** A store that answers only readEvents, from a fixed log per session. */
    private static Store logOf(Map<String, List<Event>> logs) {
        return logOf(logs, new AtomicInteger());
    }

    /** The same, counting its reads in {@code reads}. */
    private static Store logOf(Map<String, List<Event>> logs, AtomicInteger reads) {
        return (Store) Proxy.newProxyInstance(
                Store.class.getClassLoader(), new Class<?>[] {Store.class}, (p, m, args) -> {
                    if (!m.getName().equals("readEvents")) throw new UnsupportedOperationException(m.getName());
                    reads.incrementAndGet();
                    long after = (Long) args[1];
                    int limit = (Integer) args[2];
                    return logs.getOrDefault((String) args[0], List.of()).stream()
                            .filter(e -> e.seq() > after)
                            .limit(limit)
                            .toList();
                });
    }

    /** The row a commit wrote for {@code e}, as a store that collects them passes it (payload as stored text). */
    private static CommittedEvent committed(Event e) {
        return new CommittedEvent(
                e.sessionId(),
                e.seq(),
                e.direction(),
                e.type(),
                Json.write(e.payload()),
                e.createdAt().toEpochMilli());
    }

    private static List<Long> seqsOf(List<Event> heard, String session) {
        return heard.stream()
                .filter(e -> e.sessionId().equals(session))
                .map(Event::seq)
                .toList();
    }

    @Test
    void committedEventsAreHandedOutWithoutReadingTheLog() {
        var started = event("s", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED);
        // As a read of the row would give it: the payload parsed from its stored text.
        var input = new Event(
                "s", 2, Direction.IN, "input", Json.parseTrusted("{\"n\":7,\"x\":1.5}"), Instant.ofEpochMilli(42));
        var reads = new AtomicInteger();
        var heard = new CopyOnWriteArrayList<Event>();
        try (var tap = new EventTap(logOf(Map.of("s", List.of(started, input)), reads))) {
            tap.addListener(heard::add);
            tap.start(Map.of());
            tap.committed("s", List.of(committed(started)));
            tap.committed("s", List.of(committed(input)));
            tap.committed("s", List.of()); // a commit that changed the session but appended nothing
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 2);
        }
        assertThat(heard).containsExactly(started, input);
        assertThat(reads).as("nothing was read back from the log").hasValue(0);
    }

    @Test
    void aGapInTheCommittedSeqsIsFilledFromTheLog() {
        var log = List.of(
                event("s", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED),
                event("s", 2, Direction.IN, "a"),
                event("s", 3, Direction.IN, "b"),
                event("s", 4, Direction.IN, "c"),
                event("s", 5, Direction.IN, "d"));
        var reads = new AtomicInteger();
        var heard = new CopyOnWriteArrayList<Event>();
        try (var tap = new EventTap(logOf(Map.of("s", log), reads))) {
            tap.addListener(heard::add);
            // Followed from seq 1: the commits of 2 and 3 happened before this tap was told of any.
            tap.start(Map.of("s", 1L));
            tap.committed("s", List.of(committed(log.get(3))));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 4);
            // Seq 5 was read with the gap; its own notice, arriving after, hands out nothing again.
            tap.committed("s", List.of(committed(log.get(4))));
            tap.committed("t", List.of(committed(event("t", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED))));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !seqsOf(heard, "t").isEmpty());
        }
        assertThat(seqsOf(heard, "s")).containsExactly(2L, 3L, 4L, 5L);
        assertThat(reads).as("one read filled the gap").hasValue(1);
    }

    @Test
    void aPlainNoticeReadsTheLogAndLaterCommittedEventsGoOnFromIt() {
        var log = List.of(
                event("s", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED),
                event("s", 2, Direction.IN, "a"),
                event("s", 3, Direction.IN, "b"));
        var reads = new AtomicInteger();
        var heard = new CopyOnWriteArrayList<Event>();
        try (var tap = new EventTap(logOf(Map.of("s", log), reads))) {
            tap.addListener(heard::add);
            tap.start(Map.of());
            tap.committed("s"); // e.g. a commit through another node: only the log can say what it added
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 3);
            // Notices of events that read already handed out, then one of a new event.
            tap.committed("s", List.of(committed(log.get(1)), committed(log.get(2))));
            tap.committed("s", List.of(committed(event("s", 4, Direction.OUT, "reply"))));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() >= 4);
            tap.committed("t", List.of(committed(event("t", 1, Direction.SYSTEM, SystemEvents.SESSION_STARTED))));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !seqsOf(heard, "t").isEmpty());
        }
        assertThat(seqsOf(heard, "s")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(reads).hasValue(1);
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
