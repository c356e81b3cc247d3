package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;

/** Query parameters read with their type checked; a bad one is INVALID_ARGUMENT naming it. */
final class Query {
    private Query() {}

    static Optional<String> string(Context ctx, String name) {
        String v = ctx.queryParam(name);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v);
    }

    static long integer(Context ctx, String name, long dflt) {
        return string(ctx, name)
                .map(v -> {
                    try {
                        return Long.parseLong(v);
                    } catch (NumberFormatException e) {
                        throw BosunException.invalid(name, name + " = '" + v + "' is not a whole number");
                    }
                })
                .orElse(dflt);
    }

    /** A page size: {@code limit} in 1..1000, {@code dflt} when not given. */
    static int limit(Context ctx, int dflt) {
        long limit = integer(ctx, "limit", dflt);
        if (limit < 1 || limit > 1000)
            throw BosunException.invalid("limit", "limit = " + limit + " is out of range; allowed 1..1000");
        return (int) limit;
    }

    /** Seconds, decimals allowed ({@code wait=0.5}). */
    static Duration seconds(Context ctx, String name, Duration dflt) {
        return string(ctx, name)
                .map(v -> {
                    try {
                        BigDecimal s = new BigDecimal(v);
                        if (s.signum() < 0) throw BosunException.invalid(name, name + " = " + v + " must be >= 0");
                        if (s.compareTo(BigDecimal.valueOf(86_400)) > 0)
                            throw BosunException.invalid(name, name + " = " + v + " is too large");
                        return Duration.ofMillis(s.movePointRight(3).longValue());
                    } catch (NumberFormatException e) {
                        throw BosunException.invalid(name, name + " = '" + v + "' is not a number of seconds");
                    }
                })
                .orElse(dflt);
    }

    static boolean bool(Context ctx, String name) {
        return string(ctx, name)
                .map(v -> switch (v.toLowerCase()) {
                    case "true", "1", "yes" -> true;
                    case "false", "0", "no" -> false;
                    default -> throw BosunException.invalid(name, name + " = '" + v + "' is not true or false");
                })
                .orElse(false);
    }
}
