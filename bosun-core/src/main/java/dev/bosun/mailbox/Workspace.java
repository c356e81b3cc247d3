package dev.bosun.mailbox;

import java.nio.file.Path;

/**
 * A session's workspace on disk: {@code <data_dir>/workspaces/<session_id>/} with the worker's
 * {@code inbox/} and {@code outbox/}, bounded worker {@code logs/}, and {@code .bosun/} for Bosun's
 * own bookkeeping (claimed and rejected outbox files), which a containerised worker never sees.
 *
 * @param relative the root relative to the data dir, the only form shown through the API
 */
public record Workspace(Path root, String relative, Path inbox, Path outbox, Path logs, Path internal) {
    public static Workspace at(Path dataDir, String sessionId) {
        String rel = "workspaces/" + sessionId;
        Path root = dataDir.resolve(rel);
        return new Workspace(
                root, rel, root.resolve("inbox"), root.resolve("outbox"), root.resolve("logs"), root.resolve(".bosun"));
    }

    public Path stdoutLog() {
        return logs.resolve("stdout.log");
    }

    public Path stderrLog() {
        return logs.resolve("stderr.log");
    }
}
