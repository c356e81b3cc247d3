// Example Bosun worker, long-lived: echoes every inbox message back through the outbox, like
// echo-worker.sh, but as one process that waits for its inbox to change (inotify on Linux, through
// java.nio's WatchService) instead of a shell loop that scans, sleeps and spawns cat/mv/rm per message.
//
//   java EchoWorker.java        (JDK 21 or later; the source launcher compiles it at start, no build)
//
// For each inbox file, in name (= seq) order, it writes an outbox file
//   {"event_type":"echo","received":<the inbox file's JSON, verbatim>}
// and then deletes the inbox file. On start it writes {"event_type":"ready"}. On SIGTERM or SIGINT it
// finishes the message at hand and exits 0, so it never leaves a message half handled. It remembers
// the highest seq it answered and skips files at or below it (delivery is at least once).
//
// Test hook, as in echo-worker.sh: an inbox file containing "exit_now" (with the quotes) makes the
// worker delete that file and exit with code 7.

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

public class EchoWorker {
    /** Held while a message is handled; the shutdown hook takes it, so a stop waits for the file at hand. */
    private static final Object HANDLING = new Object();

    private static volatile boolean stopping;
    private static long lastSeq = -1;

    public static void main(String[] args) throws Exception {
        Path inbox = Path.of(required("BOSUN_INBOX"));
        Path outbox = Path.of(required("BOSUN_OUTBOX"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (HANDLING) {
                stopping = true;
            }
            System.err.println("echo-worker (java): stopping");
        }));
        try (WatchService watch = inbox.getFileSystem().newWatchService()) {
            // Registered before the first scan, so a file that lands between the two is not missed.
            inbox.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.OVERFLOW);
            put(outbox, "00000000000000000000-ready.json", "{\"event_type\":\"ready\"}");
            System.err.println("echo-worker (java): ready (session " + System.getenv("BOSUN_SESSION_ID") + ")");
            while (!stopping) {
                drain(inbox, outbox);
                // Any event (or none within a second, a safety net for a lost one) means: scan again.
                var key = watch.poll(1, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    if (!key.reset()) throw new IOException("the inbox " + inbox + " is gone");
                }
            }
        }
    }

    /** Handles every complete inbox file, in name order. */
    private static void drain(Path inbox, Path outbox) throws IOException {
        List<Path> files = new ArrayList<>();
        // *.json does not match the *.json.tmp files Bosun is still writing.
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(inbox, "*.json")) {
            dir.forEach(files::add);
        }
        files.sort(null); // zero-padded seqs: name order is message order
        for (Path f : files) {
            synchronized (HANDLING) {
                if (stopping) return;
                handle(f, outbox);
            }
        }
    }

    private static void handle(Path f, Path outbox) throws IOException {
        String name = f.getFileName().toString();
        long seq;
        try {
            seq = Long.parseLong(name.substring(0, name.length() - ".json".length()));
        } catch (NumberFormatException e) {
            seq = Long.MAX_VALUE; // not a name Bosun writes: answer it once, do not let it hide later seqs
        }
        String content;
        try {
            content = Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (java.nio.file.NoSuchFileException gone) {
            return;
        }
        if (content.contains("\"exit_now\"")) {
            Files.deleteIfExists(f);
            System.err.println("echo-worker (java): exit_now received, exiting with 7");
            Runtime.getRuntime().halt(7);
        }
        if (seq == Long.MAX_VALUE || seq > lastSeq) {
            put(outbox, name, "{\"event_type\":\"echo\",\"received\":" + content + "}");
            if (seq != Long.MAX_VALUE) lastSeq = seq;
        }
        Files.deleteIfExists(f);
    }

    /** Writes {@code name} as a *.tmp file first, which Bosun ignores, then renames it into place. */
    private static void put(Path outbox, String name, String json) throws IOException {
        Path tmp = outbox.resolve(name.substring(0, name.length() - ".json".length()) + ".tmp");
        Files.writeString(tmp, json + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, outbox.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String required(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) {
            System.err.println(name + " is not set");
            System.exit(1);
        }
        return v;
    }
}
