package dev.bosun.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named recipe for a session's worker, chosen by a session's {@code profile}. Only the operator
 * defines profiles (config file or environment); a request can pick one, never change it.
 *
 * @param runtime        which {@code Sandbox} runs the worker: {@code process} (this module), later
 *                       {@code bwrap} or {@code docker}
 * @param command        the program and its arguments, run in the workspace
 * @param env            extra environment for the worker (keys and values validated at load time)
 * @param keepWorkspace  keep the workspace after the session ends instead of removing it
 * @param startupTimeout how long the worker may take to start before the session ends {@code startup_failed}
 * @param stopGrace      how long a stopping worker gets between SIGTERM and SIGKILL
 * @param limits         resource limits applied to the worker where the runtime supports them; for a
 *                       session these are the defaults, which a request may raise up to
 *                       {@link Isolation#ceilings()}
 * @param isolation      what the {@code bwrap} and {@code docker} runtimes need beyond that: image,
 *                       allowed images, network, ceilings, warm pool; {@link Isolation#DEFAULTS} for
 *                       {@code process}
 * @param workspaceQuota how much the session's workspace may hold, for every runtime
 */
public record Profile(
        String name,
        String runtime,
        List<String> command,
        Map<String, String> env,
        boolean keepWorkspace,
        Duration startupTimeout,
        Duration stopGrace,
        Limits limits,
        Isolation isolation,
        WorkspaceQuota workspaceQuota) {

    public Profile {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        if (limits == null) limits = Limits.NONE;
        if (isolation == null) isolation = Isolation.DEFAULTS;
        if (workspaceQuota == null) workspaceQuota = WorkspaceQuota.DEFAULTS;
    }

    /** A profile with the default workspace quota. */
    public Profile(
            String name,
            String runtime,
            List<String> command,
            Map<String, String> env,
            boolean keepWorkspace,
            Duration startupTimeout,
            Duration stopGrace,
            Limits limits,
            Isolation isolation) {
        this(
                name,
                runtime,
                command,
                env,
                keepWorkspace,
                startupTimeout,
                stopGrace,
                limits,
                isolation,
                WorkspaceQuota.DEFAULTS);
    }

    /** A profile without isolation settings (what the {@code process} runtime needs). */
    public Profile(
            String name,
            String runtime,
            List<String> command,
            Map<String, String> env,
            boolean keepWorkspace,
            Duration startupTimeout,
            Duration stopGrace,
            Limits limits) {
        this(name, runtime, command, env, keepWorkspace, startupTimeout, stopGrace, limits, Isolation.DEFAULTS);
    }

    /** This profile with other limits and isolation: what one session runs with after its request is applied. */
    public Profile with(Limits newLimits, Isolation newIsolation, Map<String, String> newEnv) {
        return new Profile(
                name,
                runtime,
                command,
                newEnv,
                keepWorkspace,
                startupTimeout,
                stopGrace,
                newLimits,
                newIsolation,
                workspaceQuota);
    }

    /**
     * How much a session's workspace may hold (its logs, bounded by {@code worker_log_max_bytes}, aside).
     * Checked by Bosun while the worker runs; over either, the worker is stopped and the session ends
     * {@code workspace_quota_exceeded}. See docs/DECISIONS.md D43.
     *
     * @param maxBytes bytes of regular files
     * @param maxFiles entries of any kind: files, directories, links
     */
    public record WorkspaceQuota(long maxBytes, long maxFiles) {
        public static final long DEFAULT_MAX_BYTES = 1L << 30;
        public static final long DEFAULT_MAX_FILES = 100_000;
        public static final WorkspaceQuota DEFAULTS = new WorkspaceQuota(DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES);
    }

    /**
     * Sandbox settings of a profile. A session request may pick another image from {@code images} and
     * ask for limits up to {@code ceilings}; everything else here is the operator's alone.
     *
     * @param image            the default image ({@code docker}); required for that runtime
     * @param images           the images a request may choose (the allowlist); always contains {@code image}
     * @param network          whether the worker may have a network; effective only when the operator's
     *                         {@code sandbox_allow_network} is true as well
     * @param ceilings         the most a request may ask for, per limit; a limit with no ceiling cannot be
     *                         raised above the profile's default
     * @param warmPool         pre-started workers kept ready for this profile ({@code docker})
     * @param user             uid:gid the worker runs as ({@code docker}; {@code bwrap} maps to it)
     * @param seccompProfile   a seccomp profile (JSON file) for {@code docker}; Docker's default otherwise
     * @param ociRuntime       an OCI runtime such as {@code runsc} for {@code docker}
     * @param ociRuntimeStrict refuse to start when {@code ociRuntime} is missing instead of using Docker's default
     * @param readOnlyPaths    host paths bound read-only into a {@code bwrap} sandbox besides /usr
     * @param tmpSizeBytes     size of the worker's private /tmp
     * @param envAllow         the environment variables a request may set: names, or prefixes ending in
     *                         {@code *}; none by default (any runtime, despite the record's name)
     */
    public record Isolation(
            Optional<String> image,
            List<String> images,
            boolean network,
            Limits ceilings,
            int warmPool,
            String user,
            Optional<Path> seccompProfile,
            Optional<String> ociRuntime,
            boolean ociRuntimeStrict,
            List<Path> readOnlyPaths,
            long tmpSizeBytes,
            List<String> envAllow) {
        public static final String DEFAULT_USER = "1000:1000";
        public static final long DEFAULT_TMP_BYTES = 64L << 20;
        public static final Isolation DEFAULTS = new Isolation(
                Optional.empty(),
                List.of(),
                false,
                Limits.NONE,
                0,
                DEFAULT_USER,
                Optional.empty(),
                Optional.empty(),
                false,
                List.of(),
                DEFAULT_TMP_BYTES,
                List.of());

        public Isolation {
            images = List.copyOf(images);
            readOnlyPaths = List.copyOf(readOnlyPaths);
            envAllow = envAllow == null ? List.of() : List.copyOf(envAllow);
            if (ceilings == null) ceilings = Limits.NONE;
        }

        /** The same settings with another image (one from the allowlist). */
        public Isolation withImage(String chosen) {
            return new Isolation(
                    Optional.of(chosen),
                    images,
                    network,
                    ceilings,
                    warmPool,
                    user,
                    seccompProfile,
                    ociRuntime,
                    ociRuntimeStrict,
                    readOnlyPaths,
                    tmpSizeBytes,
                    envAllow);
        }

        /** The same settings with the network decided for one session. */
        public Isolation withNetwork(boolean on) {
            return new Isolation(
                    image,
                    images,
                    on,
                    ceilings,
                    warmPool,
                    user,
                    seccompProfile,
                    ociRuntime,
                    ociRuntimeStrict,
                    readOnlyPaths,
                    tmpSizeBytes,
                    envAllow);
        }
    }

    /**
     * Resource limits; an empty value means the runtime's default (no limit for {@code process}).
     *
     * @param openFiles    RLIMIT_NOFILE
     * @param processes    RLIMIT_NPROC (process runtime) or the pids limit (containers)
     * @param fileSizeBytes RLIMIT_FSIZE
     * @param memoryBytes  memory limit (containers; address-space limit is not applied to processes)
     * @param cpus         CPU share (containers)
     */
    public record Limits(
            Optional<Long> openFiles,
            Optional<Long> processes,
            Optional<Long> fileSizeBytes,
            Optional<Long> memoryBytes,
            Optional<Double> cpus) {
        public static final Limits NONE =
                new Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
