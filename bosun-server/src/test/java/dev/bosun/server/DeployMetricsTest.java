package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.contract.Fixtures;
import dev.bosun.contract.Services;
import dev.bosun.json.Json;
import dev.bosun.store.Store;
import dev.bosun.store.postgres.PgSchemas;
import dev.bosun.store.postgres.PgUrl;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/grafana/bosun.json and deploy/prometheus/alerts.yml name only series a running server
 * exports: every metric in a panel's or rule's expression is found in a real scrape after traffic
 * that exercises sessions, tasks, long-polls, routing and deliveries. The rules pass
 * {@code promtool check rules} (Debian's prometheus package; skipped without it, failed with CI=true).
 */
class DeployMetricsTest extends ServerHarness {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    /** Series names are Bosun's, the holodeck's, or those of the binders the server registers. */
    private static final Pattern METRIC =
            Pattern.compile("\\b(?:bosun|holodeck|jvm|process|system|jetty|hikaricp)_[a-z0-9_]+");

    static TreeSet<String> metricsNamedIn(Path file) throws IOException {
        var names = new TreeSet<String>();
        Matcher m = METRIC.matcher(expressions(file));
        while (m.find()) names.add(m.group());
        return names;
    }

    /** The PromQL of the file: the dashboard's target and variable queries, the rules' expr lines. */
    private static String expressions(Path file) throws IOException {
        String text = Files.readString(file);
        if (!file.toString().endsWith(".json")) {
            return String.join(
                    "\n",
                    text.lines()
                            .filter(l -> !l.strip().startsWith("#")
                                    && !l.strip().startsWith("summary:")
                                    && !l.strip().startsWith("description:"))
                            .toList());
        }
        JsonNode d = Json.parseTrusted(text);
        var b = new StringBuilder();
        d.findValues("expr").forEach(e -> b.append(e.asText()).append('\n'));
        for (JsonNode v : d.path("templating").path("list"))
            b.append(v.path("query").asText()).append('\n');
        return b.toString();
    }

    /** Series only a PostgreSQL store exports: its pool and its node lease. */
    private static boolean postgresOnly(String name) {
        return name.startsWith("hikaricp_") || name.equals("bosun_store_lease_lost_total");
    }

    private static List<Path> deployFiles() {
        return List.of(ROOT.resolve("deploy/grafana/bosun.json"), ROOT.resolve("deploy/prometheus/alerts.yml"));
    }

    @Test
    void everyMetricTheDashboardAndAlertsNameIsExported() throws Exception {
        start(l -> l.set("h1_router_enabled", true).set("delivery_backoff_min", "20ms"));
        drive();
        System.gc(); // jvm_gc_pause_seconds exists once a collection has been seen
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var exported = Exposition.parse(get("/metrics").text()).samples();
            for (Path file : deployFiles()) {
                var missing = new TreeSet<>(metricsNamedIn(file));
                missing.removeIf(DeployMetricsTest::postgresOnly); // the next test
                missing.removeAll(exported);
                assertThat(missing)
                        .as("metrics named in %s that the server does not export", ROOT.relativize(file))
                        .isEmpty();
            }
        });
        assertThat(metricsNamedIn(deployFiles().get(0))).hasSizeGreaterThan(30);
    }

    @Test
    void thePoolSeriesTheyNameExistOnPostgres() throws Exception {
        PgUrl base = PgSchemas.testUrl();
        Services.require("PostgreSQL at " + base, PgSchemas.unreachable(base));
        BosunConfig cfg = Fixtures.loader(dataDir)
                .set("port", 0)
                .set("store_url", base.withSchema(PgSchemas.fresh("bosun_dm")).connectionString())
                .load();
        try (Store pg = Stores.open(cfg);
                SessionManager m = SessionManager.builder(cfg).store(pg).build();
                BosunServer s = BosunServer.start(cfg, m)) {
            String text = http.send(
                            HttpRequest.newBuilder(URI.create(s.url() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            var exported = Exposition.parse(text).samples();
            for (Path file : deployFiles()) {
                var missing = new TreeSet<>(metricsNamedIn(file).stream()
                        .filter(DeployMetricsTest::postgresOnly)
                        .toList());
                missing.removeAll(exported);
                assertThat(missing)
                        .as("PostgreSQL metrics named in %s that are not exported", ROOT.relativize(file))
                        .isEmpty();
            }
        }
    }

    @Test
    void theAlertRulesPassPromtool() throws Exception {
        Optional<Path> promtool = Stream.of("/usr/bin/promtool", "/usr/local/bin/promtool")
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
        Services.require(
                "promtool",
                promtool.isPresent()
                        ? Optional.empty()
                        : Optional.of("no promtool (Debian's prometheus package; scripts/test.sh installs it)"));
        Process p = new ProcessBuilder(
                        promtool.get().toString(),
                        "check",
                        "rules",
                        ROOT.resolve("deploy/prometheus/alerts.yml").toString())
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }

    /** Traffic that makes every lazily registered series appear: sessions, tasks, a woken long-poll, routing, an end. */
    private void drive() throws Exception {
        // no worker: nothing but this test appends to the log, so the long-poll below waits for its send
        String id = createSession("{\"name\":\"deploy\",\"agent_id\":\"a\"}");
        // a long-poll that is waiting when the event commits: bosun_wake_seconds
        JsonNode events = get("/v1/sessions/" + id + "/events?after=0").json().get("events");
        long last = events.get(events.size() - 1).get("seq").asLong();
        var poll = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> get("/v1/sessions/" + id + "/events?after=" + last + "&wait=20"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> get("/metrics").text().contains("bosun_streams_open 1.0"));
        Res sent = post("/v1/sessions/" + id + "/events", "{\"event_type\":\"input\",\"payload\":{\"q\":1}}");
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        assertThat(poll.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(post("/v1/sessions/" + id + "/tasks", "{\"name\":\"t\",\"task_id\":\"t\"}")
                        .status())
                .isEqualTo(201);
        assertThat(post("/v1/sessions/" + id + "/tasks/t/complete", "{\"outcome\":\"success\",\"duration_ms\":5}")
                        .status())
                .isEqualTo(200);
        assertThat(post("/v1/agents", "{\"agent_id\":\"r1\",\"capabilities\":[\"x\"]}")
                        .status())
                .isIn(200, 201);
        Res routed = post("/v1/route", "{\"task_id\":\"rt\",\"required_capabilities\":[\"x\"]}");
        assertThat(routed.status()).as(routed.text()).isEqualTo(200);
        assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                        .status())
                .isEqualTo(200);
    }
}
