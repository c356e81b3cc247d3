package dev.bosun.config;

import dev.bosun.error.BosunException;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Refuses unknown keys, so a typo such as {@code idle_timout} fails loudly instead of leaving the
 * default silently in force, and suggests the key that was probably meant.
 */
final class Keys {
    private Keys() {}

    /**
     * @param section the path of the mapping ({@code profiles.echo}), or empty for the top level
     */
    static void requireKnown(String section, Map<String, ?> map, Collection<String> known, RawValue raw) {
        for (String key : map.keySet()) {
            if (!known.contains(key)) {
                throw unknown(section, key, known, raw);
            }
        }
    }

    static BosunException unknown(String section, String key, Collection<String> known, RawValue raw) {
        String field = section.isEmpty() ? key : section + "." + key;
        String hint = closest(key, known)
                .map(k -> "; did you mean " + k + "?")
                .orElse("; known keys: " + String.join(", ", known));
        return Values.error(field, "unknown key " + Values.quote(field) + hint, raw);
    }

    /** The known key a typo most likely meant: same letters ignoring case and separators, or 2 edits away. */
    static Optional<String> closest(String key, Collection<String> known) {
        String norm = normalize(key);
        for (String k : known) {
            if (normalize(k).equals(norm)) {
                return Optional.of(k);
            }
        }
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(key.toLowerCase(Locale.ROOT), k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    // idleTimeout, IDLE_TIMEOUT and idle-timeout all mean idle_timeout.
    private static String normalize(String key) {
        return key.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
