package dev.bosun.server.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.error.BosunException;
import dev.bosun.json.Json;
import dev.bosun.util.Enums;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Turns option values into what the SDK takes. A bad value is INVALID_ARGUMENT naming the option, so
 * it exits 2 like any other usage error, before anything is sent to the server.
 */
final class Args {
    private Args() {}

    /** Any JSON value; a bare word is refused rather than guessed to be a string. */
    static JsonNode json(String option, String text) {
        if (text.isBlank()) throw BosunException.invalid(option, option + " is empty; give JSON such as {} or null");
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw BosunException.invalid(
                    option,
                    option + " is not valid JSON (" + Failures.oneLine(e.getOriginalMessage()) + where
                            + "); a string must be quoted, as in '\"text\"'");
        }
    }

    static ObjectNode jsonObject(String option, String text) {
        JsonNode n = json(option, text);
        if (!n.isObject())
            throw BosunException.invalid(option, option + " must be a JSON object, such as {\"k\":\"v\"}");
        return (ObjectNode) n;
    }

    /** JSON read from a file, or from standard input when the name is {@code -}. */
    static JsonNode jsonFile(String option, String file, InputStream stdin) {
        String text;
        try {
            text = file.equals("-")
                    ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw BosunException.invalid(option, option + " " + file + ": no such file");
        } catch (IOException e) {
            throw BosunException.invalid(
                    option,
                    option + " " + file + ": cannot read it (" + Failures.oneLine(String.valueOf(e.getMessage()))
                            + ")");
        }
        return json(option + (file.equals("-") ? " (standard input)" : " " + file), text);
    }

    /** Seconds with decimals, as the API's {@code wait} takes them; to the millisecond. */
    static Duration seconds(String option, BigDecimal seconds) {
        if (seconds.signum() < 0)
            throw BosunException.invalid(option, option + " may not be negative; got " + seconds.toPlainString());
        try {
            return Duration.ofMillis(seconds.movePointRight(3)
                    .setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact());
        } catch (ArithmeticException e) {
            throw BosunException.invalid(option, option + " = " + seconds.toPlainString() + " is too large");
        }
    }

    /** Whole seconds for the session options; their ranges are the server's to enforce. */
    static Duration wholeSeconds(String option, long seconds) {
        if (seconds < 0) throw BosunException.invalid(option, option + " may not be negative; got " + seconds);
        return Duration.ofSeconds(seconds);
    }

    static int positive(String option, int n) {
        if (n < 1) throw BosunException.invalid(option, option + " must be at least 1; got " + n);
        return n;
    }

    /** One of an enum's values, case-insensitive; the error lists the allowed ones. */
    static <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        return Enums.parse(type, option, value);
    }
}
