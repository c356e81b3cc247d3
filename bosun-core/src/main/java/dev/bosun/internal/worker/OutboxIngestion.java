package dev.bosun.internal.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import dev.bosun.mailbox.ClaimedFile;
import dev.bosun.mailbox.OutboxClaims;
import dev.bosun.mailbox.OutboxItem;
import dev.bosun.mailbox.Workspace;
import dev.bosun.store.NewEvent;
import dev.bosun.store.SessionStore;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes workers' outbox files into the log. Single flight per session (one drain at a time, run
 * again when more files arrived meanwhile) and idempotent per claimed file, so a crash between the
 * commit and the delete never duplicates an event. A session that is no longer live or stopping
 * (cleaned up) is not drained: its workspace is gone or going.
 */
final class OutboxIngestion {
    private static final Logger log = LoggerFactory.getLogger(OutboxIngestion.class);
    static final int INGEST_BATCH = 256;
    private static final AttributeKey<Long> FILES = AttributeKey.longKey("bosun.outbox.files");

    private final BosunConfig config;
    private final SessionStore store;
    private final Clock clock;
    private final ExecutorService ingestors;

    OutboxIngestion(BosunConfig config, SessionStore store, Clock clock, ExecutorService ingestors) {
        this.config = config;
        this.store = store;
        this.clock = clock;
        this.ingestors = ingestors;
    }

    /** Asks for a live session's outbox to be ingested soon; coalesces with a drain already under way. */
    void trigger(SupervisedSession s) {
        if (!s.isLive()) return;
        s.dirty.set(true);
        if (s.flying.compareAndSet(false, true)) fly(s);
    }

    private void fly(SupervisedSession s) {
        try {
            ingestors.execute(() -> flight(s));
        } catch (RejectedExecutionException closing) {
            s.flying.set(false); // shutting down: a restart takes in what is left
        }
    }

    private void flight(SupervisedSession s) {
        try {
            while (s.dirty.getAndSet(false)) drain(s);
        } catch (RuntimeException e) {
            log.warn("ingesting outbox of {} failed; the rescan retries", s.id(), e);
        } finally {
            s.flying.set(false);
            if (s.dirty.get() && s.isLive() && s.flying.compareAndSet(false, true)) fly(s);
        }
    }

    /**
     * Ingests everything in the outbox now, in name order. Returns how many files it took in, or -1
     * when refused because the session has been cleaned up.
     */
    int drain(SupervisedSession s) {
        Span span = null;
        s.drainLock.lock();
        try {
            if (!s.mayDrain()) return -1;
            OutboxClaims c = claims(s);
            int total = 0;
            while (true) {
                List<ClaimedFile> batch = c.claimBatch(INGEST_BATCH);
                if (batch.isEmpty()) return total;
                // Started at the first file, not per drain: the rescan drains empty outboxes all the time.
                if (span == null) span = ingestionSpan(s);
                var events = new ArrayList<NewEvent>(batch.size());
                var items = new ArrayList<OutboxItem>(batch.size());
                for (ClaimedFile f : batch) {
                    OutboxItem item = f.read(config.maxMessageBytes(), config.jsonLimits());
                    items.add(item);
                    events.add(toEvent(s.id(), f, item));
                }
                try {
                    store.appendAll(s.id(), events);
                } catch (BosunException e) {
                    if (e.code() == ErrorCode.CONFLICT) return total; // ended: the workspace goes with it
                    throw e;
                }
                for (int i = 0; i < batch.size(); i++) {
                    if (!items.get(i).accepted()) c.reject(batch.get(i));
                    else c.done(batch.get(i));
                }
                total += batch.size();
                span.setAttribute(FILES, (long) total);
            }
        } catch (IOException e) {
            if (span != null) Tracing.fail(span, e);
            throw BosunException.internal("outbox of session '" + s.id() + "' could not be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (span != null) Tracing.fail(span, e);
            throw e;
        } finally {
            s.drainLock.unlock();
            if (span != null) span.end();
        }
    }

    /**
     * The span of one drain that found files: a child of the inbox delivery of the last send to this
     * worker (what it most likely answers), remembered in memory on this node only (D102).
     */
    private static Span ingestionSpan(SupervisedSession s) {
        return Tracing.start(
                "outbox ingestion",
                SpanKind.CONSUMER,
                Attributes.of(Tracing.SESSION_ID, s.id()),
                Tracing.under(s.cause.getAndSet(null)));
    }

    /** The final drain before an end: whatever it could not take in is logged, not thrown. */
    void finalDrain(SupervisedSession s) {
        if (!Files.isDirectory(workspaceOf(s.id()).outbox())) return;
        try {
            drain(s);
        } catch (RuntimeException e) {
            log.warn("final ingest for {} failed", s.id(), e);
        }
    }

    private OutboxClaims claims(SupervisedSession s) throws IOException {
        if (s.claims == null) s.claims = new OutboxClaims(workspaceOf(s.id()), clock);
        return s.claims;
    }

    private Workspace workspaceOf(String id) {
        return Workspace.at(config.dataDir(), id);
    }

    private NewEvent toEvent(String id, ClaimedFile f, OutboxItem item) {
        return switch (item) {
            case OutboxItem.Message m ->
                NewEvent.activity(id, Direction.OUT, m.eventType(), m.payload(), clock.instant())
                        .keyed(f.claimKey());
            case OutboxItem.TooLarge t -> {
                ObjectNode p = Json.object();
                p.put("code", "outbox_file_too_large");
                p.put(
                        "message",
                        "outbox file '" + f.originalName() + "' is " + t.sizeBytes() + " bytes, over the limit of "
                                + config.maxMessageBytes() + " bytes; it was moved aside");
                p.put("size_bytes", t.sizeBytes());
                p.put("limit_bytes", config.maxMessageBytes());
                yield movedAside(id, f, p);
            }
            case OutboxItem.Refused r -> {
                ObjectNode p = Json.object();
                p.put("code", "outbox_file_refused");
                p.put(
                        "message",
                        "outbox file '" + f.originalName() + "' " + r.reason()
                                + (r.path().isEmpty() ? "" : " (at " + r.path() + ")") + " [" + r.rule()
                                + "]; it was moved aside");
                p.put("rule", r.rule());
                p.put("path", r.path());
                yield movedAside(id, f, p);
            }
        };
    }

    /** The SYSTEM error event of a file moved to {@code .bosun/rejected/}: {@code p} and where the file went. */
    private NewEvent movedAside(String id, ClaimedFile f, ObjectNode p) {
        p.put("file_name", f.originalName());
        p.put("moved_to", ".bosun/rejected/" + f.originalName());
        return NewEvent.activity(id, Direction.SYSTEM, SystemEvents.ERROR, p, clock.instant())
                .keyed(f.claimKey());
    }
}
