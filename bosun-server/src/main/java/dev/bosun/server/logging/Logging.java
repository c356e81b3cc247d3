package dev.bosun.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.bosun.config.ConfigClamp;
import dev.bosun.config.OpsSettings;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Sets up the server's logging from {@code log_format} and {@code log_level}: one appender on stderr
 * with a {@link LogLineEncoder}. Until then (and for the CLI's client commands) {@code logback.xml}
 * logs text at info. Does nothing when SLF4J is bound to another backend (Bosun embedded elsewhere).
 */
public final class Logging {
    static final String APPENDER = "stderr";
    /** Libraries that are chatty at info: they log at warn unless debug or trace is asked for. */
    private static final String[] QUIET = {
        "org.eclipse.jetty", "io.javalin", "com.zaxxer.hikari", "com.github.dockerjava"
    };

    private Logging() {}

    /**
     * Logs, once at WARN each, the values the configuration loader changed to fit other settings; the
     * server calls it right after {@link #configure}, so the lines come in the configured format.
     */
    public static void warnClamped(List<ConfigClamp> clamped) {
        org.slf4j.Logger log = LoggerFactory.getLogger("dev.bosun.config");
        for (ConfigClamp c : clamped)
            log.atWarn().addKeyValue("config_key", c.key()).log("config: {}", c.detail());
    }

    public static void configure(OpsSettings ops) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) return;
        var encoder = new LogLineEncoder();
        encoder.setFormat(ops.logFormat().name());
        encoder.setContext(context);
        encoder.start();
        var appender = new ConsoleAppender<ILoggingEvent>();
        appender.setName(APPENDER);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        Level level = Level.toLevel(ops.logLevel(), Level.INFO);
        root.setLevel(level);
        Level quiet = level.isGreaterOrEqual(Level.WARN) || !level.isGreaterOrEqual(Level.INFO) ? level : Level.WARN;
        for (String name : QUIET) context.getLogger(name).setLevel(quiet);
    }
}
