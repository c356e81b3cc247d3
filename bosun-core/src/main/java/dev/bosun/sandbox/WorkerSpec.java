package dev.bosun.sandbox;

import dev.bosun.config.Profile;
import dev.bosun.mailbox.Workspace;
import java.util.Map;

/**
 * Everything a runtime needs to start one session's worker.
 *
 * @param labels ties the worker to its session and node ({@code bosun.session}, {@code bosun.node})
 *               so reconciliation can find it after a restart
 * @param env    the full worker environment Bosun sets: BOSUN_SESSION_ID, BOSUN_INBOX, BOSUN_OUTBOX,
 *               BOSUN_WORKSPACE, BOSUN_MODEL_CACHE when configured, plus the profile's env
 */
public record WorkerSpec(
        String sessionId,
        String nodeId,
        Profile profile,
        Workspace workspace,
        Map<String, String> env,
        Map<String, String> labels) {
    public static final String LABEL_SESSION = "bosun.session";
    public static final String LABEL_NODE = "bosun.node";

    public WorkerSpec {
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
    }
}
