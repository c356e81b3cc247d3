package dev.bosun.config;

import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** The shape of one {@code env_allow} entry: a name, or a prefix ending in {@code *}. */
    public static final String ALLOW_RULE = "a variable name, or a prefix of one followed by * (e.g. MODE or APP_*)";

    private static final Pattern ALLOW_ENTRY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\*?");

    private EnvRules() {}

    /**
     * What is wrong with one {@code env_allow} entry, phrased to follow the field name, or empty. An
     * entry may not name a reserved variable or one of {@link StartupVariables}, which a request can
     * never set: listing it would promise what is refused anyway.
     */
    public static Optional<String> allowEntryProblem(String entry) {
        if (!ALLOW_ENTRY.matcher(entry).matches()) {
            return Optional.of(
                    "is not allowed; allowed " + ALLOW_RULE + "; a bare * is not: name what requests may set");
        }
        boolean prefix = entry.endsWith("*");
        String stem = prefix ? entry.substring(0, entry.length() - 1) : entry;
        if (stem.startsWith(RESERVED_PREFIX) || prefix && RESERVED_PREFIX.startsWith(stem)) {
            return Optional.of("covers names starting with " + RESERVED_PREFIX + ", which Bosun sets itself");
        }
        var family = prefix ? StartupVariables.covering(stem) : StartupVariables.of(stem);
        return family.map(f -> "names variables of the family '" + f.name() + "', which a request may never set ("
                + f.why() + "); set them in the profile's env instead");
    }

    /** Whether {@code name} is matched by an entry of {@code allow} (names exactly, prefixes by their stem). */
    public static boolean allows(List<String> allow, String name) {
        for (String entry : allow) {
            if (entry.endsWith("*") ? name.startsWith(entry.substring(0, entry.length() - 1)) : name.equals(entry)) {
                return true;
            }
        }
        return false;
    }

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
            return Optional.of("is " + bytes + " bytes long; allowed at most " + Sizes.format(VALUE_MAX_BYTES) + " ("
                    + VALUE_MAX_BYTES + " bytes) of UTF-8");
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
