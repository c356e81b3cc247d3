package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.error.BosunException;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.event.SystemEvents;
import dev.bosun.server.metrics.Metrics;
import dev.bosun.session.Session;
import dev.bosun.wire.SendEvent;
import dev.bosun.wire.WireFields;
import dev.bosun.wire.WireJson;
import io.javalin.http.Context;
import jakarta.servlet.ServletOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The event log over HTTP: send, emit, poll and long-poll, and Server-Sent Events. */
final class EventRoutes {
    static final Set<String> EVENT_FIELDS = WireFields.names(SendEvent.class);

    private final SessionManager manager;
    private final StreamGate gate;
    private final Metrics metrics;
    private final Duration heartbeat;

    EventRoutes(SessionManager manager, StreamGate gate, Metrics metrics, Duration heartbeat) {
        this.manager = manager;
        this.gate = gate;
        this.metrics = metrics;
        this.heartbeat = heartbeat;
    }

    void register(RouteTable r) {
        r.post("/v1/sessions/{id}/events", ctx -> append(ctx, true));
        r.post("/v1/sessions/{id}/emit", ctx -> append(ctx, false));
        r.get("/v1/sessions/{id}/events", this::poll);
        r.get("/v1/sessions/{id}/events/stream", this::stream);
    }

    private void append(Context ctx, boolean toInbox) {
        Scope.own(manager, ctx);
        Body b = Body.parse(ctx.bodyAsBytes(), EVENT_FIELDS);
        String type = b.requiredString("event_type");
        var payload = b.requiredJson("payload");
        Event e = toInbox
                ? manager.send(ctx.pathParam("id"), type, payload)
                : manager.emit(ctx.pathParam("id"), type, payload);
        Replies.seq(ctx, 202, WireMapping.seq(e));
    }

    private void poll(Context ctx) {
        Scope.own(manager, ctx);
        long after = Query.integer(ctx, "after", 0);
        long limit = Query.integer(ctx, "limit", manager.config().maxEventsPerPoll());
        if (limit < 1 || limit > manager.config().maxEventsPerPoll()) {
            throw BosunException.invalid(
                    "limit",
                    "limit = " + limit + " is out of range; allowed 1.."
                            + manager.config().maxEventsPerPoll());
        }
        Duration wait = Query.seconds(ctx, "wait", Duration.ZERO);
        if (wait.compareTo(manager.config().maxPollWait()) > 0) {
            throw BosunException.invalid(
                    "wait",
                    "wait = " + wait.toMillis() / 1000.0 + " s is over the maximum of "
                            + manager.config().maxPollWait().toSeconds() + " s");
        }
        Instant began = Instant.now();
        PollResult r;
        if (wait.isZero()) {
            r = manager.poll(ctx.pathParam("id"), after, (int) limit, wait);
        } else {
            try (var permit = gate.enter(Scope.tenant(ctx))) {
                r = pollUnlessDraining(ctx.pathParam("id"), after, (int) limit, wait);
            } catch (BosunException e) {
                throw e;
            } catch (Exception e) {
                throw BosunException.internal("long-poll failed", e);
            }
            if (!r.events().isEmpty() && r.events().get(0).createdAt().isAfter(began)) {
                metrics.wake("long_poll", r.events().get(0).createdAt());
            }
        }
        Replies.json(ctx, 200, WireMapping.poll(r));
    }

    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.UTF_8);

    /** The reconnect delay a stream ended by a shutdown asks for (SSE {@code retry:}, milliseconds). */
    static final long RECONNECT_MS = 1_000;

    /** SSE: each event's {@code id} is its seq, so {@code Last-Event-ID} resumes exactly after it. */
    private void stream(Context ctx) throws IOException {
        Session s = Scope.session(manager, ctx);
        String lastId = ctx.header("Last-Event-ID");
        long after = lastId != null && !lastId.isBlank()
                ? parseCursor("Last-Event-ID", lastId)
                : Query.integer(ctx, "after", 0);
        if (after < 0 || after > s.lastSeq()) {
            throw BosunException.invalid("after", "cursor " + after + " is outside the log (0.." + s.lastSeq() + ")");
        }
        Duration wait = heartbeat.compareTo(manager.config().maxPollWait()) < 0
                ? heartbeat
                : manager.config().maxPollWait();
        // A write to a client that has gone fails, which ends the loop and frees the slot: the
        // keep-alive comment is what finds vanished clients within one or two periods (D57).
        try (var permit = gate.enter(Scope.tenant(ctx))) {
            var res = ctx.res();
            res.setStatus(200);
            res.setContentType("text/event-stream");
            res.setCharacterEncoding("UTF-8");
            res.setHeader("Cache-Control", "no-cache");
            res.setHeader("X-Accel-Buffering", "no");
            ServletOutputStream out = res.getOutputStream();
            out.write(": stream open\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            long cursor = after;
            while (true) {
                if (gate.draining()) {
                    // Shutting down: tell the client to come back (to this node once restarted, or another)
                    // after RECONNECT_MS, from its Last-Event-ID, instead of just cutting the stream.
                    out.write(("retry: " + RECONNECT_MS + "\n: server shutting down; reconnect with Last-Event-ID\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    // Completes the response (its last chunk) before the slot is given back: the server
                    // stops once every slot is back, and must not cut this stream's end in half.
                    out.close();
                    return;
                }
                Instant began = Instant.now();
                PollResult r = manager.poll(s.id(), cursor, manager.config().maxEventsPerPoll(), wait);
                List<Event> events = r.events();
                if (events.isEmpty()) {
                    if (r.status().isLive()) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        if (wait.isZero()) Thread.sleep(200);
                        continue;
                    }
                    return; // ended, and everything after the cursor has been sent
                }
                if (events.get(0).createdAt().isAfter(began))
                    metrics.wake("sse", events.get(0).createdAt());
                // Each event's record is written straight into the batch's bytes (no tree, no String), with
                // the mapper the SDK reads it with; closing a ByteArrayOutputStream, as Jackson does, is a no-op.
                var batch = new ByteArrayOutputStream(256 * events.size());
                for (Event e : events) {
                    batch.write(("id: " + e.seq() + "\nevent: message\ndata: ").getBytes(StandardCharsets.UTF_8));
                    WireJson.MAPPER.writeValue(batch, WireMapping.event(e));
                    batch.write(EVENT_END);
                }
                batch.writeTo(out);
                out.flush();
                cursor = r.nextCursor();
                Event last = events.get(events.size() - 1);
                if (last.type().equals(SystemEvents.SESSION_ENDED) && !r.hasMore()) return;
            }
        } catch (IOException e) {
            // the client went away; it resumes with Last-Event-ID
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (BosunException e) {
            throw e;
        } catch (Exception e) {
            throw BosunException.internal("event stream failed", e);
        }
    }

    /**
     * A long-poll in slices of at most {@link #DRAIN_CHECK}, so that a shutdown answers it (with what
     * there is, as at the end of its wait) within one slice. A waiting poll re-reads the store about
     * that often anyway.
     */
    private PollResult pollUnlessDraining(String id, long after, int limit, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Duration slice = Duration.ofNanos(Math.max(0, Math.min(left, DRAIN_CHECK.toNanos())));
            PollResult r = manager.poll(id, after, limit, slice);
            if (!r.events().isEmpty() || !r.status().isLive() || left <= DRAIN_CHECK.toNanos() || gate.draining())
                return r;
        }
    }

    static final Duration DRAIN_CHECK = Duration.ofSeconds(1);

    private static long parseCursor(String field, String v) {
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw BosunException.invalid(field, field + " = '" + v + "' is not a seq");
        }
    }
}
