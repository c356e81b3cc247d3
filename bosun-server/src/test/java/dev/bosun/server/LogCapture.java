package dev.bosun.server;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.bosun.server.logging.LogLineEncoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/** Everything the server logs while it is open, in both formats, as an operator's terminal would get it. */
final class LogCapture implements AutoCloseable {
    private final ByteArrayOutputStream text = new ByteArrayOutputStream();
    private final ByteArrayOutputStream json = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> textAppender;
    private final OutputStreamAppender<ILoggingEvent> jsonAppender;
    private final Logger root;

    LogCapture() {
        var context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        textAppender = appender(context, "text", text);
        jsonAppender = appender(context, "json", json);
    }

    private OutputStreamAppender<ILoggingEvent> appender(
            LoggerContext context, String format, ByteArrayOutputStream out) {
        var encoder = new LogLineEncoder();
        encoder.setFormat(format);
        encoder.setContext(context);
        encoder.start();
        var a = new OutputStreamAppender<ILoggingEvent>();
        a.setName("capture-" + format);
        a.setContext(context);
        a.setEncoder(encoder);
        a.setOutputStream(out);
        a.start();
        root.addAppender(a);
        return a;
    }

    String text() {
        synchronized (text) {
            return text.toString(StandardCharsets.UTF_8);
        }
    }

    String json() {
        synchronized (json) {
            return json.toString(StandardCharsets.UTF_8);
        }
    }

    /** The JSON lines so far, parsed. */
    java.util.List<com.fasterxml.jackson.databind.JsonNode> lines() {
        return json().lines().map(dev.bosun.json.Json::parseTrusted).toList();
    }

    /** The JSON lines at {@code level} (WARN, ERROR) whose message contains {@code text}. */
    java.util.List<com.fasterxml.jackson.databind.JsonNode> lines(String level, String text) {
        return lines().stream()
                .filter(l -> l.path("log.level").asText().equals(level)
                        && l.path("message").asText().contains(text))
                .toList();
    }

    @Override
    public void close() {
        root.detachAppender(textAppender);
        root.detachAppender(jsonAppender);
        textAppender.stop();
        jsonAppender.stop();
    }
}
