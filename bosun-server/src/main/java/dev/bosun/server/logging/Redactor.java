package dev.bosun.server.logging;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in text bound for a log line: API keys ({@code bsn_…}), webhook secrets
 * ({@code whsec_…}), bearer tokens and {@code Authorization} values, {@code key=value} pairs whose key
 * names a secret, and the password of a URL ({@code postgresql://user:pw@host}). The last line of
 * defence: code should not log secrets at all, and this catches what a library or a message quoting
 * its input would otherwise let through.
 */
public final class Redactor {
    static final String MASK = "[REDACTED]";

    private record Rule(Pattern pattern, String replacement) {
        String apply(String s) {
            Matcher m = pattern.matcher(s);
            return m.find() ? m.replaceAll(replacement) : s;
        }
    }

    private static final List<Rule> RULES = List.of(
            new Rule(Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]+"), "$1 " + MASK),
            new Rule(Pattern.compile("\\bbsn_[A-Za-z0-9_-]+"), "bsn_" + MASK),
            new Rule(Pattern.compile("\\bwhsec_[A-Za-z0-9]+"), "whsec_" + MASK),
            new Rule(
                    Pattern.compile(
                            "(?i)\\b(authorization|x-api-key|api[_-]?key|plato_api_key|password|passwd|secret|token)"
                                    + "(\"?\\s*[:=]\\s*\"?)(?!\\[REDACTED\\]|bearer |basic )[^\\s\"',;&}]+"),
                    "$1$2" + MASK),
            new Rule(Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s:@]*:[^/\\s@]*@"), "$1" + MASK + "@"));

    private Redactor() {}

    /** {@code text} with every secret it shows replaced by {@code [REDACTED]}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) return text;
        String s = text;
        for (Rule r : RULES) s = r.apply(s);
        return s;
    }
}
