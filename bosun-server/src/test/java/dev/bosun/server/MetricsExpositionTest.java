package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.contract.Fixtures;
import dev.bosun.contract.Services;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.store.Store;
import dev.bosun.store.postgres.PgSchemas;
import dev.bosun.store.postgres.PgUrl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /metrics} as Prometheus scrapes it: the process, JVM and Jetty series, HTTP buckets, HELP everywhere, metrics_auth. */
class MetricsExpositionTest extends ServerHarness {
    @Test
    void aScrapeHasJvmProcessJettyAndNodeSeriesWithHelpAndLatencyBuckets() {
        start();
        createSession("{\"name\":\"m\",\"agent_id\":\"a\"}");
        assertThat(get("/healthz").status()).isEqualTo(200);
        Res scrape = get("/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        Exposition e = Exposition.parse(scrape.text());

        assertThat(e.samples())
                .contains(
                        "jvm_memory_used_bytes",
                        "jvm_memory_max_bytes",
                        "jvm_gc_memory_allocated_bytes_total",
                        "jvm_threads_live_threads",
                        "jvm_threads_states_threads",
                        "jvm_classes_loaded_classes",
                        "jvm_info",
                        "process_cpu_usage",
                        "system_cpu_count",
                        "process_files_open_files",
                        "process_uptime_seconds",
                        "jetty_threads_current",
                        "jetty_threads_idle",
                        "bosun_http_connections",
                        "bosun_ready",
                        "bosun_store_ready",
                        "bosun_disk_free_bytes",
                        "bosun_disk_min_free_bytes",
                        "bosun_reaper_alive",
                        "bosun_reaper_sweeps_total",
                        "holodeck_session_active_total");
        assertThat(scrape.text()).contains("bosun_ready 1.0").contains("bosun_reaper_alive 1.0");
        assertThat(scrape.text())
                .containsPattern(
                        "bosun_http_requests_seconds_bucket\\{method=\"POST\",route=\"/v1/sessions\",status=\"201\",le=\"0\\.005\"}")
                .containsPattern(
                        "bosun_http_requests_seconds_bucket\\{method=\"GET\",route=\"/healthz\",status=\"200\",le=\"30\\.0\"} 1");
        for (String family : e.types().keySet()) {
            assertThat(e.help().get(family)).as("HELP of %s", family).isNotBlank();
        }
        assertThat(e.types()).doesNotContainKey("bosun_streams_open_total");
    }

    @Test
    void metricsAuthApiKeyAsksForAKey() {
        String key = "bsn_metrics_scraper_key";
        start(l -> l.set("api_keys", List.of("ops:" + ApiKeys.sha256(key))).set("metrics_auth", "api_key"));
        Res none = call("GET", "/metrics", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.code()).isEqualTo("UNAUTHENTICATED");
        assertThat(call("GET", "/metrics", null, "bsn_wrong").status()).isEqualTo(401);
        Res ok = call("GET", "/metrics", null, key);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.text()).contains("jvm_memory_used_bytes");
    }

    @Test
    void withPostgresThePoolIsMeasured() throws Exception {
        PgUrl base = PgSchemas.testUrl();
        Services.require("PostgreSQL at " + base, PgSchemas.unreachable(base));
        BosunConfig cfg = Fixtures.loader(dataDir)
                .set("port", 0)
                .set("store_url", base.withSchema(PgSchemas.fresh("bosun_mx")).connectionString())
                .load();
        try (Store pg = Stores.open(cfg);
                SessionManager m = SessionManager.builder(cfg).store(pg).build();
                BosunServer s = BosunServer.start(cfg, m)) {
            var r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.url() + "/metrics"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(Exposition.parse(r.body()).samples())
                    .contains(
                            "hikaricp_connections",
                            "hikaricp_connections_active",
                            "hikaricp_connections_idle",
                            "hikaricp_connections_pending",
                            "hikaricp_connections_max");
        }
    }
}
