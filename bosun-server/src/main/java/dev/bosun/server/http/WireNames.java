package dev.bosun.server.http;

import dev.bosun.error.BosunException;
import java.util.HashMap;
import java.util.Map;

/**
 * The library names durations by their Java names ({@code idle_timeout}); the wire names them with
 * their unit ({@code idle_timeout_seconds}). Errors about those fields are renamed here so that a
 * client is told the field it actually sent.
 */
final class WireNames {
    private static final Map<String, String> ON_THE_WIRE = Map.of(
            "idle_timeout", "idle_timeout_seconds",
            "ttl", "ttl_seconds",
            "task_timeout", "task_timeout_seconds");

    private WireNames() {}

    static BosunException renamed(BosunException e) {
        Object field = e.details().get("field");
        String wire = field == null ? null : ON_THE_WIRE.get(field.toString());
        if (wire == null) return e;
        var details = new HashMap<String, Object>(e.details());
        details.put("field", wire);
        String message = e.getMessage().replaceFirst("^" + field + "\\b", wire);
        return new BosunException(e.code(), message, details, e);
    }
}
