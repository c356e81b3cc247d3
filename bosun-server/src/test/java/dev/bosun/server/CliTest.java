package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.contract.FakePlato;
import dev.bosun.json.Json;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.cli.Main;
import dev.bosun.session.Session;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The {@code bosun} CLI run as a separate process, as a person or a script runs it, against a real
 * server on an ephemeral port: what it prints, and the exit codes scripts rely on.
 */
class CliTest extends ServerHarness {
    private static final Duration PROCESS_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path scratch;

    private final List<Process> started = java.util.Collections.synchronizedList(new ArrayList<>());

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }

        JsonNode json() {
            try {
                return Json.parse(out);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + out, e);
            }
        }
    }

    @AfterEach
    void killLeftovers() {
        synchronized (started) {
            for (Process p : started) if (p.isAlive()) p.destroyForcibly();
        }
    }

    // ------------------------------------------------------------------------------ client commands

    @Test
    void sessionLifecycleForPeopleAndScripts() {
        start();
        String longName = "research-into-constraint-theory-and-beyond";
        Run created = bosun(
                "sessions",
                "create",
                "--name",
                longName,
                "--agent",
                "oracle1",
                "--tag",
                "h1",
                "--tag",
                "h2",
                "--metadata",
                "{\"k\":\"v\"}",
                "--idle-timeout",
                "600",
                "--max-tasks",
                "5");
        assertOk(created);
        String id = created.out().strip();
        assertThat(id).matches("sess_\\S+");
        Session s = manager.get(id);
        assertThat(s.name()).isEqualTo(longName);
        assertThat(s.tags()).containsExactly("h1", "h2");
        assertThat(s.metadata().get("k").asText()).isEqualTo("v");
        assertThat(s.idleTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(s.maxTasks()).isEqualTo(5);

        Run sent = bosun("sessions", "send", id, "--type", "input", "--payload", "{\"text\":\"hello\"}");
        assertOk(sent);
        assertThat(sent.out().strip()).isEqualTo("2"); // seq 1 is session_started
        Run piped = bosunWithInput(
                "{\"text\":\"from stdin\"}", "sessions", "send", id, "--type", "input", "--payload", "-");
        assertOk(piped);
        assertThat(piped.out().strip()).isEqualTo("3");

        Run events = bosun("sessions", "events", id);
        assertOk(events);
        assertThat(events.lines()).hasSize(3);
        assertThat(events.lines().get(0)).startsWith("1 system session_started {");
        assertThat(events.lines().subList(1, 3))
                .containsExactly("2 in input {\"text\":\"hello\"}", "3 in input {\"text\":\"from stdin\"}");
        Run page = bosun("sessions", "events", id, "--after", "1", "--limit", "1", "--json");
        assertOk(page);
        JsonNode poll = page.json();
        assertThat(poll.get("events")).hasSize(1);
        assertThat(poll.at("/events/0/seq").asLong()).isEqualTo(2);
        assertThat(poll.at("/events/0/payload/text").asText()).isEqualTo("hello");
        assertThat(poll.get("has_more").asBoolean()).isTrue();
        assertThat(poll.get("next_cursor").asLong()).isEqualTo(2);
        assertThat(poll.get("status").asText()).isEqualTo("running");

        Run added = bosun(
                "tasks",
                "add",
                id,
                "--name",
                "compile",
                "--id",
                "c1",
                "--data",
                "{\"target\":\"llvm\"}",
                "--priority",
                "HIGH",
                "--capability",
                "compilation",
                "--capability",
                "llvm");
        assertOk(added);
        assertThat(added.out().strip()).isEqualTo("c1");
        Run other = bosun("tasks", "add", id, "--name", "other", "--json");
        assertOk(other);
        String otherId = other.json().get("task_id").asText();
        assertThat(otherId).startsWith("task_");
        assertThat(other.json().get("priority").asText()).isEqualTo("normal");
        Run completed = bosun(
                "tasks",
                "complete",
                id,
                "c1",
                "--outcome",
                "success",
                "--duration-ms",
                "1200",
                "--result",
                "{\"ok\":true}");
        assertOk(completed);
        assertThat(completed.out().strip()).isEqualTo("c1 success in 1200 ms");
        assertThat(manager.getTask(id, "c1").result().orElseThrow().get("ok").asBoolean())
                .isTrue();

        Run tasks = bosun("tasks", "list", id);
        assertOk(tasks);
        assertThat(tasks.lines()).hasSize(3);
        assertThat(tasks.lines().get(0)).matches("ID +STATUS +NAME +PRIORITY +CAPABILITIES +DURATION +CREATED");
        assertThat(row(tasks, "c1")).startsWith("c1", "success", "compile", "high", "compilation,llvm", "1200", "ms");
        assertThat(row(tasks, otherId)).startsWith(otherId, "running", "other", "normal", "-", "-");
        assertColumnsAligned(tasks.lines());
        Run active = bosun("tasks", "list", id, "--active", "--json");
        assertOk(active);
        assertThat(active.json().get("items")).hasSize(1);
        assertThat(active.json().at("/items/0/task_id").asText()).isEqualTo(otherId);

        Run list = bosun("sessions", "list");
        assertOk(list);
        assertThat(list.lines()).hasSize(2);
        assertThat(list.lines().get(1))
                .contains(id, "running", "oracle1", "2 (1 running)")
                .contains(longName.substring(0, 31) + "…")
                .doesNotContain(longName);
        assertColumnsAligned(list.lines());
        Run listed = bosun("sessions", "list", "--agent", "oracle1", "--status", "running", "--json");
        assertOk(listed);
        assertThat(listed.json().at("/items/0/session_id").asText()).isEqualTo(id);
        assertThat(listed.json().get("has_more").asBoolean()).isFalse();

        // --json is the server's own object, not a re-rendering of it.
        Run shown = bosun("sessions", "show", id, "--json");
        assertOk(shown);
        ObjectNode fromCli = (ObjectNode) shown.json();
        ObjectNode fromServer = (ObjectNode) get("/v1/sessions/" + id).json();
        fromCli.remove("duration_seconds");
        fromServer.remove("duration_seconds");
        assertThat(fromCli).isEqualTo(fromServer);

        Run ended = bosun("sessions", "end", id, "--outcome", "success");
        assertOk(ended);
        assertThat(ended.out().strip()).isEqualTo(id + " ended: success/completed");
        assertThat(manager.get(id).isEnded()).isTrue();

        Run late = bosun("sessions", "send", id, "--type", "input", "--payload", "1");
        assertThat(late.exit()).as(late.toString()).isEqualTo(4);
        assertOneErrorLine(late, "CONFLICT");
    }

    @Test
    void agentsAndRoutingForPeopleAndScripts() {
        start();
        Run registered = bosun("agents", "register", "coder", "--capability", "compilation", "--capability", "llvm");
        assertOk(registered);
        assertThat(registered.out().strip()).isEqualTo("coder");
        Run writer = bosun("agents", "register", "writer", "--capability", "publishing", "--json");
        assertOk(writer);
        assertThat(writer.json().get("agent_id").asText()).isEqualTo("writer");
        assertThat(writer.json().get("capabilities").toString()).isEqualTo("[\"publishing\"]");
        assertThat(manager.fleet().agents("default")).extracting(a -> a.id()).containsExactly("coder", "writer");

        Run list = bosun("agents", "list");
        assertOk(list);
        assertThat(list.lines()).hasSize(3);
        assertThat(list.lines().get(0)).matches("ID +LOAD +CAPABILITIES +REGISTERED +LAST_SEEN");
        assertThat(row(list, "coder")).startsWith("coder", "0", "compilation,llvm");
        assertThat(row(list, "writer")).startsWith("writer", "0", "publishing");
        assertColumnsAligned(list.lines());
        Run listed = bosun("agents", "list", "--json");
        assertOk(listed);
        assertThat(listed.json())
                .as("--json is the server's own object")
                .isEqualTo(get("/v1/agents").json());

        Run routed = bosun("route", "c1", "--capability", "compilation");
        assertOk(routed);
        assertThat(routed.lines().get(0)).isEqualTo("agent          coder");
        assertThat(routed.lines())
                .contains("task           c1", "h1             0 -> 0", "confidence     1.0", "match          1.0");
        assertThat(routed.out()).contains("reasoning      Routed task c1 to coder");
        Run none = bosun("route", "g1", "--capability", "gpu");
        assertThat(none.exit()).as(none.toString()).isEqualTo(4);
        assertOneErrorLine(none, "NO_CAPABLE_AGENT");
        assertThat(none.err()).contains("gpu");
        Run any = bosun("route", "g1", "--capability", "gpu", "--fallback-any", "--prefer", "writer", "--json");
        assertOk(any);
        assertThat(any.json().get("agent_id").asText()).isEqualTo("writer");
        assertThat(any.json().get("capability_match_score").asDouble()).isEqualTo(0.0);

        Run status = bosun("fleet", "status");
        assertOk(status);
        assertThat(status.lines())
                .contains("agents         2", "tasks          2", "edges          2", "emergence      no");
        Run reset = bosun("fleet", "reset", "--json");
        assertOk(reset);
        assertThat(reset.json().get("edges").asInt()).isZero();
        assertThat(manager.fleet().status("default").edges()).isZero();

        Run removed = bosun("agents", "remove", "writer");
        assertOk(removed);
        assertThat(removed.out().strip()).isEqualTo("writer removed");
        Run gone = bosun("agents", "show", "writer");
        assertThat(gone.exit()).as(gone.toString()).isEqualTo(3);
        assertOneErrorLine(gone, "NOT_FOUND");
        Run bad = bosun("agents", "register", "x", "--capability", "ok", "--capability", "has space");
        assertThat(bad.exit()).as(bad.toString()).isEqualTo(2);
        assertOneErrorLine(bad, "INVALID_ARGUMENT");
        assertThat(bad.err()).contains("capabilities[1]");
    }

    @Test
    void tilesAndWebhooksForPeopleAndScripts() throws Exception {
        try (FakePlato plato = new FakePlato();
                WebhookReceiver receiver = new WebhookReceiver()) {
            start(l -> l.set("plato_url", plato.url().toString())
                    .set("webhook_private_targets", true)
                    .set("delivery_backoff_min", "20ms")
                    .set("delivery_backoff_max", "200ms"));
            plato.gateRefuses.add("[SESSION_START] oracle1:gated");

            Run hook = bosun(
                    "webhooks", "create", receiver.url(), "--event", "session_ended", "--event", "task_completed");
            assertThat(hook.exit()).as(hook.toString()).isZero();
            assertThat(hook.err()).contains("shown only now");
            Matcher m = Pattern.compile("(?m)^id +(wh_\\S+)\\s+^secret +(whsec_\\S+)$")
                    .matcher(hook.out());
            assertThat(m.find()).as(hook.out()).isTrue();
            String hookId = m.group(1);
            receiver.secret = m.group(2);
            Run badHook = bosun("webhooks", "create", "ftp://hooks.example.com/x", "--event", "*");
            assertThat(badHook.exit()).as(badHook.toString()).isEqualTo(2);
            assertOneErrorLine(badHook, "INVALID_ARGUMENT");
            assertThat(badHook.err()).contains("url");

            Run created =
                    bosun("sessions", "create", "--name", "gated", "--agent", "oracle1", "--scout-room", "cli-room");
            assertOk(created);
            String id = created.out().strip();
            Run quiet = bosun("sessions", "create", "--name", "quiet", "--agent", "oracle1", "--no-emit-tiles");
            assertOk(quiet);
            assertThat(manager.get(id).scoutRoom()).contains("cli-room");
            assertThat(manager.get(quiet.out().strip()).emitTiles()).contains(false);
            assertOk(bosun("sessions", "end", id, "--outcome", "success"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get("/v1/sessions/" + id + "/tiles")
                                            .json()
                                            .get("items")
                                            .size()
                                    == 2
                            && get("/v1/webhooks/" + hookId + "/deliveries?state=delivered")
                                            .json()
                                            .get("items")
                                            .size()
                                    == 1);

            Run tiles = bosun("tiles", "list", "--session", id);
            assertOk(tiles);
            assertThat(tiles.lines()).hasSize(3);
            assertThat(tiles.lines().get(0))
                    .matches("ID +SESSION +SEQ +KIND +STATE +ATTEMPTS +PLATO_ID/ERROR +CREATED");
            String rejected = get("/v1/tiles?state=rejected")
                    .json()
                    .at("/items/0/tile_id")
                    .asText();
            assertThat(row(tiles, rejected)).startsWith(rejected, id, "1", "session_start", "rejected", "1", "Refused");
            assertColumnsAligned(tiles.lines());
            Run listed = bosun("tiles", "list", "--state", "REJECTED", "--json");
            assertOk(listed);
            var page = (com.fasterxml.jackson.databind.node.ObjectNode)
                    get("/v1/tiles?state=rejected").json();
            page.remove("plato"); // PLATO's health is the server's, not part of the SDK's page of tiles
            assertThat(listed.json()).as("--json is the server's own page").isEqualTo(page);
            Run both = bosun("tiles", "list", "--session", id, "--state", "dead");
            assertThat(both.exit()).as(both.toString()).isEqualTo(2);
            assertOneErrorLine(both, "INVALID_ARGUMENT");
            Run shown = bosun("tiles", "show", rejected);
            assertOk(shown);
            assertThat(shown.lines())
                    .contains("state          rejected", "kind           session_start", "last status    403");
            assertThat(shown.out()).contains("\"domain\":\"cli-room\"");

            plato.gateRefuses.clear();
            Run retried = bosun("tiles", "retry", rejected);
            assertOk(retried);
            assertThat(retried.out().strip()).isIn(rejected + " pending", rejected + " delivered");
            Run again = bosun("tiles", "retry", rejected);
            assertThat(again.exit()).as("no longer rejected: %s", again).isEqualTo(4);
            assertOneErrorLine(again, "CONFLICT");

            Run hooks = bosun("webhooks", "list");
            assertOk(hooks);
            assertThat(hooks.lines().get(0)).matches("ID +EVENTS +URL +CREATED");
            assertThat(row(hooks, hookId)).startsWith(hookId, "session_ended,task_completed", receiver.url());
            assertThat(hooks.out()).doesNotContain(receiver.secret);
            Run hookJson = bosun("webhooks", "show", hookId, "--json");
            assertOk(hookJson);
            assertThat(hookJson.json()).isEqualTo(get("/v1/webhooks/" + hookId).json());
            Run deliveries = bosun("webhooks", "deliveries", hookId);
            assertOk(deliveries);
            assertThat(deliveries.lines().get(0)).matches("ID +SESSION +SEQ +EVENT +STATE +ATTEMPTS +LAST +CREATED");
            assertThat(deliveries.lines()).hasSize(2);
            assertThat(deliveries.lines().get(1).split(" +"))
                    .startsWith(receiver.got().get(0).deliveryId(), id, "2", "session_ended", "delivered", "1", "200");
            Run delivered = bosun("webhooks", "deliveries", hookId, "--state", "delivered", "--json");
            assertOk(delivered);
            assertThat(delivered.json())
                    .isEqualTo(get("/v1/webhooks/" + hookId + "/deliveries?state=delivered")
                            .json());
            Run notRetryable =
                    bosun("webhooks", "retry", hookId, receiver.got().get(0).deliveryId());
            assertThat(notRetryable.exit()).as(notRetryable.toString()).isEqualTo(4);
            assertThat(receiver.got()).allMatch(WebhookReceiver.Got::verified);

            Run deleted = bosun("webhooks", "delete", hookId);
            assertOk(deleted);
            assertThat(deleted.out().strip()).isEqualTo(hookId + " deleted");
            Run gone = bosun("webhooks", "show", hookId);
            assertThat(gone.exit()).as(gone.toString()).isEqualTo(3);
            assertOneErrorLine(gone, "NOT_FOUND");
        }
    }

    @Test
    void followPrintsEventsAsTheyHappenAndExitsWhenTheSessionEnds() throws Exception {
        start();
        String id = createSession("{\"name\":\"followed\",\"agent_id\":\"a\"}");
        Path out = scratch.resolve("follow.out");
        Process follow = startBosun(env(), out, "sessions", "events", id, "--follow", "--json");
        // session_started on the stream means it is connected, so what is sent next really comes afterwards.
        awaitOutput(follow, out, text -> text.contains("\"session_started\""));

        assertOk(bosun("sessions", "send", id, "--type", "ping", "--payload", "{\"n\":1}"));
        awaitOutput(follow, out, text -> text.contains("\"ping\""));
        assertThat(follow.isAlive()).isTrue();

        Run terminated = bosun("sessions", "terminate", id, "--reason", "test done");
        assertOk(terminated);
        assertThat(terminated.out().strip()).isEqualTo(id + " ended: cancelled/terminated");
        assertThat(follow.waitFor(15, TimeUnit.SECONDS))
                .as("follow exits after the session ends")
                .isTrue();
        assertThat(follow.exitValue()).as(Files.readString(out)).isZero();

        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readString(out).lines().toList()) lines.add(Json.parse(l));
        assertThat(lines)
                .extracting(n -> n.get("event_type").asText())
                .containsExactly("session_started", "ping", "session_ended");
        assertThat(lines).extracting(n -> n.get("seq").asLong()).containsExactly(1L, 2L, 3L);
        assertThat(lines.get(1).at("/payload/n").asInt()).isEqualTo(1);
        assertThat(lines.get(1).get("direction").asText()).isEqualTo("in");
    }

    @Test
    void ctrlCStopsFollowingWithExit130() throws Exception {
        start();
        String id = createSession("{\"name\":\"followed\",\"agent_id\":\"a\"}");
        Path out = scratch.resolve("follow.out");
        Process follow = startBosun(env(), out, "sessions", "events", id, "--follow");
        awaitOutput(follow, out, text -> text.contains("1 system session_started"));
        // A process started with SIGINT ignored (as background jobs of a shell without job control are)
        // keeps ignoring it, and the JVM then installs no handler: Ctrl-C cannot be tested there.
        assumeTrue(!ignoresSigint(follow.pid()), "SIGINT is ignored in this environment");
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(follow.pid())).start();
        assertThat(kill.waitFor()).isZero();
        assertThat(follow.waitFor(10, TimeUnit.SECONDS))
                .as("follow stops on SIGINT")
                .isTrue();
        assertThat(follow.exitValue()).isEqualTo(130);
        assertThat(manager.get(id).isEnded())
                .as("Ctrl-C stops following, not the session")
                .isFalse();
    }

    @Test
    void clientOptionsMayComeBeforeOrAfterTheSubcommand() {
        start();
        String url = server.url().toString();
        Map<String, String> noUrl = env();
        noUrl.remove("BOSUN_URL");
        Run created = run(noUrl, null, "--url", url, "sessions", "create", "--name", "order", "--agent", "a");
        assertOk(created);
        String id = created.out().strip();
        Run before = run(noUrl, null, "--url=" + url, "--json", "sessions", "show", id);
        assertOk(before);
        assertThat(before.json().get("session_id").asText()).isEqualTo(id);
        Run after = run(noUrl, null, "sessions", "show", id, "--json", "--url", url);
        assertOk(after);
        assertThat(after.json().get("session_id").asText()).isEqualTo(id);
    }

    @Test
    void serveBannerCarriesTheAuthHeaderWhenKeysAreOnButNeverTheKey() throws Exception {
        String key = "k-" + java.util.UUID.randomUUID();
        try (var cluster = NodeCluster.sqlite(scratch.resolve("banner"))) {
            cluster.env("BOSUN_API_KEYS", "team:" + ApiKeys.sha256(key));
            var node = cluster.start("keyed").get(0);
            String banner = Files.readString(node.log());
            assertThat(banner)
                    .contains("-H \"Authorization: Bearer $BOSUN_API_KEY\"")
                    .doesNotContain(key)
                    .doesNotContain(ApiKeys.sha256(key));
        }
        try (var cluster = NodeCluster.sqlite(scratch.resolve("banner-open"))) {
            String banner = Files.readString(cluster.start("open").get(0).log());
            assertThat(banner).contains("curl -s -X POST").doesNotContain("Authorization");
        }
    }

    @Test
    void versionIsTheOneTheServerReports() throws Exception {
        Run v = bosun("--version");
        assertOk(v);
        assertThat(v.out().strip()).startsWith("bosun " + BuildInfo.version() + " (Java ");
        assertThat(BuildInfo.version()).isNotEqualTo("unknown");
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        List<String> commands = new ArrayList<>();
        collect(Main.commandLine(), List.of(), commands);
        assertThat(commands)
                .contains(
                        "sessions list",
                        "sessions events",
                        "tasks complete",
                        "keys new",
                        "doctor",
                        "agents register",
                        "agents list",
                        "agents show",
                        "agents remove",
                        "route",
                        "fleet status",
                        "fleet reset",
                        "tiles list",
                        "tiles show",
                        "tiles retry",
                        "webhooks create",
                        "webhooks list",
                        "webhooks show",
                        "webhooks delete",
                        "webhooks deliveries",
                        "webhooks retry");
        // A few at a time: each is a JVM start, and there are a score of commands.
        Map<String, Run> helps = new java.util.concurrent.ConcurrentHashMap<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(3)) {
            for (String command : commands) {
                List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
                args.add("--help");
                pool.submit(() -> helps.put(command, bosun(args.toArray(String[]::new))));
            }
        }
        assertThat(helps.keySet()).containsExactlyInAnyOrderElementsOf(commands);
        helps.forEach((command, help) -> {
            assertThat(help.exit()).as("bosun %s --help: %s", command, help).isZero();
            assertThat(help.out())
                    .as("bosun %s --help", command)
                    .startsWith("Usage: bosun")
                    .contains("Examples:");
            assertThat(help.err()).isEmpty();
        });
    }

    @Test
    void exitCodesTellScriptsWhatWentWrong() throws Exception {
        start();
        String id = createSession("{\"name\":\"x\",\"agent_id\":\"a\"}");

        Run missing = bosun("sessions", "show", "sess_nope");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(3);
        assertOneErrorLine(missing, "NOT_FOUND");

        Run badJson = bosun("sessions", "send", id, "--type", "input", "--payload", "{\"text\":");
        assertThat(badJson.exit()).as(badJson.toString()).isEqualTo(2);
        assertOneErrorLine(badJson, "INVALID_ARGUMENT");
        assertThat(badJson.err()).contains("--payload");
        assertThat(manager.get(id).lastSeq()).as("nothing was sent").isEqualTo(1);

        Run unknown = bosun("sessions", "list", "--bogus");
        assertThat(unknown.exit()).as(unknown.toString()).isEqualTo(2);
        assertOneErrorLine(unknown, "INVALID_ARGUMENT");
        assertThat(unknown.err()).contains("--bogus");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed;
        Run down = bosun("sessions", "list", "--url", url);
        assertThat(down.exit()).as(down.toString()).isEqualTo(1);
        assertOneErrorLine(down, "UNAVAILABLE");
        assertThat(down.err()).contains(url);
    }

    @Test
    void apiKeysFromKeysNewAndFromTheEnvironmentAuthenticate() throws Exception {
        Run made = bosun("keys", "new", "--tenant", "cli-team");
        assertOk(made);
        Matcher m = Pattern.compile("(?m)^key: +(\\S+)\\s+^entry: +(\\S+)$").matcher(made.out());
        assertThat(m.find()).as(made.out()).isTrue();
        String newKey = m.group(1);
        String entry = m.group(2);
        assertThat(entry).startsWith("cli-team:").doesNotContain(newKey);
        String teamKey = "bsn_team_a_key";
        start(l -> l.set("api_keys", List.of("team-a:" + ApiKeys.sha256(teamKey), entry)));

        Run none = bosun("sessions", "list");
        assertThat(none.exit()).as(none.toString()).isEqualTo(5);
        assertOneErrorLine(none, "UNAUTHENTICATED");
        Run wrong = bosun("sessions", "list", "--api-key", "bsn_wrong");
        assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(5);

        Run created = bosun("sessions", "create", "--name", "mine", "--agent", "a", "--api-key", newKey);
        assertOk(created);
        String id = created.out().strip();
        assertThat(manager.get(id).tenant()).isEqualTo("cli-team");

        Map<String, String> teamEnv = env();
        teamEnv.put("BOSUN_API_KEY", teamKey);
        Run other = run(teamEnv, null, "sessions", "show", id);
        assertThat(other.exit()).as("another tenant's session: %s", other).isEqualTo(3);
        Run listed = run(teamEnv, null, "sessions", "list", "--json");
        assertOk(listed);
        assertThat(listed.json().get("items")).isEmpty();
    }

    @Test
    void doctorJsonListsItsChecks() throws Exception {
        Path dir = scratch.resolve("doctor-data");
        Run doctor = bosun("doctor", "--data-dir", dir.toString(), "--json");
        assertThat(doctor.exit()).as(doctor.toString()).isZero();
        JsonNode checks = doctor.json();
        assertThat(checks.isArray()).isTrue();
        List<String> names = new ArrayList<>();
        for (JsonNode c : checks) {
            names.add(c.get("check").asText());
            assertThat(c.get("ok").asBoolean()).as(c.toString()).isTrue();
            assertThat(c.get("detail").asText()).isNotBlank();
        }
        assertThat(names)
                .containsExactly(
                        "jdk", "config", "data dir", "store", "runtime process", "runtime bwrap", "runtime docker");
        if (dev.bosun.contract.Requires.ci()) {
            // CI installs bubblewrap and starts dockerd: doctor must see both as usable.
            for (JsonNode c : checks)
                assertThat(c.get("detail").asText()).as(c.toString()).doesNotStartWith("not usable");
        }
        // A doctor looks and leaves no trace: no data dir, no database made for it.
        assertThat(dir).doesNotExist();
        assertThat(checks.get(3).get("detail").asText()).contains("bosun serve");

        // Where a database exists, it is opened and asked.
        dev.bosun.store.sqlite.SqliteStore.open(dir).close();
        Run again = bosun("doctor", "--data-dir", dir.toString(), "--json");
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.json().get(3).get("detail").asText()).contains("opens and answers");
    }

    @Test
    void doctorChecksThePlatoServerWhenTilesAreSent() throws Exception {
        try (var plato = new dev.bosun.contract.FakePlato()) {
            Map<String, String> env = env();
            env.put("BOSUN_PLATO_URL", plato.url().toString());
            Run up = run(
                    env,
                    null,
                    "doctor",
                    "--data-dir",
                    scratch.resolve("doctor-plato").toString(),
                    "--json");
            JsonNode check = find(up.json(), "plato");
            assertThat(check.get("ok").asBoolean()).as(up.toString()).isTrue();
            assertThat(check.get("detail").asText()).contains("answers").contains("/submit");
            plato.stop();
            Run down = run(
                    env,
                    null,
                    "doctor",
                    "--data-dir",
                    scratch.resolve("doctor-plato").toString(),
                    "--json");
            assertThat(down.exit()).as(down.toString()).isEqualTo(8);
            assertThat(find(down.json(), "plato").get("detail").asText()).contains("refused the connection");
        }
    }

    @Test
    void doctorComparesTheRemoteRoutersRegistryWithBosuns() throws Exception {
        Path dir = scratch.resolve("doctor-router");
        try (var store = dev.bosun.store.sqlite.SqliteStore.open(dir)) {
            store.upsertAgent("default", "coder", List.of("compilation"), java.time.Instant.now());
        }
        try (var router = dev.bosun.contract.FleetH1RouterDouble.startEmpty()) {
            Map<String, String> env = env();
            env.put("BOSUN_H1_ROUTER_URL", router.url());
            Run lost = run(env, null, "doctor", "--data-dir", dir.toString(), "--json");
            assertThat(lost.exit()).as(lost.toString()).isEqualTo(8);
            assertThat(find(lost.json(), "router").get("detail").asText())
                    .contains("answers GET /agents (0 agents)")
                    .contains("out of step with Bosun's registry: coder (missing)");
            assertThat(router.agents()).as("doctor changes nothing").isEmpty();
            router.registerDirectly("coder", List.of("compilation"));
            Run ok = run(env, null, "doctor", "--data-dir", dir.toString(), "--json");
            assertThat(find(ok.json(), "router").get("ok").asBoolean())
                    .as(ok.toString())
                    .isTrue();
            assertThat(find(ok.json(), "router").get("detail").asText()).contains("holds every agent Bosun registered");
            router.stop();
            Run down = run(env, null, "doctor", "--data-dir", dir.toString(), "--json");
            assertThat(find(down.json(), "router").get("detail").asText()).contains("connection refused");
        }
    }

    /** Doctor submits nothing, but says when the key, the room or the answer format will not be accepted. */
    @Test
    void doctorSaysWhatTheDeployedPlatoServersWillNotAccept() throws Exception {
        try (var plato = dev.bosun.contract.FakePlato.platoServer("right-key")) {
            Map<String, String> env = env();
            env.put("BOSUN_PLATO_URL", plato.url().toString());
            env.put("BOSUN_PLATO_API_KEY", "wrong-key");
            env.put("BOSUN_ANSWER_FORMAT", "object");
            env.put("BOSUN_PLATO_ROOM_NAMES", "hierarchical");
            env.put("BOSUN_SCOUT_ROOM", "gc/research");
            Run r = run(
                    env,
                    null,
                    "doctor",
                    "--data-dir",
                    scratch.resolve("doctor-compat").toString(),
                    "--json");
            assertThat(r.exit()).as(r.toString()).isEqualTo(8);
            JsonNode key = find(r.json(), "plato");
            assertThat(key.get("ok").asBoolean()).isFalse();
            assertThat(key.get("detail").asText())
                    .contains("refuses plato_api_key")
                    .contains("401")
                    .doesNotContain("wrong-key");
            JsonNode format = find(r.json(), "plato answer format");
            assertThat(format.get("ok").asBoolean()).isFalse();
            assertThat(format.get("detail").asText())
                    .contains("answer_format is object")
                    .contains("use answer_format: string");
            JsonNode room = find(r.json(), "plato scout room");
            assertThat(room.get("ok").asBoolean())
                    .as("chosen on purpose: a warning")
                    .isTrue();
            assertThat(room.get("detail").asText()).startsWith("warning:").contains("gc/research");
            assertThat(plato.requests()).as("doctor submits nothing").isEmpty();

            env.put("BOSUN_PLATO_API_KEY", "right-key");
            env.remove("BOSUN_ANSWER_FORMAT");
            env.remove("BOSUN_PLATO_ROOM_NAMES");
            env.remove("BOSUN_SCOUT_ROOM");
            Run fine = run(
                    env,
                    null,
                    "doctor",
                    "--data-dir",
                    scratch.resolve("doctor-compat").toString(),
                    "--json");
            assertThat(find(fine.json(), "plato").get("ok").asBoolean())
                    .as(fine.toString())
                    .isTrue();
            for (JsonNode c : fine.json()) assertThat(c.get("check").asText()).doesNotStartWith("plato ");
        }
    }

    /** Doctor asks a running server how its relay finds PLATO: a paused one fails with its cause. */
    @Test
    void doctorSaysWhenARunningServerHasPausedPlato() throws Exception {
        try (var plato = dev.bosun.contract.FakePlato.platoServer("right-key")) {
            start(l -> l.set("plato_url", plato.url().toString()).set("plato_api_key", "wrong-key"));
            assertOk(bosun("sessions", "create", "--name", "keyed", "--agent", "oracle1"));
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() ->
                            get("/v1/tiles").json().at("/plato/status").asText().equals("paused"));
            Map<String, String> env = env();
            env.put("BOSUN_PLATO_URL", plato.url().toString());
            env.put("BOSUN_PLATO_API_KEY", "wrong-key");
            Run r = run(
                    env,
                    null,
                    "doctor",
                    "--data-dir",
                    scratch.resolve("doctor-server").toString(),
                    "--json");
            JsonNode delivery = find(r.json(), "plato delivery");
            assertThat(delivery.get("ok").asBoolean()).as(r.toString()).isFalse();
            assertThat(delivery.get("detail").asText())
                    .contains("PLATO is paused")
                    .contains("(auth)")
                    .contains("HTTP 401")
                    .contains("POST /v1/tiles/resume")
                    .doesNotContain("wrong-key");
        }
    }

    private static JsonNode find(JsonNode checks, String name) {
        for (JsonNode c : checks) if (c.get("check").asText().equals(name)) return c;
        throw new AssertionError("no check " + name + " in " + checks);
    }

    // ------------------------------------------------------------------------------ helpers

    private static void collect(CommandLine cmd, List<String> path, List<String> out) {
        out.add(String.join(" ", path));
        for (var e : cmd.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue; // picocli's own "help COMMAND", which has no --help
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            collect(e.getValue(), p, out);
        }
    }

    /** The cells of the table row whose first cell is {@code first}. */
    private static List<String> row(Run table, String first) {
        return table.lines().stream()
                .filter(l -> l.startsWith(first + " "))
                .findFirst()
                .map(l -> List.of(l.split(" +")))
                .orElseThrow(() -> new AssertionError("no row " + first + " in\n" + table.out()));
    }

    /** Every column starts at the same offset on every line: headers above their cells. */
    private static void assertColumnsAligned(List<String> lines) {
        Matcher m = Pattern.compile("\\S+").matcher(lines.get(0));
        List<Integer> starts = new ArrayList<>();
        while (m.find()) starts.add(m.start());
        for (String line : lines.subList(1, lines.size())) {
            for (int start : starts.subList(1, starts.size())) {
                assertThat(line.charAt(start - 1))
                        .as("column at %d in '%s'", start, line)
                        .isEqualTo(' ');
                assertThat(line.charAt(start))
                        .as("column at %d in '%s'", start, line)
                        .isNotEqualTo(' ');
            }
        }
    }

    private static void assertOk(Run r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).as(r.toString()).isEmpty();
    }

    private static void assertOneErrorLine(Run r, String code) {
        assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
        assertThat(r.err())
                .startsWith("bosun: " + code + ": ")
                .doesNotContain("\tat ")
                .doesNotContain("Exception");
        assertThat(r.out()).isEmpty();
    }

    /** The child's environment: the server's URL, and none of the BOSUN_* settings this JVM may have been given. */
    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("BOSUN_"));
        if (server != null) env.put("BOSUN_URL", server.url().toString());
        return env;
    }

    private Run bosun(String... args) {
        return run(env(), null, args);
    }

    private Run bosunWithInput(String stdin, String... args) {
        return run(env(), stdin, args);
    }

    private Run run(Map<String, String> env, String stdin, String... args) {
        try {
            Path out = Files.createTempFile(scratch, "out", ".txt");
            Path err = Files.createTempFile(scratch, "err", ".txt");
            ProcessBuilder pb = command(env, args).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.redirectInput(
                    stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.PIPE);
            Process p = pb.start();
            started.add(p);
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(PROCESS_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bosun " + String.join(" ", args) + " did not finish within " + PROCESS_LIMIT);
            }
            return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Starts the CLI in the background, its stdout and stderr going to {@code out}. */
    private Process startBosun(Map<String, String> env, Path out, String... args) throws IOException {
        Process p = command(env, args)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        started.add(p);
        return p;
    }

    private static ProcessBuilder command(Map<String, String> env, String... args) {
        // C1 only and the serial collector: a short-lived CLI starts faster, and this test starts dozens.
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    private static void awaitOutput(Process p, Path out, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + PROCESS_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(out);
            if (done.test(text)) return;
            if (!p.isAlive())
                throw new AssertionError("exited " + p.exitValue() + " before the expected output:\n" + text);
            Thread.sleep(50);
        }
        throw new AssertionError(
                "expected output did not come within " + PROCESS_LIMIT + ":\n" + Files.readString(out));
    }

    private static boolean ignoresSigint(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("SigIgn:"))
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0;
        }
        return false;
    }
}
