package dev.bosun.sandbox.bwrap;

import dev.bosun.config.Profile;
import dev.bosun.mailbox.Workspace;
import dev.bosun.mailbox.Workspaces;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for a Bosun server process in {@link BwrapWorkerOutlivesBosunTest}: starts one bubblewrap
 * worker, prints its reference on one line, then waits to be killed.
 * Arguments: data dir, session id, node id, the worker's shell script.
 */
public final class BwrapWorkerHost {
    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        String session = args[1];
        String node = args[2];
        Workspace ws = Workspaces.create(dataDir, session);
        var profile = new Profile(
                "survivor",
                BwrapSandbox.RUNTIME,
                List.of("sh", "-c", args[3]),
                Map.of(),
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Profile.Limits.NONE);
        var env = Map.of("BOSUN_SESSION_ID", session, "BOSUN_NODE_ID", node);
        Worker w = new BwrapSandbox()
                .start(new WorkerSpec(
                        session,
                        node,
                        profile,
                        ws,
                        env,
                        Map.of(WorkerSpec.LABEL_SESSION, session, WorkerSpec.LABEL_NODE, node)));
        var line = new StringBuilder(w.ref().id());
        w.ref()
                .attributes()
                .forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
        System.out.println(line);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
