package dev.bosun.config;

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
 * @param limits         resource limits applied to the worker where the runtime supports them
 */
public record Profile(
        String name,
        String runtime,
        List<String> command,
        Map<String, String> env,
        boolean keepWorkspace,
        Duration startupTimeout,
        Duration stopGrace,
        Limits limits) {

    public Profile {
        command = List.copyOf(command);
        env = Map.copyOf(env);
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
    public record Limits(Optional<Long> openFiles, Optional<Long> processes, Optional<Long> fileSizeBytes,
                         Optional<Long> memoryBytes, Optional<Double> cpus) {
        public static final Limits NONE = new Limits(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }
}
