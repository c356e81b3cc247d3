package dev.bosun.server.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.client.BosunClient;
import dev.bosun.client.SessionFilter;
import dev.bosun.contract.FaultLedger;
import dev.bosun.event.SystemEvents;
import dev.bosun.wire.Event;
import dev.bosun.wire.PollResult;
import dev.bosun.wire.Session;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a server acknowledged while faults were injected (sessions created, events sent, each with
 * the key its payload carries), and the check that all of it is still there, read back through a
 * node: every acknowledged event at the seq it was given with its payload, every session's log
 * gapless from seq 1, and every session the server knows starting with {@code session_started}.
 */
final class Acknowledged {
    private record Ack(String sessionId, long seq, String key) {}

    private final ConcurrentLinkedQueue<Ack> events = new ConcurrentLinkedQueue<>();
    private final Set<String> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicLong tried = new AtomicLong();

    /** Counts a call made under faults, whatever its answer. */
    void tried() {
        tried.incrementAndGet();
    }

    long triedCount() {
        return tried.get();
    }

    void session(String id) {
        sessions.add(id);
    }

    void event(String sessionId, long seq, String key) {
        events.add(new Ack(sessionId, seq, key));
    }

    /** Acknowledged writes so far: sessions created and events sent. */
    int size() {
        return sessions.size() + events.size();
    }

    /**
     * Reads everything back through {@code client} and asserts nothing acknowledged is missing or
     * changed; lost writes are added to the {@link FaultLedger} before the assertion fails.
     *
     * @param when what just happened, for the failure message
     */
    void assertAllThere(BosunClient client, String when) {
        // What was acknowledged before the reading starts must all be read; writes go on meanwhile.
        // Events first: a session is booked before anything is sent to it, so every session an event
        // of the copy went to is in the sessions' copy.
        var ackedEvents = List.copyOf(events);
        var ackedSessions = Set.copyOf(sessions);
        var known = new LinkedHashSet<>(ackedSessions);
        known.addAll(allSessionIds(client)); // incl. those whose create failed but was committed anyway
        var logs = new HashMap<String, Map<Long, Event>>();
        for (String id : known) {
            List<Event> log = readAll(client, id);
            assertThat(log).as("log of %s %s", id, when).isNotEmpty();
            assertThat(log.getFirst().eventType())
                    .as("first event of %s %s", id, when)
                    .isEqualTo(SystemEvents.SESSION_STARTED);
            for (int i = 0; i < log.size(); i++) {
                assertThat(log.get(i).seq())
                        .as("seq %d of %s %s (gapless from 1)", i + 1, id, when)
                        .isEqualTo(i + 1L);
            }
            var bySeq = new HashMap<Long, Event>();
            log.forEach(e -> bySeq.put(e.seq(), e));
            logs.put(id, bySeq);
        }
        var lost = new ArrayList<String>();
        for (String id : ackedSessions) {
            if (!logs.containsKey(id)) lost.add("session " + id);
        }
        for (Ack a : ackedEvents) {
            Event e = logs.getOrDefault(a.sessionId(), Map.of()).get(a.seq());
            if (e == null || !a.key().equals(e.payload().path("k").asText())) {
                lost.add(a.key() + " at seq " + a.seq() + " of " + a.sessionId() + " (found " + e + ")");
            }
        }
        FaultLedger.lost(lost.size());
        assertThat(lost).as("acknowledged writes missing or changed %s", when).isEmpty();
    }

    /** Adds this scenario's figures to the ledger; call once at its end. */
    void record(int faultsInjected) {
        FaultLedger.inputs(tried.get());
        FaultLedger.faults(faultsInjected);
        FaultLedger.acknowledged(size());
    }

    static List<Event> readAll(BosunClient client, String sessionId) {
        var out = new ArrayList<Event>();
        long after = 0;
        while (true) {
            PollResult r = client.poll(sessionId, after, 0, Duration.ZERO);
            out.addAll(r.events());
            after = r.nextCursor();
            if (!r.hasMore()) return out;
        }
    }

    private static List<String> allSessionIds(BosunClient client) {
        var out = new ArrayList<String>();
        Optional<String> after = Optional.empty();
        while (true) {
            var page = client.listSessions(SessionFilter.ALL, after, 100);
            page.items().stream().map(Session::sessionId).forEach(out::add);
            if (!page.hasMore()) return out;
            after = Optional.ofNullable(page.nextCursor());
        }
    }
}
