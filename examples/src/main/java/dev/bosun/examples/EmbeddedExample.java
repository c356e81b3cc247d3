package dev.bosun.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.json.Json;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.sqlite.SqliteStore;
import dev.bosun.task.Completion;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bosun embedded as a library: a session with the example echo worker, a message to its inbox, the
 * echo read back with a long-poll, two tasks (a listener hears each one complete), the session's
 * patterns and its whole event log, and the tiles made of its checkpoints (kept local: no PLATO
 * server is configured here; set BOSUN_PLATO_URL to send them).
 *
 * <p>Run it with {@code ./scripts/example.sh} (or pass a data dir as the first argument).
 */
public final class EmbeddedExample {
    private EmbeddedExample() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "bosun-data/example").toAbsolutePath();
        Path worker = Path.of("examples/echo-worker.sh").toAbsolutePath();
        // The profile comes from configuration, as an operator would set it; here as BOSUN_PROFILES.
        String profiles = "{\"echo\": {\"command\": [\"sh\", \"" + worker + "\"]}}";
        BosunConfig config = ConfigLoader.load(
                Optional.empty(), Map.of("BOSUN_DATA_DIR", dataDir.toString(), "BOSUN_PROFILES", profiles));

        try (SqliteStore store = SqliteStore.open(config.dataDir());
                SessionManager manager =
                        SessionManager.builder(config).store(store).build()) {
            // Called after each commit, on its own thread; a listener that throws or hangs never breaks a session.
            manager.listeners()
                    .onTaskComplete(t -> System.out.printf("listener: task %s completed %s%n", t.id(), t.status()));
            Session s = manager.startSession(SessionConfig.builder("constraint-theory-research", "oracle1")
                    .tags("research", "h1")
                    .profile("echo")
                    .build());
            System.out.printf(
                    "started %s (%s) with a worker in %s%n",
                    s.id(), s.status().wire(), s.workspace().orElse("-"));

            Event sent = manager.send(s.id(), "input", Json.parse("{\"question\": \"what is H1 emergence?\"}"));
            System.out.printf("sent seq %d to the inbox%n", sent.seq());
            long cursor = sent.seq();
            Event echo = null;
            while (echo == null) {
                PollResult r = manager.poll(s.id(), cursor, 100, Duration.ofSeconds(10));
                for (Event e : r.events()) if (e.type().equals("echo")) echo = e;
                cursor = r.nextCursor();
                if (r.events().isEmpty()) throw new IllegalStateException("the echo worker did not answer in 10 s");
            }
            JsonNode question = echo.payload().at("/received/payload/question");
            System.out.printf("the worker echoed seq %d: %s%n", echo.seq(), question.asText());

            manager.addTask(
                    s.id(),
                    TaskSpec.builder("analyze-h1-data")
                            .id("analyze")
                            .priority(TaskPriority.HIGH)
                            .requiredCapabilities("research")
                            .build());
            manager.addTask(
                    s.id(), TaskSpec.builder("write-report").id("report").build());
            manager.completeTask(
                    s.id(), "analyze", Completion.of(TaskOutcome.SUCCESS).withDurationMs(2340));
            manager.completeTask(
                    s.id(), "report", Completion.of(TaskOutcome.FAILED).withError("no findings yet"));

            Session ended = manager.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());
            System.out.printf(
                    "ended: outcome=%s reason=%s tasks=%s patterns=%s%n",
                    ended.outcome().orElseThrow().value(),
                    ended.reason().orElseThrow().code(),
                    ended.taskCounts(),
                    ended.patterns());
            System.out.println("event log:");
            List<Event> log = manager.poll(s.id(), 0, 100, Duration.ZERO).events();
            for (Event e : log) {
                System.out.printf(
                        "  %3d %-6s %-16s %s%n", e.seq(), e.direction().value(), e.type(), Json.write(e.payload()));
            }
            Thread.sleep(500); // the relay makes tiles right after the commits; give it a moment
            System.out.println("tiles:");
            for (var tile : manager.tiles()
                    .ofSession("default", s.id(), Optional.empty(), 100)
                    .items()) {
                System.out.printf(
                        "  %3d %-7s %s%n",
                        tile.eventSeq(),
                        tile.state().wire(),
                        tile.body().get("question").asText());
            }
        }
    }
}
