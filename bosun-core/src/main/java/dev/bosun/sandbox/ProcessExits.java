package dev.bosun.sandbox;

import java.util.Map;
import java.util.Optional;

/** Turns what Java reports about an ended process into a {@link WorkerExit} a person can read. */
final class ProcessExits {
    static final String ADOPTED_DETAIL = "exit code unavailable for an adopted worker";

    // Linux numbering; only the signals a worker plausibly dies of get a name.
    private static final Map<Integer, String> SIGNALS = Map.ofEntries(
            Map.entry(1, "SIGHUP"),
            Map.entry(2, "SIGINT"),
            Map.entry(3, "SIGQUIT"),
            Map.entry(4, "SIGILL"),
            Map.entry(5, "SIGTRAP"),
            Map.entry(6, "SIGABRT"),
            Map.entry(7, "SIGBUS"),
            Map.entry(8, "SIGFPE"),
            Map.entry(9, "SIGKILL"),
            Map.entry(10, "SIGUSR1"),
            Map.entry(11, "SIGSEGV"),
            Map.entry(12, "SIGUSR2"),
            Map.entry(13, "SIGPIPE"),
            Map.entry(14, "SIGALRM"),
            Map.entry(15, "SIGTERM"),
            Map.entry(24, "SIGXCPU"),
            Map.entry(25, "SIGXFSZ"));

    private ProcessExits() {}

    /**
     * Java reports a death by signal N as exit value 128+N, the shell's convention. The raw value is
     * kept as the exit code; the detail names the signal. A process that itself calls exit(137) is
     * indistinguishable from one killed by SIGKILL, which the detail cannot help.
     */
    static WorkerExit ofExitValue(int value) {
        int signal = value - 128;
        if (signal >= 1 && signal <= 64) {
            String name = SIGNALS.get(signal);
            return new WorkerExit(
                    Optional.of(value), false, "killed by signal " + signal + (name == null ? "" : " (" + name + ")"));
        }
        return new WorkerExit(Optional.of(value), false, "exited with code " + value);
    }

    static WorkerExit adopted() {
        return new WorkerExit(Optional.empty(), false, ADOPTED_DETAIL);
    }
}
