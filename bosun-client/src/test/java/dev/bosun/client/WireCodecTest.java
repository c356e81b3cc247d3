package dev.bosun.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.PollResult;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.FleetStatus;
import dev.bosun.fleet.RoutingDecision;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.util.Page;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskCounts;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskSpec;
import dev.bosun.task.TaskStatus;
import dev.bosun.tile.TileMaker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codec against the samples in docs/API.md, read from the doc itself so that a change to the
 * documented shapes fails here. The doc elides values with "…"; those are filled with {@link #T}.
 */
class WireCodecTest {
    static final String T = "2026-01-01T00:00:00.123Z";
    static final Instant AT = Instant.parse(T);
    private static String doc;

    @BeforeAll
    static void readDoc() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/API.md");
            if (Files.isRegularFile(candidate)) {
                doc = Files.readString(candidate);
                return;
            }
        }
        throw new IllegalStateException("docs/API.md not found above " + Path.of("").toAbsolutePath());
    }

    /** The first fenced block of {@code lang} after {@code heading}. */
    private static String block(String heading, String lang) {
        int at = doc.indexOf(heading);
        assertThat(at).as("heading %s in docs/API.md", heading).isNotNegative();
        Matcher m = Pattern.compile("```" + lang + "\\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find(at)).as("```%s block after %s", lang, heading).isTrue();
        return m.group(1);
    }

    /** The doc's sample with its elisions filled: "…" values become a time, {…} and […] become empty. */
    private static JsonNode filled(String sample) throws IOException {
        return Json.parse(sample.replace("\"…\"", "\"" + T + "\"").replace("{…}", "{}").replace("[…]", "[]"));
    }

    @Test
    void sessionSampleFromTheDoc() throws IOException {
        Session s = WireCodec.session(filled(block("**Session**", "json")));
        assertThat(s.id()).isEqualTo("sess_01J…");
        assertThat(s.tenant()).isEqualTo(WireCodec.TENANT_NOT_ON_WIRE).isEmpty();
        assertThat(s.name()).isEqualTo("research");
        assertThat(s.agentId()).isEqualTo("oracle1");
        assertThat(s.tags()).containsExactly("h1");
        assertThat(s.metadata()).isEqualTo(Json.object());
        assertThat(s.profile()).contains("echo");
        assertThat(s.status()).isEqualTo(SessionStatus.RUNNING);
        assertThat(s.outcome()).isEmpty();
        assertThat(s.reason()).isEmpty();
        assertThat(s.error()).isEmpty();
        assertThat(s.exitCode()).isEmpty();
        assertThat(s.createdAt()).isEqualTo(AT);
        assertThat(s.startedAt()).contains(AT);
        assertThat(s.endedAt()).isEmpty();
        assertThat(s.lastActivityAt()).isEqualTo(AT);
        assertThat(s.expiresAt()).isEqualTo(AT);
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(1800));
        assertThat(s.ttl()).isEqualTo(Duration.ofSeconds(86400));
        assertThat(s.maxTasks()).isEqualTo(50);
        assertThat(s.taskTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(s.workspace()).contains("workspaces/sess_01J…");
        assertThat(s.lastSeq()).isEqualTo(7);
        assertThat(s.taskCounts()).isEqualTo(new TaskCounts(2, 1, 1, 0, 0, 0));
        assertThat(s.scoutRoom()).contains("fleet/research");
        assertThat(s.emitTiles()).as("null: the server's emit_tiles applies").isEmpty();
        assertThat(s.patterns()).isEmpty();
    }

    @Test
    void endedSessionWithoutWorker() throws IOException {
        Session s = WireCodec.session(Json.parse("""
                {"session_id": "sess_01JABC", "name": "n", "agent_id": "a", "tags": [], "metadata": {"k": [1, 2]},
                 "profile": null, "status": "ended", "outcome": "failed", "reason": "worker_exited", "error": "boom",
                 "exit_code": 3, "created_at": "2026-01-01T00:00:00Z", "started_at": "2026-01-01T00:00:01Z",
                 "ended_at": "2026-01-01T00:00:09.5Z", "last_activity_at": "2026-01-01T00:00:09.5Z",
                 "expires_at": "2026-01-02T00:00:00Z", "idle_timeout_seconds": 30, "ttl_seconds": 60, "max_tasks": 1,
                 "task_timeout_seconds": 1, "workspace": null, "duration_seconds": 8.5, "last_seq": 12,
                 "tasks": {"total": 5, "running": 0, "succeeded": 1, "failed": 2, "cancelled": 1, "timeout": 1},
                 "some_future_field": true}
                """));
        assertThat(s.isEnded()).isTrue();
        assertThat(s.outcome()).contains(SessionOutcome.FAILED);
        assertThat(s.reason()).contains(EndReason.WORKER_EXITED);
        assertThat(s.error()).contains("boom");
        assertThat(s.exitCode()).contains(3);
        assertThat(s.profile()).isEmpty();
        assertThat(s.hasWorker()).isFalse();
        assertThat(s.workspace()).isEmpty();
        assertThat(s.metadata().toString()).isEqualTo("{\"k\":[1,2]}");
        assertThat(s.durationAt(Instant.MAX)).isEqualTo(Duration.ofMillis(8500));
        assertThat(s.taskCounts()).isEqualTo(new TaskCounts(5, 0, 1, 2, 1, 1));
    }

    @Test
    void taskSampleFromTheDoc() throws IOException {
        Task t = WireCodec.task(filled(block("**Task**", "json")));
        assertThat(t.id()).isEqualTo("t1");
        assertThat(t.sessionId()).isEqualTo("sess_…");
        assertThat(t.name()).isEqualTo("analyze");
        assertThat(t.data()).isEqualTo(Json.object());
        assertThat(t.priority()).isEqualTo(TaskPriority.NORMAL);
        assertThat(t.requiredCapabilities()).containsExactly("research");
        assertThat(t.assignedAgent()).isEmpty();
        assertThat(t.status()).isEqualTo(TaskStatus.RUNNING);
        assertThat(t.createdAt()).isEqualTo(AT);
        assertThat(t.startedAt()).isEqualTo(AT);
        assertThat(t.endedAt()).isEmpty();
        assertThat(t.deadlineAt()).isEqualTo(AT);
        assertThat(t.durationMs()).isEmpty();
        assertThat(t.result()).isEmpty();
        assertThat(t.error()).isEmpty();
    }

    @Test
    void completedTask() throws IOException {
        Task t = WireCodec.task(Json.parse("""
                {"task_id": "t2", "session_id": "sess_1", "name": "compile", "data": null, "priority": "critical",
                 "required_capabilities": [], "assigned_agent": "oracle2", "status": "timeout",
                 "created_at": "2026-01-01T00:00:00Z", "started_at": "2026-01-01T00:00:00Z",
                 "ended_at": "2026-01-01T00:05:00Z", "deadline_at": "2026-01-01T00:05:00Z",
                 "duration_ms": 300000, "result": {"partial": true}, "error": "deadline passed"}
                """));
        assertThat(t.data()).isEqualTo(NullNode.getInstance());
        assertThat(t.priority()).isEqualTo(TaskPriority.CRITICAL);
        assertThat(t.assignedAgent()).contains("oracle2");
        assertThat(t.status()).isEqualTo(TaskStatus.TIMEOUT);
        assertThat(t.isActive()).isFalse();
        assertThat(t.endedAt()).contains(Instant.parse("2026-01-01T00:05:00Z"));
        assertThat(t.durationMs()).contains(300_000L);
        assertThat(t.result().orElseThrow().get("partial").asBoolean()).isTrue();
        assertThat(t.error()).contains("deadline passed");
    }

    @Test
    void eventSampleFromTheDocAndFromTheSseFrame() throws IOException {
        Matcher inline = Pattern.compile("\\*\\*Event\\*\\*: `(\\{.*?})`").matcher(doc);
        assertThat(inline.find()).as("inline Event sample").isTrue();
        Event e = WireCodec.event("sess_9", filled(inline.group(1)));
        assertThat(e).isEqualTo(new Event("sess_9", 3, Direction.IN, "input", Json.object(), AT));

        String frame = block("### Server-Sent Events", "");
        Matcher data = Pattern.compile("^data: (.*)$", Pattern.MULTILINE).matcher(frame);
        assertThat(data.find()).as("data line of the SSE sample").isTrue();
        Event sse = WireCodec.event("sess_9", filled(data.group(1)));
        assertThat(sse).isEqualTo(new Event("sess_9", 7, Direction.OUT, "echo", Json.object(), AT));
    }

    @Test
    void pollResult() throws IOException {
        PollResult r = WireCodec.pollResult("sess_1", Json.parse("""
                {"events": [{"seq": 4, "direction": "system", "event_type": "session_ended",
                             "payload": {"outcome": "cancelled"}, "created_at": "2026-01-01T00:00:00Z"}],
                 "next_cursor": 4, "has_more": false, "status": "ended"}
                """));
        assertThat(r.events()).singleElement().satisfies(e -> {
            assertThat(e.sessionId()).isEqualTo("sess_1");
            assertThat(e.direction()).isEqualTo(Direction.SYSTEM);
            assertThat(e.type()).isEqualTo("session_ended");
            assertThat(e.payload().get("outcome").asText()).isEqualTo("cancelled");
        });
        assertThat(r.nextCursor()).isEqualTo(4);
        assertThat(r.hasMore()).isFalse();
        assertThat(r.status()).isEqualTo(SessionStatus.ENDED);
    }

    @Test
    void pageOfSessionsAndTaskList() throws IOException {
        String session = block("**Session**", "json").replace("\"…\"", "\"" + T + "\"");
        Page<Session> p = WireCodec.sessionPage(Json.parse("{\"items\": [" + session + "], \"next_cursor\": \"sess_01J…\", \"has_more\": true}"));
        assertThat(p.items()).extracting(Session::id).containsExactly("sess_01J…");
        assertThat(p.nextCursor()).contains("sess_01J…");
        assertThat(p.hasMore()).isTrue();

        Page<Session> last = WireCodec.sessionPage(Json.parse("{\"items\": [], \"next_cursor\": null, \"has_more\": false}"));
        assertThat(last.items()).isEmpty();
        assertThat(last.nextCursor()).isEmpty();

        String task = block("**Task**", "json").replace("\"…\"", "\"" + T + "\"").replace("{…}", "{}");
        assertThat(WireCodec.taskList(Json.parse("{\"items\": [" + task + "," + task + "]}"))).hasSize(2);
        assertThat(WireCodec.seq(Json.parse("{\"seq\": 42}"))).isEqualTo(42);
    }

    @Test
    void brokenResponsesAreInternalErrorsNamingTheField() throws IOException {
        JsonNode good = filled(block("**Session**", "json"));
        for (String field : List.of("session_id", "created_at", "tasks", "status", "last_seq")) {
            var broken = good.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) broken).remove(field);
            assertThatThrownBy(() -> WireCodec.session(broken)).as(field)
                    .isInstanceOfSatisfying(BosunException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                        assertThat(e.details()).containsEntry("field", field);
                    });
        }
        var badStatus = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) badStatus).put("status", "paused");
        assertThatThrownBy(() -> WireCodec.session(badStatus)).isInstanceOfSatisfying(BosunException.class,
                e -> assertThat(e.getMessage()).contains("'status'").contains("paused"));
        var badTime = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) badTime).put("created_at", "yesterday");
        assertThatThrownBy(() -> WireCodec.session(badTime)).isInstanceOfSatisfying(BosunException.class,
                e -> assertThat(e.details()).containsEntry("field", "created_at"));
    }

    // ------------------------------------------------------------------ fleet

    @Test
    void agentSampleFromTheDoc() throws IOException {
        Agent a = WireCodec.agent(filled(block("**Agent**", "json")));
        assertThat(a.id()).isEqualTo("coder");
        assertThat(a.capabilities()).containsExactly("compilation", "llvm");
        assertThat(a.load()).isEqualTo(1);
        assertThat(a.registeredAt()).isEqualTo(AT);
        assertThat(a.updatedAt()).isEqualTo(AT);
        assertThat(a.lastSeenAt()).isEqualTo(AT);
        assertThat(a.tenant()).isEqualTo(WireCodec.TENANT_NOT_ON_WIRE);
        assertThat(a.registrationOrder()).isEqualTo(WireCodec.ORDER_NOT_ON_WIRE);

        String agent = block("**Agent**", "json").replace("\"…\"", "\"" + T + "\"");
        List<Agent> list = WireCodec.agentList(Json.parse("{\"items\":[" + agent + "," + agent.replace("\"coder\"", "\"writer\"") + "]}"));
        assertThat(list).extracting(Agent::id).containsExactly("coder", "writer");
        assertThat(WireCodec.agentList(Json.parse("{\"items\":[]}"))).isEmpty();
    }

    @Test
    void routingDecisionSampleFromTheDocAndAsTheServerWritesIt() throws IOException {
        JsonNode sample = filled(block("**RoutingDecision**", "json"));
        RoutingDecision d = WireCodec.routingDecision(sample);
        assertThat(d.agentId()).isEqualTo("B");
        assertThat(d.taskId()).isEqualTo("k");
        assertThat(d.h1Before()).isEqualTo(6);
        assertThat(d.h1After()).isEqualTo(7);
        assertThat(d.confidence()).isEqualTo(0.7);
        assertThat(d.emergenceRisk()).isEqualTo(0.3);
        assertThat(d.capabilityMatchScore()).isEqualTo(1.0);
        assertThat(d.reasoning()).startsWith("Routed task k to B:");
        // RoutingDecision.toJson is what the server sends: reading it back loses nothing.
        assertThat(reparsed(d.toJson())).isEqualTo(sample);
        assertThat(WireCodec.routingDecision(d.toJson())).isEqualTo(d);
        // A whole number where a decimal is documented is still a number.
        var whole = sample.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) whole).put("confidence", 1);
        assertThat(WireCodec.routingDecision(whole).confidence()).isEqualTo(1.0);
    }

    @Test
    void fleetStatusSampleFromTheDocAndAsTheServerWritesIt() throws IOException {
        JsonNode sample = filled(block("**FleetStatus**", "json"));
        FleetStatus st = WireCodec.fleetStatus(sample);
        assertThat(st).isEqualTo(new FleetStatus(3, 5, 13, 8, 6, 1, 6, 0, false, 0, st.description()));
        assertThat(st.description()).startsWith("3 agents, 5 tasks, 13 edges");
        assertThat(reparsed(st.toJson())).as("the sample is what FleetStatus.toJson writes, laman_satisfied included").isEqualTo(sample);
        FleetStatus emergent = new FleetStatus(3, 5, 14, 8, 7, 1, 6, 1, true, 1, "above");
        assertThat(WireCodec.fleetStatus(emergent.toJson())).isEqualTo(emergent);
    }

    @Test
    void brokenFleetResponsesAreInternalErrorsNamingTheField() throws IOException {
        JsonNode agent = filled(block("**Agent**", "json"));
        JsonNode decision = filled(block("**RoutingDecision**", "json"));
        JsonNode status = filled(block("**FleetStatus**", "json"));
        for (String field : List.of("agent_id", "capabilities", "load", "registered_at", "last_seen_at")) {
            assertBroken(() -> WireCodec.agent(without(agent, field)), field);
        }
        for (String field : List.of("agent_id", "h1_after", "confidence", "reasoning")) {
            assertBroken(() -> WireCodec.routingDecision(without(decision, field)), field);
        }
        for (String field : List.of("h1", "emergence", "laman_margin", "description")) {
            assertBroken(() -> WireCodec.fleetStatus(without(status, field)), field);
        }
        var words = decision.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) words).put("emergence_risk", "high");
        assertBroken(() -> WireCodec.routingDecision(words), "emergence_risk");
        var caps = agent.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) caps).putArray("capabilities").add(1);
        assertBroken(() -> WireCodec.agent(caps), "capabilities");
        assertBroken(() -> WireCodec.agentList(Json.parse("{}")), "items");
    }

    /** As a client receives it: written and read again, so numbers have the node types parsing gives. */
    private static JsonNode reparsed(JsonNode n) throws IOException {
        return Json.parse(Json.write(n));
    }

    private static JsonNode without(JsonNode n, String field) {
        var copy = n.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove(field);
        return copy;
    }

    private static void assertBroken(org.assertj.core.api.ThrowableAssert.ThrowingCallable read, String field) {
        assertThatThrownBy(read).as(field).isInstanceOfSatisfying(BosunException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.details()).containsEntry("field", field);
        });
    }

    @Test
    void registerAndRouteBodies() {
        assertThat(WireCodec.registerAgent("coder", List.of("compilation", "llvm")).toString())
                .isEqualTo("{\"agent_id\":\"coder\",\"capabilities\":[\"compilation\",\"llvm\"]}");
        assertThat(WireCodec.registerAgent("idle", List.of()).toString()).isEqualTo("{\"agent_id\":\"idle\",\"capabilities\":[]}");
        assertThat(WireCodec.route("t1", List.of(), List.of(), false).toString())
                .as("required_capabilities is always sent; fallback is left to the server")
                .isEqualTo("{\"task_id\":\"t1\",\"required_capabilities\":[]}");
        assertThat(WireCodec.route("t1", List.of("gpu"), List.of("a", "b"), true).toString())
                .isEqualTo("{\"task_id\":\"t1\",\"required_capabilities\":[\"gpu\"],\"prefer_agents\":[\"a\",\"b\"],\"fallback\":\"any\"}");
    }

    @Test
    void tileSampleFromTheDoc() throws IOException {
        Delivery t = WireCodec.tile(filled(block("**Tile**", "json")));
        assertThat(t.id()).isEqualTo("tile_01J…");
        assertThat(t.kind()).isEqualTo(DeliveryKind.TILE);
        assertThat(t.target()).isEqualTo(TileMaker.TARGET);
        assertThat(t.tenant()).isEqualTo(WireCodec.TENANT_NOT_ON_WIRE);
        assertThat(t.sessionId()).isEqualTo("sess_01J…");
        assertThat(t.eventSeq()).isEqualTo(5);
        assertThat(t.eventType()).as("kind task_end is made of task_completed").isEqualTo("task_completed");
        assertThat(t.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(t.attempts()).isEqualTo(2);
        assertThat(t.lastStatus()).contains(200);
        assertThat(t.lastError()).isEmpty();
        assertThat(t.remoteId()).contains("9f2c61d0a4b7e813");
        assertThat(t.nextAttemptAt()).isEmpty();
        assertThat(t.eventAt()).isEqualTo(AT);
        assertThat(t.updatedAt()).isEqualTo(AT);
        assertThat(t.deliveredAt()).contains(AT);
        assertThat(t.body().get("question").asText()).isEqualTo("[TASK_END] compile — SUCCESS");
        assertThat(t.body().at("/answer/duration_ms").asLong()).as("the answer is an object").isEqualTo(2340);
        assertThat(t.body().get("confidence").asDouble()).isEqualTo(0.9);
    }

    @Test
    void webhookAndDeliverySamplesFromTheDoc() throws IOException {
        Webhook w = WireCodec.webhook(filled(block("**Webhook**", "json")));
        assertThat(w.id()).isEqualTo("wh_01J…");
        assertThat(w.tenant()).isEqualTo(WireCodec.TENANT_NOT_ON_WIRE);
        assertThat(w.url()).hasToString("https://hooks.example.com/bosun");
        assertThat(w.events()).containsExactly("session_ended", "task_completed");
        assertThat(w.createdAt()).isEqualTo(AT);
        assertThat(w.secret()).startsWith("whsec_").hasSize(70);
        Webhook read = WireCodec.webhook(without(filled(block("**Webhook**", "json")), "secret"));
        assertThat(read.secret()).as("GET leaves the secret out").isEqualTo(WireCodec.SECRET_NOT_ON_WIRE);
        assertThat(WireCodec.webhookList(Json.parse("{\"items\":[]}"))).isEmpty();

        Delivery d = WireCodec.webhookDelivery(filled(block("**WebhookDelivery**", "json")));
        assertThat(d.id()).isEqualTo("whd_01J…");
        assertThat(d.kind()).isEqualTo(DeliveryKind.WEBHOOK);
        assertThat(d.target()).isEqualTo("wh_01J…");
        assertThat(d.eventType()).isEqualTo("task_completed");
        assertThat(d.eventSeq()).isEqualTo(4);
        assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(d.lastStatus()).contains(500);
        assertThat(d.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 500"));
        assertThat(d.nextAttemptAt()).contains(AT);
        assertThat(d.deliveredAt()).isEmpty();
        assertThat(d.remoteId()).isEmpty();
        assertThat(d.body().get("id").asText()).isEqualTo(d.id());
        assertThat(d.body().at("/payload/outcome").asText()).isEqualTo("success");
    }

    @Test
    void pagesOfTilesAndDeliveriesAndBrokenOnes() throws IOException {
        JsonNode tile = filled(block("**Tile**", "json"));
        var page = Json.object().put("next_cursor", "tile_01J…").put("has_more", true);
        page.putArray("items").add(tile).add(tile);
        Page<Delivery> tiles = WireCodec.tilePage(page);
        assertThat(tiles.items()).hasSize(2);
        assertThat(tiles.nextCursor()).contains("tile_01J…");
        assertThat(tiles.hasMore()).isTrue();
        var deliveries = Json.object().putNull("next_cursor").put("has_more", false);
        deliveries.putArray("items").add(filled(block("**WebhookDelivery**", "json")));
        assertThat(WireCodec.webhookDeliveryPage(deliveries).items()).extracting(Delivery::id).containsExactly("whd_01J…");

        assertBroken(() -> WireCodec.tile(((com.fasterxml.jackson.databind.node.ObjectNode) tile.deepCopy()).put("kind", "lunch")), "kind");
        assertBroken(() -> WireCodec.tile(((com.fasterxml.jackson.databind.node.ObjectNode) tile.deepCopy()).put("state", "lost")), "state");
        assertBroken(() -> WireCodec.tile(((com.fasterxml.jackson.databind.node.ObjectNode) tile.deepCopy()).put("tile", "x")), "tile");
        assertBroken(() -> WireCodec.tile(without(tile, "attempts")), "attempts");
        assertBroken(() -> WireCodec.webhook(((com.fasterxml.jackson.databind.node.ObjectNode) filled(block("**Webhook**", "json")))
                .put("url", "not a url")), "url");
    }

    // ------------------------------------------------------------------ request bodies

    @Test
    void createWebhookBodyLeavesAnUnsetSecretToTheServer() {
        assertThat(WireCodec.createWebhook("https://h.example/x", List.of("*"), Optional.empty()).toString())
                .isEqualTo("{\"url\":\"https://h.example/x\",\"events\":[\"*\"]}");
        assertThat(WireCodec.createWebhook("https://h.example/x", List.of("task_completed", "error"), Optional.of("s3cret-s3cret-s3cret")).toString())
                .isEqualTo("{\"url\":\"https://h.example/x\",\"events\":[\"task_completed\",\"error\"],\"secret\":\"s3cret-s3cret-s3cret\"}");
    }

    @Test
    void sessionConfigCarriesScoutRoomAndEmitTiles() {
        SessionConfig c = SessionConfig.builder("research", "oracle1").scoutRoom("fleet/research").emitTiles(false).build();
        assertThat(WireCodec.sessionConfig(c).toString()).isEqualTo("{\"name\":\"research\",\"agent_id\":\"oracle1\","
                + "\"scout_room\":\"fleet/research\",\"emit_tiles\":false}");
    }

    @Test
    void sessionConfigBodyUsesTheDocumentedFieldsAndOmitsUnsetOnes() {
        assertThat(WireCodec.sessionConfig(SessionConfig.builder("research", "oracle1").build()).toString())
                .isEqualTo("{\"name\":\"research\",\"agent_id\":\"oracle1\"}");
        SessionConfig full = SessionConfig.builder("research", "oracle1").tags("h1", "x")
                .metadata(Json.object().put("k", "v")).profile("echo").idleTimeout(Duration.ofMinutes(30))
                .ttl(Duration.ofDays(1)).maxTasks(50).taskTimeout(Duration.ofMinutes(5)).build();
        assertThat(WireCodec.sessionConfig(full).toString()).isEqualTo("{\"name\":\"research\",\"agent_id\":\"oracle1\","
                + "\"tags\":[\"h1\",\"x\"],\"metadata\":{\"k\":\"v\"},\"profile\":\"echo\",\"idle_timeout_seconds\":1800,"
                + "\"ttl_seconds\":86400,\"max_tasks\":50,\"task_timeout_seconds\":300}");
    }

    @Test
    void sessionConfigThatTheWireCannotCarryIsRefusedNotTruncated() {
        assertThatThrownBy(() -> WireCodec.sessionConfig(SessionConfig.builder("n", "a").idleTimeout(Duration.ofMillis(90_500)).build()))
                .isInstanceOfSatisfying(BosunException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.details()).containsEntry("field", "idle_timeout_seconds");
                });
        assertThatThrownBy(() -> WireCodec.sessionConfig(SessionConfig.builder("n", "a").tenant("acme").build()))
                .isInstanceOfSatisfying(BosunException.class, e -> assertThat(e.details()).containsEntry("field", "tenant"));
    }

    @Test
    void taskSpecBody() {
        assertThat(WireCodec.taskSpec(TaskSpec.builder("analyze").build()).toString())
                .isEqualTo("{\"name\":\"analyze\",\"priority\":\"normal\"}");
        TaskSpec full = TaskSpec.builder("compile-code").id("compile-1").data(Json.object().put("target", "llvm"))
                .priority(TaskPriority.HIGH).requiredCapabilities("compilation", "llvm").build();
        assertThat(WireCodec.taskSpec(full).toString()).isEqualTo("{\"task_id\":\"compile-1\",\"name\":\"compile-code\","
                + "\"data\":{\"target\":\"llvm\"},\"priority\":\"high\",\"required_capabilities\":[\"compilation\",\"llvm\"]}");
        assertThatThrownBy(() -> WireCodec.taskSpec(TaskSpec.builder("x").assignedAgent("oracle2").build()))
                .isInstanceOfSatisfying(BosunException.class, e -> assertThat(e.details()).containsEntry("field", "assigned_agent"));
    }

    @Test
    void completionEndAndEventBodies() {
        assertThat(WireCodec.completion(Completion.of(TaskOutcome.SUCCESS)).toString()).isEqualTo("{\"outcome\":\"success\"}");
        assertThat(WireCodec.completion(Completion.of(TaskOutcome.FAILED).withDurationMs(5000)
                .withResult(Json.object().put("n", 1)).withError("missing dependency")).toString())
                .isEqualTo("{\"outcome\":\"failed\",\"duration_ms\":5000,\"result\":{\"n\":1},\"error\":\"missing dependency\"}");
        assertThat(WireCodec.end(SessionOutcome.TIMEOUT, Optional.of("slow")).toString()).isEqualTo("{\"outcome\":\"timeout\",\"error\":\"slow\"}");
        assertThat(WireCodec.end(SessionOutcome.SUCCESS, Optional.empty()).toString()).isEqualTo("{\"outcome\":\"success\"}");
        assertThat(WireCodec.eventBody("input", Json.object().put("text", "hi")).toString())
                .isEqualTo("{\"event_type\":\"input\",\"payload\":{\"text\":\"hi\"}}");
        assertThat(WireCodec.eventBody("ping", null).toString()).isEqualTo("{\"event_type\":\"ping\",\"payload\":null}");
    }
}
