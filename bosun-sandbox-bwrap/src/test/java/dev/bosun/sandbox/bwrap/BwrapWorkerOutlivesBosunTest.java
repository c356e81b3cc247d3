package dev.bosun.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.Requires;
import dev.bosun.mailbox.Workspace;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerRef;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bubblewrap worker outlives the server process that started it, whether that process is stopped
 * (SIGTERM) or killed (SIGKILL), keeps working, and is adopted, listed and stopped by the next one
 * (issue 11, item 7; D41). The server is a real second JVM.
 */
class BwrapWorkerOutlivesBosunTest {
    /** Answers a file in its inbox with one in its outbox, proving it is alive and working, not just unreaped. */
    private static final String ANSWERER =
            "while [ ! -e \"$BOSUN_INBOX/ping\" ]; do sleep 0.05; done; echo pong > \"$BOSUN_OUTBOX/pong\"; exec sleep 600";

    @TempDir
    Path dataDir;

    @BeforeEach
    void requireBwrap() {
        Requires.usable("the bwrap runtime", new BwrapSandbox().availability());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aWorkerOutlivesTheServerProcessAndIsAdoptedByTheNext(boolean forcibly) throws Exception {
        String session = "survivor-" + (forcibly ? "kill" : "term");
        String node = "node-" + System.nanoTime();
        Process host = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        BwrapWorkerHost.class.getName(),
                        dataDir.toString(),
                        session,
                        node,
                        ANSWERER)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        WorkerRef ref;
        try (var out = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8))) {
            ref = parse(out.readLine());
            if (forcibly) host.destroyForcibly();
            else host.destroy();
            assertThat(host.waitFor(30, TimeUnit.SECONDS))
                    .as("the server process ended")
                    .isTrue();
        }

        try (Sandbox next = new BwrapSandbox()) {
            Worker adopted = next.adopt(ref).orElseThrow(() -> new AssertionError("the worker died with its server"));
            assertThat(next.list(node))
                    .extracting(Sandbox.LabelledWorker::sessionId)
                    .containsExactly(session);
            Workspace ws = Workspace.at(dataDir, session);
            Files.writeString(ws.inbox().resolve("ping"), "ping\n");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> Files.exists(ws.outbox().resolve("pong")));

            next.stop(adopted.ref(), Duration.ofSeconds(1));
            assertThat(adopted.onExit().toCompletableFuture()).succeedsWithin(Duration.ofSeconds(10));
            assertThat(next.list(node)).isEmpty();
        }
    }

    private static WorkerRef parse(String line) {
        assertThat(line).as("the worker reference the server printed").isNotBlank();
        List<String> parts = List.of(line.split(" "));
        var attrs = new HashMap<String, String>();
        parts.subList(1, parts.size())
                .forEach(p -> attrs.put(p.substring(0, p.indexOf('=')), p.substring(p.indexOf('=') + 1)));
        return new WorkerRef(BwrapSandbox.RUNTIME, parts.get(0), attrs);
    }
}
