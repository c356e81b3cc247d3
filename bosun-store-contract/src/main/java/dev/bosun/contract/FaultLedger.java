package dev.bosun.contract;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault suite's tally, kept per test JVM: each fault test adds what it tried, what it broke and
 * what the server acknowledged, and how many acknowledged events it could not read back (counted
 * before the test asserts there are none, so a failing run says how many). {@link FaultSummary}
 * prints it once, when the JVM's tests are done.
 */
public final class FaultLedger {
    private static final AtomicLong INPUTS = new AtomicLong();
    private static final AtomicLong FAULTS = new AtomicLong();
    private static final AtomicLong ACKNOWLEDGED = new AtomicLong();
    private static final AtomicLong LOST = new AtomicLong();

    private FaultLedger() {}

    /** Calls made (or inputs fed) while a fault was possible, answered or not. */
    public static void inputs(long n) {
        INPUTS.addAndGet(n);
    }

    /** Faults injected: a kill -9, a database stopped, a disk filled. */
    public static void faults(long n) {
        FAULTS.addAndGet(n);
    }

    /** Writes the server acknowledged, each of which must be read back afterwards. */
    public static void acknowledged(long n) {
        ACKNOWLEDGED.addAndGet(n);
    }

    /** Acknowledged writes that were missing or changed when read back. */
    public static void lost(long n) {
        LOST.addAndGet(n);
    }

    /** Whether nothing was recorded in this JVM (no fault test ran). */
    public static boolean empty() {
        return INPUTS.get() == 0 && FAULTS.get() == 0 && ACKNOWLEDGED.get() == 0 && LOST.get() == 0;
    }

    /** The summary line, as docs/OPERATIONS.md quotes it. */
    public static String summary() {
        return "fault suite: inputs tried " + INPUTS.get() + ", faults injected " + FAULTS.get()
                + ", events acknowledged " + ACKNOWLEDGED.get() + ", lost " + LOST.get();
    }
}
