package dev.bosun.sandbox;

import java.util.Optional;

/**
 * How a worker ended. The exit code is empty when the runtime cannot know it (for example a process
 * adopted after a restart, which is no longer Bosun's child).
 */
public record WorkerExit(Optional<Integer> exitCode, boolean oomKilled, String detail) {}
