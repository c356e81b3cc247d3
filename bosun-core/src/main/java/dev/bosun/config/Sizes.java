package dev.bosun.config;

import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and formats the byte sizes operators write in configuration: a whole number of bytes
 * ({@code 262144}, optionally with {@code B}), or a whole number with a binary unit: {@code KiB},
 * {@code MiB}, {@code GiB}, {@code TiB}, or their short forms {@code k}, {@code m}, {@code g},
 * {@code t} (either case). Every unit is a power of 1024, so {@code 1m} is 1 MiB. {@code KB}-style
 * units are refused because people read them as powers of 1000 as often as of 1024.
 *
 * <pre>{@code
 * Sizes.parse("256KiB");        // 262144
 * Sizes.format(10L << 20);      // "10MiB"
 * }</pre>
 */
public final class Sizes {
    /** What a valid size looks like; quoted in every parse error. */
    public static final String SYNTAX =
            "a whole number of bytes, or a whole number with a unit KiB, MiB, GiB, TiB (or k, m, g, t), e.g. 256KiB, 10MiB, 1g";

    public static final long KIB = 1L << 10;
    public static final long MIB = 1L << 20;
    public static final long GIB = 1L << 30;
    public static final long TIB = 1L << 40;

    private static final Pattern FORM = Pattern.compile("(-?)(\\d+)(B|[kK]|KiB|[mM]|MiB|[gG]|GiB|[tT]|TiB)?");
    private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private Sizes() {}

    /**
     * Parses a size written as text; surrounding white space is ignored.
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it: empty, negative,
     *                                  not a size, or larger than a {@code long}
     */
    public static long parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(Values.quote(text) + " is empty; expected " + SYNTAX);
        }
        Matcher m = FORM.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(Values.quote(t) + " is not a size; expected " + SYNTAX);
        }
        if (!m.group(1).isEmpty()) {
            throw new IllegalArgumentException(Values.quote(t) + " is negative; a size must be 0 or more");
        }
        BigInteger bytes = new BigInteger(m.group(2)).multiply(BigInteger.valueOf(bytesPer(m.group(3))));
        if (bytes.compareTo(MAX) > 0) {
            throw new IllegalArgumentException(Values.quote(t) + " is too large for a size");
        }
        return bytes.longValueExact();
    }

    /**
     * Parses a size given as text or as a whole number of bytes (YAML and JSON integers, code).
     *
     * @throws IllegalArgumentException as {@link #parse(String)}, and for other types or fractions
     */
    public static long parse(Object value) {
        return switch (value) {
            case String s -> parse(s);
            case Integer i -> parse(i.toString());
            case Long l -> parse(l.toString());
            case Short s -> parse(s.toString());
            case Byte b -> parse(b.toString());
            case BigInteger b -> parse(b.toString());
            case null -> throw new IllegalArgumentException("no value; expected " + SYNTAX);
            default -> throw new IllegalArgumentException(Values.show(value) + " is not a size; expected " + SYNTAX);
        };
    }

    /**
     * Formats a size in the largest binary unit that represents it exactly, in the syntax
     * {@link #parse(String)} reads back: {@code 256KiB}, {@code 10MiB}, {@code 1000B}.
     */
    public static String format(long bytes) {
        if (bytes == Long.MIN_VALUE) {
            return bytes + "B"; // has no positive counterpart to format
        }
        if (bytes < 0) {
            return "-" + format(-bytes);
        }
        if (bytes == 0) {
            return "0B";
        }
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (String unit : units) {
            long per = bytesPer(unit);
            if (bytes % per == 0) {
                return bytes / per + unit;
            }
        }
        return bytes + "B";
    }

    private static long bytesPer(String unit) {
        if (unit == null || unit.equals("B")) {
            return 1;
        }
        return switch (Character.toLowerCase(unit.charAt(0))) {
            case 'k' -> KIB;
            case 'm' -> MIB;
            case 'g' -> GIB;
            case 't' -> TIB;
            default -> throw new IllegalStateException("unit " + unit);
        };
    }
}
