package dev.bosun.internal.worker;

import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.json.Json;
import dev.bosun.mailbox.Workspace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Delivers IN events to a worker as one file per event in its inbox:
 * {@code inbox/00000000000000000007.json} holding
 * {@code {"seq":7,"event_type":"...","payload":...,"created_at":"2025-01-01T00:00:00Z"}}.
 *
 * <p>The name is the zero-padded seq so that a worker processing files in name order processes
 * them in seq order. Each file appears atomically (written as {@code <name>.tmp}, forced to disk,
 * then renamed), so a worker that skips {@code *.tmp} never sees a partial file. Writing the same
 * event again replaces the file with identical content, which makes redelivery after a crash safe.
 */
public final class InboxWriter {
    private InboxWriter() {}

    /** The inbox file name of {@code seq}: 20 digits, so lexical order is numeric order for every long. */
    public static String fileName(long seq) {
        if (seq < 1) throw new IllegalArgumentException("seq must be positive: " + seq);
        return String.format("%020d.json", seq);
    }

    /** Writes {@code event} (an IN event) into the workspace's inbox and returns the file's path. */
    public static Path write(Workspace ws, Event event) throws IOException {
        if (event.direction() != Direction.IN) {
            throw new IllegalArgumentException("only IN events go to the inbox, not " + event.direction());
        }
        String name = fileName(event.seq());
        // A worker may replace its inbox with a link; Bosun must not then write wherever it points.
        if (!Files.isDirectory(ws.inbox(), LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("inbox of " + ws.relative() + " is missing or not a real directory");
        }
        Path tmp = ws.inbox().resolve(name + ".tmp");
        Path target = ws.inbox().resolve(name);

        ObjectNode doc = Json.object();
        doc.put("seq", event.seq());
        doc.put("event_type", event.type());
        doc.set("payload", event.payload() == null ? NullNode.instance : event.payload());
        doc.put("created_at", event.createdAt().toString());
        byte[] bytes = Json.bytes(doc);

        // A leftover tmp file (from a crash, or planted as a link by the worker) is removed rather
        // than opened: CREATE_NEW never follows a link.
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            // Forced before the rename, so after a power loss the name never points at missing data.
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
