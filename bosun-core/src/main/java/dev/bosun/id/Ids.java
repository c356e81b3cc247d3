package dev.bosun.id;

import dev.bosun.error.BosunException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Identifiers: generation of URL-safe, time-ordered ids ({@code sess_} + ULID) and validation of ids
 * that callers supply. One rule for every caller-supplied id keeps them safe in URLs, file names and
 * log lines: 1 to 128 characters of {@code A-Z a-z 0-9 . _ : -}, starting with a letter or digit.
 */
public final class Ids {
    public static final int MAX_LENGTH = 128;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private long lastMillis = -1;
    private final byte[] lastRandom = new byte[10];

    public Ids(Clock clock) {
        this.clock = clock;
    }

    /** A new session id: {@code sess_} followed by a ULID, so ids sort by creation time. */
    public String newSessionId() {
        return "sess_" + nextUlid();
    }

    /** A new task id for tasks added without one. */
    public String newTaskId() {
        return "task_" + nextUlid();
    }

    /**
     * A monotonic ULID: within one millisecond the random part is incremented, so ids from one
     * generator are strictly increasing even when the clock does not move.
     */
    public synchronized String nextUlid() {
        long now = Math.max(clock.millis(), lastMillis);
        if (now == lastMillis) {
            increment(lastRandom);
        } else {
            RANDOM.nextBytes(lastRandom);
            lastMillis = now;
        }
        return encode(now, lastRandom);
    }

    private static void increment(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (++b[i] != 0) return;
        }
    }

    private static String encode(long millis, byte[] random) {
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = CROCKFORD[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits -> 16 characters of 5 bits each
        long hi = 0;
        for (int i = 0; i < 5; i++) hi = (hi << 8) | (random[i] & 0xff);
        long lo = 0;
        for (int i = 5; i < 10; i++) lo = (lo << 8) | (random[i] & 0xff);
        for (int i = 17; i >= 10; i--) {
            out[i] = CROCKFORD[(int) (hi & 31)];
            hi >>>= 5;
        }
        for (int i = 25; i >= 18; i--) {
            out[i] = CROCKFORD[(int) (lo & 31)];
            lo >>>= 5;
        }
        return new String(out);
    }

    /** True when {@code id} follows the safe-id rule. */
    public static boolean isSafe(String id) {
        return id != null && SAFE.matcher(id).matches();
    }

    /**
     * Returns {@code id} when it follows the safe-id rule, else throws INVALID_ARGUMENT naming the field.
     */
    public static String requireSafe(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw BosunException.invalid(field, field + " is required");
        }
        if (id.length() > MAX_LENGTH) {
            throw BosunException.invalid(
                    field, field + " is " + id.length() + " characters; the maximum is " + MAX_LENGTH);
        }
        if (!isSafe(id)) {
            throw BosunException.invalid(
                    field,
                    field + " may contain only letters, digits and . _ : - and must start with a letter or digit");
        }
        return id;
    }
}
