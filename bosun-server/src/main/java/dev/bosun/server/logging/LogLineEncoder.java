package dev.bosun.server.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.event.KeyValuePair;

/**
 * One log record per line, as text or as JSON, with every string passed through {@link Redactor}.
 *
 * <p>JSON (an ECS-like shape, docs/OPERATIONS.md): {@code @timestamp}, {@code log.level},
 * {@code log.logger}, {@code message}, {@code thread}, then the MDC ({@code request_id},
 * {@code tenant}, {@code session_id}, …) and the record's key-value pairs as top-level fields, and
 * {@code error.type}, {@code error.message}, {@code error.stack_trace} for a throwable.
 * Text: {@code 2026-01-01T00:00:00.000Z INFO  Logger message key=value …}, a stack trace below.
 */
public final class LogLineEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private boolean json;

    /** Logback's setter for {@code <format>text|json</format>}. */
    public void setFormat(String format) {
        this.json = "json".equalsIgnoreCase(format.strip());
    }

    public boolean json() {
        return json;
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        String line = json ? json(e) : text(e);
        return line.getBytes(StandardCharsets.UTF_8);
    }

    /** The MDC and the record's key-value pairs, sorted by name (the pairs win a clash). */
    private static Map<String, Object> fields(ILoggingEvent e) {
        var fields = new TreeMap<String, Object>();
        Map<String, String> mdc = e.getMDCPropertyMap();
        if (mdc != null) fields.putAll(mdc);
        if (e.getKeyValuePairs() != null) {
            for (KeyValuePair kv : e.getKeyValuePairs()) fields.put(kv.key, kv.value);
        }
        return fields;
    }

    private static String shortName(String logger) {
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static String text(ILoggingEvent e) {
        var b = new StringBuilder(160);
        b.append(Instant.ofEpochMilli(e.getTimeStamp())).append(' ');
        String level = e.getLevel().toString();
        b.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        b.append(shortName(e.getLoggerName())).append(' ').append(e.getFormattedMessage());
        fields(e).forEach((k, v) -> {
            String s = String.valueOf(v);
            b.append(' ').append(k).append('=').append(s.isEmpty() || s.contains(" ") ? '"' + s + '"' : s);
        });
        String line = Redactor.redact(b.toString().replace('\n', ' '));
        IThrowableProxy t = e.getThrowableProxy();
        return t == null ? line + "\n" : line + "\n" + Redactor.redact(stackTrace(t));
    }

    private static String json(ILoggingEvent e) {
        var out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField(
                    "@timestamp", Instant.ofEpochMilli(e.getTimeStamp()).toString());
            g.writeStringField("log.level", e.getLevel().toString());
            g.writeStringField("log.logger", e.getLoggerName());
            g.writeStringField("message", Redactor.redact(e.getFormattedMessage()));
            g.writeStringField("thread", e.getThreadName());
            for (var f : fields(e).entrySet()) {
                Object v = f.getValue();
                if (v instanceof Number n && !(v instanceof Float) && !(v instanceof Double)) {
                    g.writeNumberField(f.getKey(), n.longValue());
                } else if (v instanceof Boolean bool) {
                    g.writeBooleanField(f.getKey(), bool);
                } else {
                    g.writeStringField(f.getKey(), Redactor.redact(String.valueOf(v)));
                }
            }
            IThrowableProxy t = e.getThrowableProxy();
            if (t != null) {
                g.writeStringField("error.type", t.getClassName());
                g.writeStringField("error.message", Redactor.redact(String.valueOf(t.getMessage())));
                g.writeStringField("error.stack_trace", Redactor.redact(stackTrace(t)));
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out + "\n";
    }

    private static String stackTrace(IThrowableProxy t) {
        var b = new StringBuilder();
        for (String prefix = ""; t != null; t = t.getCause(), prefix = "Caused by: ") {
            b.append(prefix)
                    .append(t.getClassName())
                    .append(": ")
                    .append(t.getMessage())
                    .append('\n');
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            int shown = Math.min(frames.length, 30);
            for (int i = 0; i < shown; i++)
                b.append("\tat ").append(frames[i].getStackTraceElement()).append('\n');
            if (frames.length > shown)
                b.append("\t... ").append(frames.length - shown).append(" more\n");
        }
        return b.toString();
    }
}
