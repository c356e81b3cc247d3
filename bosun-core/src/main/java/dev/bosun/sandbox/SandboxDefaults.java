package dev.bosun.sandbox;

import dev.bosun.config.Profile;
import java.util.Optional;

/**
 * The limits an isolating runtime ({@code bwrap}, {@code docker}) applies where a profile sets none:
 * a sandbox without a pids or file-size limit is one fork bomb or one runaway log away from hurting
 * its neighbours. The {@code process} runtime keeps "no limit" as its default.
 */
public final class SandboxDefaults {
    public static final long OPEN_FILES = 1024;
    public static final long PROCESSES = 256;
    public static final long FILE_SIZE_BYTES = 1L << 30;
    public static final long MEMORY_BYTES = 512L << 20;

    private SandboxDefaults() {}

    /** {@code limits} with every unset limit but cpus filled in. */
    public static Profile.Limits fill(Profile.Limits limits) {
        return new Profile.Limits(
                limits.openFiles().or(() -> Optional.of(OPEN_FILES)),
                limits.processes().or(() -> Optional.of(PROCESSES)),
                limits.fileSizeBytes().or(() -> Optional.of(FILE_SIZE_BYTES)),
                limits.memoryBytes().or(() -> Optional.of(MEMORY_BYTES)),
                limits.cpus());
    }

    /** The spec with {@link #fill filled-in} limits. */
    public static WorkerSpec fill(WorkerSpec spec) {
        Profile p = spec.profile();
        return new WorkerSpec(
                spec.sessionId(),
                spec.nodeId(),
                p.with(fill(p.limits()), p.isolation(), p.env()),
                spec.workspace(),
                spec.env(),
                spec.labels());
    }
}
