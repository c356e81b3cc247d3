package dev.bosun.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.internal.worker.InboxWriter;
import dev.bosun.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code examples/echo-worker.sh} against a workspace, through the real mailbox classes. */
class EchoWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    Workspace ws;
    Process worker;

    @BeforeEach
    void start() throws IOException {
        ws = Workspaces.create(dataDir, "sess_echo");
        worker = startWorker("sh");
    }

    private Process startWorker(String... shell) throws IOException {
        List<String> command = new ArrayList<>(List.of(shell));
        command.add(script().toString());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("BOSUN_SESSION_ID", "sess_echo");
        pb.environment().put("BOSUN_INBOX", ws.inbox().toString());
        pb.environment().put("BOSUN_OUTBOX", ws.outbox().toString());
        pb.environment().put("BOSUN_WORKSPACE", ws.root().toString());
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(ws.stdoutLog().toFile()));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(ws.stderrLog().toFile()));
        return pb.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (worker.isAlive()) {
            worker.destroyForcibly();
            worker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("examples/echo-worker.sh");
            if (Files.isRegularFile(candidate)) return candidate;
        }
        throw new IllegalStateException(
                "examples/echo-worker.sh not found above " + Path.of("").toAbsolutePath());
    }

    private void send(long seq, String payloadJson) throws IOException {
        InboxWriter.write(
                ws, new Event("sess_echo", seq, Direction.IN, "input", Json.parse(payloadJson), Instant.now()));
    }

    /** The outbox files the worker has finished: it writes each as *.tmp first and renames it, as the protocol says. */
    private List<String> outboxNames() throws IOException {
        try (Stream<Path> s = Files.list(ws.outbox())) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .sorted()
                    .toList();
        }
    }

    private void awaitReady() {
        await().atMost(WAIT).until(() -> Files.exists(ws.outbox().resolve("00000000000000000000-ready.json")));
    }

    @Test
    void theScriptIsExecutable() {
        assertThat(Files.isExecutable(script())).isTrue();
    }

    @Test
    void announcesReadyThenEchoesEachMessageInOrder() throws Exception {
        awaitReady();
        send(1, "{\"text\":\"hello\",\"quote\":\"a \\\"b\\\" \\\\ c\",\"n\":[1,2,3]}");
        send(2, "[\"second\"]");

        await().atMost(WAIT).until(() -> outboxNames().size() == 3);
        await().atMost(WAIT).until(() -> {
            try (Stream<Path> inbox = Files.list(ws.inbox())) {
                return inbox.findAny().isEmpty();
            }
        });

        // Ingest the outbox the way Bosun does.
        OutboxClaims claims = new OutboxClaims(ws);
        List<OutboxItem.Message> messages = new ArrayList<>();
        for (ClaimedFile f : claims.claimBatch(10)) {
            messages.add((OutboxItem.Message) f.read(64 * 1024));
            claims.done(f);
        }
        assertThat(messages).extracting(OutboxItem.Message::eventType).containsExactly("ready", "echo", "echo");
        JsonNode first = messages.get(1).payload().get("received");
        assertThat(first.get("seq").asLong()).isEqualTo(1);
        assertThat(first.get("event_type").asText()).isEqualTo("input");
        assertThat(first.get("payload"))
                .isEqualTo(Json.parse("{\"text\":\"hello\",\"quote\":\"a \\\"b\\\" \\\\ c\",\"n\":[1,2,3]}"));
        assertThat(messages.get(2).payload().get("received").get("payload")).isEqualTo(Json.parse("[\"second\"]"));
        assertThat(worker.isAlive()).isTrue();
    }

    @Test
    void aBurstOfMessagesIsEchoedInFull() throws Exception {
        awaitReady();
        // Burst: several files land between two of the worker's passes.
        for (long seq = 1; seq <= 5; seq++) send(seq, "{\"i\":" + seq + "}");

        await().atMost(WAIT).until(() -> outboxNames().size() == 6);
        for (long seq = 1; seq <= 5; seq++) {
            JsonNode echo = Json.parse(Files.readString(ws.outbox().resolve(InboxWriter.fileName(seq))));
            assertThat(echo.get("event_type").asText()).isEqualTo("echo");
            assertThat(echo.get("received").get("payload").get("i").asLong()).isEqualTo(seq);
        }
    }

    @Test
    void exitNowMakesItExitWith7() throws Exception {
        awaitReady();
        send(1, "{\"cmd\":\"exit_now\"}");

        assertThat(worker.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(7);
        assertThat(ws.inbox().resolve(InboxWriter.fileName(1))).doesNotExist();
    }

    @Test
    void sigtermMakesItExit0() throws Exception {
        awaitReady(); // the trap is set before the ready file is written

        worker.destroy(); // SIGTERM on Unix

        assertThat(worker.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(0);
    }

    /** The script promises busybox compatibility (small container images); checked where busybox exists. */
    @Test
    void echoesUnderBusyboxShToo() throws Exception {
        Path busybox = Stream.of("/usr/bin/busybox", "/bin/busybox")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst()
                .orElse(null);
        assumeTrue(busybox != null, "busybox is not installed");
        awaitReady();
        worker.destroy();
        assertThat(worker.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        Files.delete(ws.outbox().resolve("00000000000000000000-ready.json"));

        worker = startWorker(busybox.toString(), "sh");
        awaitReady();
        send(1, "{\"via\":\"busybox\"}");
        await().atMost(WAIT).until(() -> Files.exists(ws.outbox().resolve(InboxWriter.fileName(1))));
        JsonNode echo = Json.parse(Files.readString(ws.outbox().resolve(InboxWriter.fileName(1))));
        assertThat(echo.get("received").get("payload").get("via").asText()).isEqualTo("busybox");
        send(2, "\"exit_now\"");
        assertThat(worker.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(worker.exitValue()).isEqualTo(7);
    }

    @Test
    void idlesOnAnEmptyInboxWithoutEchoingAnything() throws Exception {
        awaitReady();
        Files.writeString(ws.inbox().resolve(InboxWriter.fileName(1) + ".tmp"), "{\"partial");

        Thread.sleep(300);

        assertThat(worker.isAlive()).isTrue();
        assertThat(outboxNames()).containsExactly("00000000000000000000-ready.json");
        assertThat(ws.inbox().resolve(InboxWriter.fileName(1) + ".tmp")).exists();
        assertThat(Files.readString(ws.stderrLog())).doesNotContain("No such file", "cannot");
    }
}
