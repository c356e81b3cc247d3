package dev.bosun.util;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.Durations;
import dev.bosun.config.RoomNames;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.json.Json;
import dev.bosun.json.JsonLimits;
import dev.bosun.json.JsonRefusal;
import dev.bosun.json.JsonRules;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Input rules shared by every entry point (library, HTTP, CLI). Each failure names the field and
 * the rule, so a caller can fix the request without reading Bosun's source.
 */
public final class Validation {
    public static final int MAX_NAME = 200;
    public static final int MAX_EVENT_TYPE = 64;
    public static final int MAX_TAGS = 64;
    public static final int MAX_TAG = 64;
    public static final int MAX_CAPABILITIES = 64;
    public static final int MAX_CAPABILITY = 64;
    public static final int MAX_ERROR = 8192;
    /** The rule {@link #isCapability} checks (kept as the reference of a test). */
    static final Pattern CAPABILITY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");

    private Validation() {}

    /** A session's own scout room. */
    public static String scoutRoom(String room) {
        if (room == null || !RoomNames.SCOUT_ROOM.matcher(room).matches()) {
            throw BosunException.invalid(
                    "scout_room", "scout_room is not a room path; allowed " + RoomNames.SCOUT_ROOM_RULE);
        }
        return room;
    }

    /** A printable, non-blank text of at most {@code max} characters. */
    public static String text(String field, String value, int max) {
        if (value == null || value.isBlank())
            throw BosunException.invalid(field, field + " is required and may not be blank");
        if (value.length() > max) {
            throw BosunException.invalid(field, field + " is " + value.length() + " characters; the maximum is " + max);
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (Character.isISOControl(ch)) {
                throw BosunException.invalid(
                        field,
                        field + " may not contain control characters (found U+" + String.format("%04X", (int) ch)
                                + " at index " + i + ")");
            }
        }
        return unicode(field, value);
    }

    /** Text that can be stored as it is: no lone UTF-16 surrogate (the database would store '?' instead). */
    public static String unicode(String field, String value) {
        int at = Json.loneSurrogate(value);
        if (at >= 0) {
            throw new BosunException(
                    ErrorCode.INVALID_ARGUMENT,
                    field + " holds a lone UTF-16 surrogate (U+" + String.format("%04X", (int) value.charAt(at))
                            + " at index " + at + "), which is not Unicode text",
                    Map.of("field", field, "rule", JsonRules.VALID_UNICODE));
        }
        return value;
    }

    /** Free text that may contain newlines (error messages): bounded, without NUL. */
    public static String message(String field, String value) {
        if (value.length() > MAX_ERROR) {
            throw BosunException.invalid(
                    field, field + " is " + value.length() + " characters; the maximum is " + MAX_ERROR);
        }
        if (value.indexOf('\0') >= 0) throw BosunException.invalid(field, field + " may not contain NUL characters");
        return unicode(field, value);
    }

    public static String eventType(String field, String type) {
        return text(field, type, MAX_EVENT_TYPE);
    }

    public static List<String> tags(List<String> tags) {
        if (tags.size() > MAX_TAGS)
            throw BosunException.invalid("tags", "at most " + MAX_TAGS + " tags; got " + tags.size());
        var out = new LinkedHashSet<String>();
        for (int i = 0; i < tags.size(); i++) out.add(text("tags[" + i + "]", tags.get(i), MAX_TAG));
        return new ArrayList<>(out);
    }

    public static List<String> capabilities(String field, List<String> caps) {
        return capabilities(field, caps, MAX_CAPABILITIES);
    }

    /** The CAPABILITY rule, checked by hand: routing validates every required capability of every decision. */
    static boolean isCapability(String c) {
        if (c == null || c.isEmpty() || c.length() > MAX_CAPABILITY) return false;
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            boolean alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
            if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != ':' && ch != '/' && ch != '-'))) return false;
        }
        return true;
    }

    /** Capability names (1-64 safe characters each), de-duplicated, at most {@code max} of them. */
    public static List<String> capabilities(String field, List<String> caps, int max) {
        return List.copyOf(capabilitiesAsGiven(field, caps, max)); // the same list when it is an unmodifiable one
    }

    /**
     * Checks capability names as {@link #capabilities(String, List, int)} does, and returns {@code caps}
     * itself when no name repeats (a de-duplicated copy otherwise): for a caller that uses the names only
     * while it handles the request (a routing decision), so that a decision copies nothing.
     */
    public static List<String> capabilitiesAsGiven(String field, List<String> caps, int max) {
        if (caps.size() > max) {
            throw BosunException.invalid(field, "at most " + max + " capabilities; got " + caps.size());
        }
        // Checked in place, and copied only when a name repeats: routing validates the 1-2 capabilities of every
        // decision. A list scan rather than a hash set: at most 256 are allowed, so even the worst case is a few µs.
        boolean repeats = false;
        for (int i = 0; i < caps.size(); i++) {
            String c = caps.get(i);
            if (!isCapability(c)) {
                throw BosunException.invalid(
                        field + "[" + i + "]",
                        field + "[" + i + "] must be 1-64 characters of "
                                + "letters, digits and . _ : / -, starting with a letter or digit");
            }
            for (int j = 0; j < i && !repeats; j++) repeats = c.equals(caps.get(j));
        }
        if (!repeats) return caps;
        var out = new ArrayList<String>(caps.size());
        for (String c : caps) if (!out.contains(c)) out.add(c);
        return List.copyOf(out);
    }

    /**
     * A tenant's JSON value (payload, metadata, task data or result): within the message size
     * (PAYLOAD_TOO_LARGE) and the shape {@code limits} (INVALID_ARGUMENT naming the field, the rule and
     * the path inside it). Too deep is refused before sizing (which writes the value); otherwise a
     * value over the size is 413 whatever else is wrong with it.
     */
    public static JsonNode json(String field, JsonNode value, JsonLimits limits, int maxBytes) {
        if (value == null) throw BosunException.invalid(field, field + " is required (use null JSON for none)");
        var refusal = limits.check(value);
        if (refusal.isPresent() && refusal.get().rule().equals(JsonRules.MAX_DEPTH))
            throw refused(field, refusal.get());
        // Over the message size is 413 whatever else is wrong, as it was before the shape rules.
        int size;
        try {
            size = Json.bytes(value).length;
        } catch (UncheckedIOException e) {
            // deeper than any writer goes (Json.MAX_DEPTH): the shape refusal says why
            throw refusal.map(r -> refused(field, r)).orElseThrow(() -> e);
        }
        if (size > maxBytes) throw BosunException.tooLarge(field, size, maxBytes);
        refusal.ifPresent(r -> {
            throw refused(field, r);
        });
        return value;
    }

    /** The 400 for a JSON value refused by a rule: {@code field}, {@code rule}, {@code path} inside the field, {@code limit}. */
    public static BosunException refused(String field, JsonRefusal r) {
        String path = r.pointerWithin(field);
        var details = new LinkedHashMap<String, Object>();
        details.put("field", field);
        details.put("rule", r.rule());
        if (!path.isEmpty()) details.put("path", path);
        if (r.limit() >= 0) details.put("limit", r.limit());
        return new BosunException(
                ErrorCode.INVALID_ARGUMENT,
                field + " " + r.reason() + (path.isEmpty() ? "" : " (at " + path + ")") + " [" + r.rule() + "]",
                details);
    }

    /** Serialized size of a JSON value against the message limit; PAYLOAD_TOO_LARGE when over. */
    public static JsonNode sized(String field, JsonNode value, int maxBytes) {
        if (value == null) throw BosunException.invalid(field, field + " is required (use null JSON for none)");
        int size = Json.bytes(value).length;
        if (size > maxBytes) throw BosunException.tooLarge(field, size, maxBytes);
        return value;
    }

    /** A duration inside {@code [min, max]}, with a message naming both bounds. */
    public static Duration within(String field, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new BosunException(
                    ErrorCode.INVALID_ARGUMENT,
                    field + " = " + human(value) + " is out of range; allowed " + human(min) + ".." + human(max),
                    Map.of("field", field, "min_seconds", min.toSeconds(), "max_seconds", max.toSeconds()));
        }
        return value;
    }

    public static int within(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new BosunException(
                    ErrorCode.INVALID_ARGUMENT,
                    field + " = " + value + " is out of range; allowed " + min + ".." + max,
                    Map.of("field", field, "min", min, "max", max));
        }
        return value;
    }

    public static long atLeast(String field, long value, long min) {
        if (value < min) throw BosunException.invalid(field, field + " = " + value + " must be >= " + min);
        return value;
    }

    /** A duration as a person writes it (and as config reads it back): 90s, 15m, 24h, 7d, 250ms. */
    public static String human(Duration d) {
        return Durations.format(d);
    }
}
