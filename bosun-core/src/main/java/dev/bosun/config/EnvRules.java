package dev.bosun.config;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for worker environment variables, whether a profile or a session request sets them:
 * names of letters, digits and _, never BOSUN_* (Bosun's own), values of bounded text without control
 * characters. A newline or NUL in a value would otherwise let it forge a second variable in the
 * formats runtimes pass environments in.
 */
public final class EnvRules {
    /** Largest value, in bytes of UTF-8. */
    public static final int VALUE_MAX_BYTES = 32 * 1024;
    /** Names starting with this are set by Bosun for the worker and may not be shadowed. */
    public static final String RESERVED_PREFIX = "BOSUN_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvRules() {}

    /** What is wrong with {@code name}, phrased to follow "environment variable name X", or empty. */
    public static Optional<String> nameProblem(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.of("is not allowed; allowed letters, digits and _, not starting with a digit");
        }
        if (name.startsWith(RESERVED_PREFIX)) {
            return Optional.of("is reserved; names starting with " + RESERVED_PREFIX + " are set by Bosun itself");
        }
        return Optional.empty();
    }

    /** What is wrong with {@code value}, phrased to follow the field name, or empty. Never echoes the value. */
    public static Optional<String> valueProblem(String value) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > VALUE_MAX_BYTES) {
            return Optional.of("is " + bytes + " bytes long; allowed at most " + Sizes.format(VALUE_MAX_BYTES)
                    + " (" + VALUE_MAX_BYTES + " bytes) of UTF-8");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of("contains a control character (U+%04X) at index %d".formatted((int) c, i)
                        + "; allowed text without control characters (no NUL, tab, newline, CR)");
            }
        }
        return Optional.empty();
    }
}
