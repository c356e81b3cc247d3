package dev.bosun.sandbox;

import dev.bosun.config.Profile;
import dev.bosun.mailbox.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Builds worker specs over a temporary data dir and kills whatever a test leaves running. */
final class ProcessFixture implements AutoCloseable {
    static final String SESSION = "sess_x";

    final Path dataDir;
    final Workspace workspace;
    final ProcessSandbox sandbox = new ProcessSandbox();
    private final List<WorkerRef> started = new ArrayList<>();

    ProcessFixture(Path dataDir) throws IOException {
        this(dataDir, SESSION);
    }

    ProcessFixture(Path dataDir, String session) throws IOException {
        this.dataDir = dataDir;
        this.workspace = Workspace.at(dataDir, session);
        for (Path dir : List.of(workspace.inbox(), workspace.outbox(), workspace.logs())) {
            Files.createDirectories(dir);
        }
    }

    static Profile profile(List<String> command, Profile.Limits limits) {
        return new Profile(
                "test", "process", command, Map.of(), false, Duration.ofSeconds(5), Duration.ofSeconds(1), limits);
    }

    WorkerSpec spec(String nodeId, Profile profile) {
        var env = new LinkedHashMap<String, String>();
        String session = workspace.root().getFileName().toString();
        env.put("BOSUN_SESSION_ID", session);
        env.put("BOSUN_NODE_ID", nodeId);
        env.put("BOSUN_INBOX", workspace.inbox().toString());
        env.put("BOSUN_OUTBOX", workspace.outbox().toString());
        env.put("BOSUN_WORKSPACE", workspace.root().toString());
        return new WorkerSpec(
                session,
                nodeId,
                profile,
                workspace,
                env,
                Map.of(WorkerSpec.LABEL_SESSION, session, WorkerSpec.LABEL_NODE, nodeId));
    }

    /** Starts {@code sh -c script} in the workspace. */
    Worker sh(String script) {
        return start(spec("node-test", profile(List.of("sh", "-c", script), Profile.Limits.NONE)));
    }

    Worker start(WorkerSpec spec) {
        Worker worker = sandbox.start(spec);
        started.add(worker.ref());
        return worker;
    }

    static WorkerExit exitOf(Worker worker) throws Exception {
        return worker.onExit().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    Path file(String name) {
        return workspace.root().resolve(name);
    }

    @Override
    public void close() {
        for (WorkerRef ref : started) sandbox.stop(ref, Duration.ZERO);
        sandbox.close();
    }
}
