package dev.bosun.sandbox;

import dev.bosun.config.Profile;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link WorkerSpec} into the exact command line and environment of a process worker,
 * checking beforehand everything that would otherwise only surface as a cryptic exit status of the
 * wrapper programs. Messages name at most a program's file name, never a host path.
 */
final class LaunchPlan {
    static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private LaunchPlan() {}

    /**
     * The worker's environment: nothing inherited from Bosun except PATH, so that credentials in
     * Bosun's own environment never reach a worker; then the caller's variables, which win.
     */
    static Map<String, String> environment(WorkerSpec spec, String hostPath) {
        var env = new LinkedHashMap<String, String>();
        env.put("PATH", hostPath == null || hostPath.isBlank() ? DEFAULT_PATH : hostPath);
        env.put("HOME", spec.workspace().root().toString());
        env.put("LANG", "C.UTF-8");
        env.putAll(spec.env());
        return env;
    }

    /**
     * {@code setsid -- [prlimit --nofile=N:N ... --] command...}. Both wrappers exec in place, so the
     * pid Java sees is the worker's own and it leads a new session and process group: Java's child is
     * never a group leader, which is what makes util-linux setsid exec rather than fork.
     */
    static List<String> commandLine(Profile profile, HostTools tools) {
        var argv = new ArrayList<String>();
        argv.add(tools.setsid().orElseThrow().toString());
        argv.add("--");
        var limits = limitArgs(profile.limits());
        if (!limits.isEmpty()) {
            var prlimit = tools.prlimit()
                    .orElseThrow(() -> BosunException.unavailable(
                            "profile '" + profile.name() + "' sets resource limits but prlimit (util-linux) is not"
                                    + " installed, so the process runtime cannot apply them",
                            null));
            argv.add(prlimit.toString());
            argv.addAll(limits);
            argv.add("--");
        }
        argv.addAll(profile.command());
        return argv;
    }

    private static List<String> limitArgs(Profile.Limits limits) {
        if (limits == null) return List.of();
        var args = new ArrayList<String>();
        limits.openFiles().ifPresent(n -> args.add("--nofile=" + n + ":" + n));
        limits.processes().ifPresent(n -> args.add("--nproc=" + n + ":" + n));
        limits.fileSizeBytes().ifPresent(n -> args.add("--fsize=" + n + ":" + n));
        return args;
    }

    /**
     * Finds the program the way execvp will, with the worker's PATH and working directory, so that a
     * missing or non-executable program fails start() instead of becoming exit status 127 later.
     */
    static void checkProgram(String program, String path, Path workDir) {
        if (program == null || program.isBlank()) {
            throw new BosunException(ErrorCode.INTERNAL, "worker command is empty");
        }
        String name = displayName(program);
        Map<String, Object> details = Map.of("program", name);
        if (program.contains("/")) {
            Path p = workDir.resolve(program);
            if (!Files.isRegularFile(p)) {
                throw new BosunException(ErrorCode.INTERNAL, "worker command '" + name + "' does not exist", details);
            }
            if (!Files.isExecutable(p)) {
                throw new BosunException(
                        ErrorCode.INTERNAL, "worker command '" + name + "' is not executable", details);
            }
            return;
        }
        boolean seenNonExecutable = false;
        for (String dir : path.split(":", -1)) {
            // An empty PATH entry means the working directory, as execvp reads it.
            Path candidate = workDir.resolve(dir.isEmpty() ? "." : dir).resolve(program);
            if (Files.isRegularFile(candidate)) {
                if (Files.isExecutable(candidate)) return;
                seenNonExecutable = true;
            }
        }
        throw new BosunException(
                ErrorCode.INTERNAL,
                seenNonExecutable
                        ? "worker command '" + name + "' is not executable"
                        : "worker command '" + name + "' was not found on the worker's PATH",
                details);
    }

    static String displayName(String program) {
        Path fileName = Path.of(program.replace('\0', '?')).getFileName();
        return fileName == null ? program : fileName.toString();
    }
}
