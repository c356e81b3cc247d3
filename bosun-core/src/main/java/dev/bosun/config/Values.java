package dev.bosun.config;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.bosun.error.BosunException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns raw configured values into typed ones and enforces their ranges. Every failure is one
 * {@link BosunException} whose message names the field, the value as understood, the allowed range
 * and the layer the value came from, e.g.
 * {@code idle_timeout = 10s is out of range; allowed 30s..24h (from environment variable BOSUN_IDLE_TIMEOUT)}.
 */
final class Values {
    // Long enough to recognise a value, short enough that a pasted blob does not swamp the message.
    private static final int SHOW_MAX = 80;
    private static final Pattern WHOLE = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)");

    private Values() {}

    static BosunException error(String field, String message, RawValue raw) {
        return BosunException.invalid(field, message + raw.where());
    }

    static BosunException noValue(String field, String allowed, RawValue raw) {
        return error(field, field + " has no value; allowed " + allowed, raw);
    }

    static boolean bool(String field, RawValue raw) {
        String allowed = "true, false, yes, no, 1, 0";
        Object v = raw.value();
        if (v == null) {
            throw noValue(field, allowed, raw);
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String text = v instanceof String s
                ? s.strip().toLowerCase(Locale.ROOT)
                : v instanceof Integer || v instanceof Long ? v.toString() : null;
        if (text != null) {
            switch (text) {
                case "true", "yes", "1" -> {
                    return true;
                }
                case "false", "no", "0" -> {
                    return false;
                }
                default -> {}
            }
        }
        throw error(field, field + " = " + show(v) + " is not a boolean; allowed " + allowed, raw);
    }

    /** A value that must be given as a string, not coerced from a YAML number or boolean. */
    static String string(String field, RawValue raw, String allowed) {
        Object v = raw.value();
        if (v == null) {
            throw noValue(field, allowed, raw);
        }
        if (v instanceof String s) {
            return s;
        }
        // YAML turns 007 into 7 and yes into true; refusing them beats silently changing the value.
        String hint = v instanceof Number || v instanceof Boolean ? " (quote it in YAML)" : "";
        throw error(field, field + " = " + show(v) + " is not a string" + hint + "; allowed " + allowed, raw);
    }

    static String oneOf(String field, RawValue raw, Collection<String> allowed) {
        String list = String.join(", ", allowed);
        String s = string(field, raw, list);
        if (!allowed.contains(s)) {
            throw error(field, field + " = " + show(s) + " is not allowed; allowed " + list, raw);
        }
        return s;
    }

    static String matching(String field, RawValue raw, Pattern pattern, String allowed) {
        String s = string(field, raw, allowed);
        if (!pattern.matcher(s).matches()) {
            throw error(field, field + " = " + show(s) + " is not allowed; allowed " + allowed, raw);
        }
        return s;
    }

    static long integer(String field, RawValue raw, long min, long max) {
        String range = min + ".." + max;
        Object v = raw.value();
        if (v == null) {
            throw noValue(field, range, raw);
        }
        BigInteger n = switch (v) {
            case Integer i -> BigInteger.valueOf(i);
            case Long l -> BigInteger.valueOf(l);
            case Short s -> BigInteger.valueOf(s);
            case Byte b -> BigInteger.valueOf(b);
            case BigInteger b -> b;
            case String s when WHOLE.matcher(s.strip()).matches() -> new BigInteger(s.strip());
            default -> throw error(field, field + " = " + show(v) + " is not a whole number; allowed " + range, raw);
        };
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw error(field, field + " = " + n + " is out of range; allowed " + range, raw);
        }
        return n.longValueExact();
    }

    static double decimal(String field, RawValue raw, String min, String max) {
        String range = min + ".." + max;
        Object v = raw.value();
        if (v == null) {
            throw noValue(field, range, raw);
        }
        BigDecimal n = switch (v) {
            case Integer i -> BigDecimal.valueOf(i);
            case Long l -> BigDecimal.valueOf(l);
            case BigInteger b -> new BigDecimal(b);
            case Double d when Double.isFinite(d) -> BigDecimal.valueOf(d);
            case Float f when Float.isFinite(f) -> new BigDecimal(f.toString());
            case BigDecimal b -> b;
            // Only plain decimals: Double.parseDouble would also take "NaN", "1e3" and "0x1p3".
            case String s when DECIMAL.matcher(s.strip()).matches() -> new BigDecimal(s.strip());
            default -> throw error(field, field + " = " + show(v) + " is not a number; allowed " + range, raw);
        };
        if (n.compareTo(new BigDecimal(min)) < 0 || n.compareTo(new BigDecimal(max)) > 0) {
            throw error(
                    field,
                    field + " = " + n.stripTrailingZeros().toPlainString() + " is out of range; allowed " + range,
                    raw);
        }
        return n.doubleValue();
    }

    /** A duration within {@code min..max}, both written in {@link Durations} syntax. */
    static Duration duration(String field, RawValue raw, String min, String max) {
        String range = min + ".." + max;
        if (raw.value() == null) {
            throw noValue(field, range, raw);
        }
        Duration d;
        try {
            d = Durations.parse(raw.value());
        } catch (IllegalArgumentException e) {
            throw error(field, field + " = " + e.getMessage() + "; allowed " + range, raw);
        }
        if (d.compareTo(Durations.parse(min)) < 0 || d.compareTo(Durations.parse(max)) > 0) {
            throw error(field, field + " = " + Durations.format(d) + " is out of range; allowed " + range, raw);
        }
        return d;
    }

    /** A byte size within {@code min..max}, both written in {@link Sizes} syntax. */
    static long size(String field, RawValue raw, String min, String max) {
        String range = min + ".." + max;
        if (raw.value() == null) {
            throw noValue(field, range, raw);
        }
        long n;
        try {
            n = Sizes.parse(raw.value());
        } catch (IllegalArgumentException e) {
            throw error(field, field + " = " + e.getMessage() + "; allowed " + range, raw);
        }
        if (n < Sizes.parse(min) || n > Sizes.parse(max)) {
            throw error(field, field + " = " + Sizes.format(n) + " is out of range; allowed " + range, raw);
        }
        return n;
    }

    /** A YAML mapping or JSON object, with its keys as strings and its order kept. */
    static Map<String, Object> mapping(String field, RawValue raw, String allowed) {
        Object v = raw.value();
        if (v == null) {
            throw noValue(field, allowed, raw);
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw error(field, field + " = " + show(v) + " is not a mapping; allowed " + allowed, raw);
        }
        var out = new LinkedHashMap<String, Object>();
        m.forEach((k, val) -> out.put(String.valueOf(k), val));
        return out;
    }

    /** How a value appears in a message: strings quoted and escaped, long ones cut short. */
    static String show(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> quote(s);
            case Duration d -> Durations.format(d);
            case Path p -> quote(p.toString());
            case Map<?, ?> m -> "a mapping";
            case List<?> l -> "a list";
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            default -> "a " + v.getClass().getSimpleName();
        };
    }

    static String quote(String s) {
        String cut = s.length() > SHOW_MAX ? s.substring(0, SHOW_MAX) : s;
        String quoted = "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(cut)) + "\"";
        return s.length() > SHOW_MAX ? quoted + "... (" + s.length() + " characters)" : quoted;
    }
}
