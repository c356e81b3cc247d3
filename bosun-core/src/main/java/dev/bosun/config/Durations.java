package dev.bosun.config;

import java.math.BigInteger;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the durations operators write in configuration: a whole number of seconds
 * ({@code 90}, or a YAML integer), or a whole number with one unit suffix: {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} ({@code 250ms}, {@code 30s}, {@code 15m}, {@code 24h},
 * {@code 7d}). Units are lower case only, so {@code m} can never be mistaken for months; fractions
 * and compound forms ({@code 1h30m}) are not accepted, write {@code 90m}.
 *
 * <pre>{@code
 * Durations.parse("15m");                  // PT15M
 * Durations.format(Duration.ofHours(24));  // "24h"
 * }</pre>
 */
public final class Durations {
    /** What a valid duration looks like; quoted in every parse error. */
    public static final String SYNTAX =
            "a whole number of seconds, or a whole number with a unit ms, s, m, h or d, e.g. 250ms, 30s, 15m, 24h, 7d";

    private static final Pattern FORM = Pattern.compile("(-?)(\\d+)(ms|s|m|h|d)?");
    // Longer than this and Duration.toMillis() throws; nothing Bosun waits for is near it.
    private static final BigInteger MAX_MILLIS = BigInteger.valueOf(Long.MAX_VALUE);

    private Durations() {}

    /**
     * Parses a duration written as text; surrounding white space is ignored.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it: empty, negative,
     *                                  not a duration, or too large to represent in milliseconds
     */
    public static Duration parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(quote(text) + " is empty; expected " + SYNTAX);
        }
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(quote(t) + " is not a duration; expected " + SYNTAX);
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException(quote(t) + " is negative; a duration must be 0 or more");
        }
        String unit = m.group(3) == null ? "s" : m.group(3);
        BigInteger millis = new BigInteger(m.group(2)).multiply(BigInteger.valueOf(millisPer(unit)));
        if (millis.compareTo(MAX_MILLIS) > 0) {
            throw new IllegalArgumentException(quote(t) + " is too large for a duration");
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /**
     * Parses a duration given as text, as a whole number of seconds (YAML and JSON integers) or as a
     * {@link Duration} (code); anything else is rejected.
     *
     * @throws IllegalArgumentException as {@link #parse(String)}, and for other types or fractions
     */
    public static Duration parse(Object value) {
        return switch (value) {
            case String s -> parse(s);
            case Duration d
            when d.isNegative() ->
                throw new IllegalArgumentException(format(d) + " is negative; a duration must be 0 or more");
            case Duration d -> d;
            case Integer i -> parse(i.toString());
            case Long l -> parse(l.toString());
            case Short s -> parse(s.toString());
            case Byte b -> parse(b.toString());
            case BigInteger b -> parse(b.toString());
            case null -> throw new IllegalArgumentException("no value; expected " + SYNTAX);
            default ->
                throw new IllegalArgumentException(Values.show(value) + " is not a duration; expected " + SYNTAX);
        };
    }

    /**
     * Formats a duration in the largest unit that represents it exactly, in the syntax
     * {@link #parse(String)} reads back: {@code 30s}, {@code 24h}, {@code 90s}, {@code 250ms}. A
     * duration with a fraction of a millisecond has no such form and is printed as ISO-8601.
     */
    public static String format(Duration d) {
        if (d.getSeconds() == Long.MIN_VALUE) {
            return d.toString(); // has no positive counterpart to format
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        if (d.getNano() % 1_000_000 != 0 || d.compareTo(Duration.ofMillis(Long.MAX_VALUE)) > 0) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        for (String unit : new String[] {"d", "h", "m", "s"}) {
            long per = millisPer(unit);
            if (ms % per == 0) {
                return ms / per + unit;
            }
        }
        return ms + "ms";
    }

    private static long millisPer(String unit) {
        return switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> throw new IllegalStateException("unit " + unit);
        };
    }

    private static String quote(String s) {
        return Values.quote(s);
    }
}
