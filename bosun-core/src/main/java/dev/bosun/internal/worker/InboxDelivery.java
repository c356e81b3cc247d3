package dev.bosun.internal.worker;

import dev.bosun.config.BosunConfig;
import dev.bosun.event.Event;
import dev.bosun.mailbox.Workspace;
import dev.bosun.store.WorkerStore;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes committed IN events to a live worker's inbox, in seq order, and records how far it got;
 * what it could not write stays pending for the next send, rescan or restart.
 */
final class InboxDelivery {
    private static final Logger log = LoggerFactory.getLogger(InboxDelivery.class);
    static final int INBOX_BATCH = 1000;

    private final BosunConfig config;
    private final WorkerStore store;

    InboxDelivery(BosunConfig config, WorkerStore store) {
        this.config = config;
        this.store = store;
    }

    /**
     * Writes every committed IN event not yet in the inbox; nothing once the session stops being live.
     * Returns how many it wrote (none when another thread, e.g. a peer's commit notice, was first).
     */
    long deliverPending(SupervisedSession s) {
        synchronized (s.inboxLock) {
            if (!s.isLive()) return 0;
            List<Event> pending = store.pendingInbox(s.id(), INBOX_BATCH);
            return pending.isEmpty() ? 0 : writeAll(s, pending);
        }
    }

    /** Writes {@code pending} and the batches after it, in seq order; returns how many events it wrote. */
    private long writeAll(SupervisedSession s, List<Event> pending) {
        Workspace ws = Workspace.at(config.dataDir(), s.id());
        long written = 0;
        while (true) {
            long last = 0;
            try {
                for (Event ev : pending) {
                    InboxWriter.write(ws, ev);
                    last = ev.seq();
                    written++;
                }
            } catch (IOException ex) {
                // Stays pending: the next send, the rescan or a restart writes it again.
                log.warn("could not write inbox of {}: {}", s.id(), ex.toString());
            } finally {
                if (last > 0) store.markInboxWritten(s.id(), last);
            }
            if (last == 0 || pending.size() < INBOX_BATCH || !s.isLive()) return written;
            pending = store.pendingInbox(s.id(), INBOX_BATCH);
            if (pending.isEmpty()) return written;
        }
    }
}
