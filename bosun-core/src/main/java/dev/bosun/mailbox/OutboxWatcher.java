package dev.bosun.mailbox;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the session manager soon after a worker puts a file into its outbox, so ingestion does not
 * wait for the periodic rescan. It watches every registered outbox with one {@link WatchService}
 * (inotify on Linux) and calls {@code onActivity} with the session id when a {@code *.json} file is
 * created in or moved into that outbox; when the watch service lost events (overflow) it calls back
 * for every registered session.
 *
 * <p>It is a hint only: callbacks may be spurious, duplicated or (if registration failed, or on a
 * platform that polls) late, so the caller must keep rescanning periodically and must make
 * ingestion safe to run at any time. Callbacks run on the watcher's single thread; keep them short
 * (hand the session id to an ingestion executor).
 */
public final class OutboxWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutboxWatcher.class);

    private final WatchService watchService;
    private final Consumer<String> onActivity;
    private final Map<String, WatchKey> keysBySession = new ConcurrentHashMap<>();
    private final Map<WatchKey, String> sessionsByKey = new ConcurrentHashMap<>();
    private volatile Thread thread;

    /** Creates a watcher for outboxes on the default file system; call {@link #start()} to begin. */
    public OutboxWatcher(Consumer<String> onActivity) throws IOException {
        this(FileSystems.getDefault(), onActivity);
    }

    /** Creates a watcher for outboxes on {@code fileSystem}; call {@link #start()} to begin. */
    public OutboxWatcher(FileSystem fileSystem, Consumer<String> onActivity) throws IOException {
        this.watchService = fileSystem.newWatchService();
        this.onActivity = onActivity;
    }

    /**
     * Starts watching {@code outbox} for {@code sessionId}, replacing an earlier registration of the
     * same session. Throws when the directory cannot be watched (missing, or the system's watch limit
     * reached); the caller's periodic rescan then still covers the session.
     */
    public synchronized void register(String sessionId, Path outbox) throws IOException {
        unregister(sessionId);
        WatchKey key = outbox.register(watchService, StandardWatchEventKinds.ENTRY_CREATE);
        // Two sessions never share an outbox, but registering the same directory twice returns the
        // same key; the latest registration wins.
        String previous = sessionsByKey.put(key, sessionId);
        if (previous != null && !previous.equals(sessionId)) keysBySession.remove(previous);
        keysBySession.put(sessionId, key);
    }

    /** Stops watching the session's outbox; does nothing when it is not registered. */
    public synchronized void unregister(String sessionId) {
        WatchKey key = keysBySession.remove(sessionId);
        if (key != null) {
            sessionsByKey.remove(key);
            key.cancel();
        }
    }

    /** The sessions currently watched. */
    public List<String> registered() {
        return List.copyOf(keysBySession.keySet());
    }

    /** Starts the watcher's daemon thread. */
    public synchronized void start() {
        if (thread != null) throw new IllegalStateException("already started");
        thread = Thread.ofPlatform().daemon().name("bosun-outbox-watcher").start(this::run);
    }

    /** Stops the thread and releases the watch service (and with it every registration). */
    @Override
    public void close() throws IOException {
        watchService.close();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (true) {
            WatchKey key;
            try {
                key = watchService.take();
            } catch (ClosedWatchServiceException e) {
                return;
            } catch (InterruptedException e) {
                return;
            }
            boolean relevant = false;
            boolean overflow = false;
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    overflow = true;
                } else if (event.context() instanceof Path name
                        && name.toString().endsWith(".json")) {
                    relevant = true; // *.tmp files being written are not worth a scan; their rename is
                }
            }
            String sessionId = sessionsByKey.get(key);
            if (!key.reset() && sessionId != null) {
                // The directory is gone (workspace removed); forget it.
                synchronized (this) {
                    if (sessionsByKey.remove(key, sessionId)) keysBySession.remove(sessionId, key);
                }
            }
            if (overflow) {
                registered().forEach(this::callBack);
            } else if (relevant && sessionId != null) {
                callBack(sessionId);
            }
        }
    }

    private void callBack(String sessionId) {
        try {
            onActivity.accept(sessionId);
        } catch (RuntimeException e) {
            log.warn("outbox callback failed for session {}", sessionId, e);
        }
    }
}
