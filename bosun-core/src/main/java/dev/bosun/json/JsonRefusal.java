package dev.bosun.json;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Optional;

/**
 * JSON that Bosun will not take: the {@link JsonRules rule} it breaks and where, as a JSON Pointer
 * into the document ({@code ""} for the whole of it). A {@link JsonProcessingException}, so callers
 * that catch "not valid JSON" keep working; those that care read {@link #rule()} and {@link #pointer()}.
 */
public final class JsonRefusal extends JsonProcessingException {
    private static final int MAX_POINTER_CHARS = 200;

    private final String rule;
    private final String pointer;
    private final long limit;

    /**
     * @param reason  what is wrong, for a person; names no field (callers prefix it with theirs)
     * @param limit   the limit broken, or -1 when the rule has none
     */
    public JsonRefusal(String rule, String pointer, String reason, long limit) {
        super(reason);
        this.rule = rule;
        this.pointer = shown(pointer);
        this.limit = limit;
    }

    /** One of {@link JsonRules}. */
    public String rule() {
        return rule;
    }

    /** Where in the document, e.g. {@code /a/0/b}; cut to 200 characters, lone surrogates replaced. */
    public String pointer() {
        return pointer;
    }

    /** The limit broken, or -1 when the rule has no number (duplicate keys, invalid Unicode). */
    public long limit() {
        return limit;
    }

    /** What is wrong, without a location prefix. */
    public String reason() {
        return getOriginalMessage();
    }

    /** The top-level member the pointer lies in ({@code payload} of {@code /payload/a/0}); empty at the root. */
    public Optional<String> topField() {
        if (pointer.isEmpty()) return Optional.empty();
        try {
            String p = JsonPointer.compile(pointer).getMatchingProperty();
            return p == null || p.isEmpty() ? Optional.empty() : Optional.of(p);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The same refusal with the pointer made relative to {@code /<field>} (for messages that name the field). */
    public String pointerWithin(String field) {
        String prefix = "/" + field.replace("~", "~0").replace("/", "~1");
        return pointer.startsWith(prefix) ? pointer.substring(prefix.length()) : pointer;
    }

    // The pointer may hold the offending key itself: it must stay valid text wherever it is shown or
    // stored (an error event of an outbox file), and short.
    private static String shown(String pointer) {
        if (pointer == null) return "";
        StringBuilder b = new StringBuilder(Math.min(pointer.length(), MAX_POINTER_CHARS + 1));
        for (int i = 0; i < pointer.length() && b.length() < MAX_POINTER_CHARS; i++) {
            char c = pointer.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < pointer.length()
                    && Character.isLowSurrogate(pointer.charAt(i + 1))) {
                if (b.length() + 2 > MAX_POINTER_CHARS) break;
                b.append(c).append(pointer.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        if (b.length() < pointer.length() && b.length() >= MAX_POINTER_CHARS) b.append('…');
        return b.toString();
    }
}
