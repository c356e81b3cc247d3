package dev.bosun.mailbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;
import dev.bosun.json.JsonLimits;
import dev.bosun.json.JsonRefusal;
import dev.bosun.json.JsonRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An outbox file that {@link OutboxClaims} has moved into {@code .bosun/claimed/}, out of the
 * worker's reach.
 *
 * @param originalName the file's name in the outbox, e.g. {@code 0001-result.json}
 * @param claimKey     {@code <ULID>__<originalName>}: unique per claimed file instance, even when a
 *                     worker reuses a name, so the caller can use it as the idempotency key of the
 *                     event it commits
 * @param path         where the claimed file is now
 */
public record ClaimedFile(String originalName, String claimKey, Path path) {
    /** Longest event type taken from a file's {@code event_type}, in characters (code points). */
    public static final int MAX_EVENT_TYPE_LENGTH = 64;
    /** The event type of files without a usable {@code event_type}. */
    public static final String DEFAULT_EVENT_TYPE = "message";

    /**
     * Reads and normalizes the file. Over {@code maxBytes}: {@link OutboxItem.TooLarge}, without
     * reading the content. Valid UTF-8 JSON: the whole document is the payload, and the event type
     * is its {@code event_type} when that is a non-blank string (stripped, cut to 64 characters),
     * else {@code message}. Anything else (including an empty file) becomes a {@code message}
     * whose payload is {@code {"raw": text, "parse_error": "invalid_utf8"|"invalid_json",
     * "file_name": originalName}}.
     */
    public OutboxItem read(int maxBytes) throws IOException {
        return read(maxBytes, new JsonLimits(JsonLimits.DEFAULTS.maxDepth(), JsonLimits.DEFAULTS.maxKeys(), maxBytes));
    }

    /**
     * As {@link #read(int)}; valid JSON that breaks a rule of {@code limits}, or holds a duplicate
     * key or a lone surrogate, is {@link OutboxItem.Refused}: moved aside like a file too large,
     * never stored changed.
     */
    public OutboxItem read(int maxBytes, JsonLimits limits) throws IOException {
        if (maxBytes < 0) throw new IllegalArgumentException("maxBytes must not be negative");
        byte[] bytes;
        // NOFOLLOW_LINKS: the worker controls what was claimed; never read through a link.
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (size > maxBytes) return new OutboxItem.TooLarge(size);
            // The size is checked again while reading: a worker that kept the file open can still
            // append to it after the claim.
            try (InputStream in = Channels.newInputStream(ch)) {
                bytes = in.readNBytes((int) Math.min((long) maxBytes + 1, Integer.MAX_VALUE));
            }
            if (bytes.length > maxBytes) return new OutboxItem.TooLarge(Math.max(bytes.length, ch.size()));
        }
        return normalize(bytes, limits);
    }

    private OutboxItem normalize(byte[] bytes, JsonLimits limits) {
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return unparsed(new String(bytes, StandardCharsets.UTF_8), "invalid_utf8");
        }
        // Tolerate the byte order mark some editors and Windows tools put first.
        String json = text.startsWith("\uFEFF") ? text.substring(1) : text;
        JsonNode node;
        try {
            node = Json.parse(json);
        } catch (JsonRefusal r) {
            if (r.rule().equals(JsonRules.INVALID_JSON)) return unparsed(text, "invalid_json");
            return new OutboxItem.Refused(r.rule(), r.pointer(), r.reason());
        } catch (JsonProcessingException e) {
            return unparsed(text, "invalid_json");
        }
        var refused = limits.check(node);
        if (refused.isPresent())
            return new OutboxItem.Refused(
                    refused.get().rule(), refused.get().pointer(), refused.get().reason());
        return new OutboxItem.Message(eventType(node), node);
    }

    private static String eventType(JsonNode doc) {
        JsonNode t = doc.get("event_type");
        if (t == null || !t.isTextual()) return DEFAULT_EVENT_TYPE;
        String s = t.textValue().strip();
        if (s.isEmpty()) return DEFAULT_EVENT_TYPE;
        if (s.codePointCount(0, s.length()) > MAX_EVENT_TYPE_LENGTH) {
            s = s.substring(0, s.offsetByCodePoints(0, MAX_EVENT_TYPE_LENGTH)).strip();
        }
        return s;
    }

    private OutboxItem unparsed(String raw, String error) {
        ObjectNode p = Json.object();
        p.put("raw", raw);
        p.put("parse_error", error);
        p.put("file_name", originalName);
        return new OutboxItem.Message(DEFAULT_EVENT_TYPE, p);
    }
}
