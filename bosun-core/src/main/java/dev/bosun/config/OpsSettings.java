package dev.bosun.config;

import java.time.Duration;

/**
 * How the server is operated: its log lines, who may scrape {@code /metrics}, how long a shutdown may
 * take. Read by {@code bosun serve} only; the embedded library logs through whatever SLF4J backend
 * its host application has.
 *
 * @param logFormat     {@code text} (one human-readable line per record) or {@code json} (one JSON
 *                      object per line, docs/OPERATIONS.md lists its fields)
 * @param logLevel      the least severe level logged: trace, debug, info, warn or error
 * @param metricsAuth   whether {@code /metrics} needs an API key
 * @param shutdownGrace how long a SIGTERM may take to drain requests and streams before the process exits
 */
public record OpsSettings(LogFormat logFormat, String logLevel, MetricsAuth metricsAuth, Duration shutdownGrace) {
    /** The shape of a log line. */
    public enum LogFormat {
        TEXT,
        JSON
    }

    /** Who may read {@code /metrics}. */
    public enum MetricsAuth {
        NONE,
        API_KEY
    }

    /** The defaults: text at info, open metrics, 20 s of grace. */
    public static final OpsSettings DEFAULTS =
            new OpsSettings(LogFormat.TEXT, "info", MetricsAuth.NONE, Duration.ofSeconds(20));
}
