package dev.bosun.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads Server-Sent Events from a byte stream, following the WHATWG event-stream rules: lines end
 * in CRLF, LF or a lone CR; {@code :} starts a comment; one optional space after a field's colon
 * is dropped; {@code data} lines accumulate joined by LF; a blank line dispatches. An event cut off
 * by the end of the stream is discarded, never half-delivered: the caller resumes from the last id
 * it saw instead.
 *
 * <p>Not thread-safe; one reader per connection.
 */
final class SseReader {
    /** One dispatched event. {@code id} is the last id seen on the stream so far, as the spec keeps it. */
    record Message(String event, String data, Optional<String> id) {}

    private static final int CR = '\r';
    private static final int LF = '\n';

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    // Set after a CR so that a following LF is swallowed without blocking to peek at it.
    private boolean skipLf;
    private boolean firstLine = true;

    private String lastId;
    private String eventType;
    private StringBuilder data;

    SseReader(InputStream in) {
        this.in = in;
    }

    /** The next dispatched message, or empty at the end of the stream. */
    Optional<Message> next() throws IOException {
        String l;
        while ((l = readLine()) != null) {
            if (l.isEmpty()) {
                Optional<Message> m = dispatch();
                if (m.isPresent()) return m;
                continue;
            }
            if (l.charAt(0) == ':') continue;
            int colon = l.indexOf(':');
            String field = colon < 0 ? l : l.substring(0, colon);
            String value = colon < 0 ? "" : l.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            field(field, value);
        }
        return Optional.empty();
    }

    private void field(String field, String value) {
        switch (field) {
            case "data" -> {
                if (data == null) data = new StringBuilder();
                data.append(value).append('\n');
            }
            case "event" -> eventType = value;
            // An id with NUL is ignored by the spec, because it could not be sent back in a header.
            case "id" -> {
                if (value.indexOf('\0') < 0) lastId = value;
            }
            // "retry" is ignored too: reconnection timing is the client's backoff policy, not the server's hint.
            default -> {
                /* unknown fields are ignored so the server may add some */
            }
        }
    }

    private Optional<Message> dispatch() {
        StringBuilder d = data;
        String type = eventType;
        data = null;
        eventType = null;
        // The spec dispatches nothing for an event without data lines (an id-only block still moves the id).
        if (d == null) return Optional.empty();
        d.setLength(d.length() - 1);
        return Optional.of(new Message(
                type == null || type.isEmpty() ? "message" : type, d.toString(), Optional.ofNullable(lastId)));
    }

    /** A line without its terminator, or null at the end of the stream (an unterminated tail is dropped). */
    private String readLine() throws IOException {
        line.reset();
        while (true) {
            int b = in.read();
            if (b < 0) return null;
            if (skipLf) {
                skipLf = false;
                if (b == LF) continue;
            }
            if (b == CR) {
                skipLf = true;
                return decode();
            }
            if (b == LF) return decode();
            line.write(b);
        }
    }

    private String decode() {
        String s = line.toString(StandardCharsets.UTF_8);
        if (firstLine) {
            firstLine = false;
            if (!s.isEmpty() && s.charAt(0) == '\uFEFF') s = s.substring(1);
        }
        return s;
    }
}
