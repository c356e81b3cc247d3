package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The holodeck series, by their exact names, and Bosun's own. */
class MetricsTest extends ServerHarness {

    @Test
    void theHolodeckSeriesCountTheLifecycle() {
        start();
        String id = createSession("{\"name\":\"m\",\"agent_id\":\"a\"}");
        createSession("{\"name\":\"live\",\"agent_id\":\"a\"}");
        post("/v1/sessions/" + id + "/tasks", "{\"name\":\"t\",\"task_id\":\"t\"}");
        post("/v1/sessions/" + id + "/tasks", "{\"name\":\"u\",\"task_id\":\"u\"}");
        post("/v1/sessions/" + id + "/tasks/t/complete", "{\"outcome\":\"success\",\"duration_ms\":1500}");
        post("/v1/sessions/" + id + "/tasks/u/complete", "{\"outcome\":\"failed\",\"duration_ms\":10}");
        post("/v1/sessions/" + id + "/events", "{\"event_type\":\"x\",\"payload\":1}");
        post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            String m = get("/metrics").text();
            assertThat(m).contains("holodeck_session_active_total 1.0");
            assertThat(m).contains("holodeck_session_completed_total{outcome=\"success\"} 1.0");
            assertThat(m).contains("holodeck_session_duration_seconds_count 1");
            assertThat(m).contains("holodeck_task_started_total 2.0");
            assertThat(m).contains("holodeck_task_completed_total{outcome=\"success\"} 1.0");
            assertThat(m).contains("holodeck_task_completed_total{outcome=\"failed\"} 1.0");
            assertThat(m).contains("holodeck_task_duration_seconds_sum{outcome=\"success\"} 1.5");
            assertThat(m).contains("bosun_events_total{direction=\"in\"} 1.0");
            assertThat(m).contains("bosun_store_commit_seconds_count");
            assertThat(m).contains("bosun_streams_open");
            assertThat(m)
                    .containsPattern(
                            "bosun_http_requests_seconds_count\\{method=\"POST\",route=\"/v1/sessions\",status=\"201\"} 2");
        });
    }

    @Test
    void openStreamsIsANumberAfterAGarbageCollection() {
        start();
        // A gauge on a weakly held supplier reads NaN once the collector has run: make sure it has.
        var canary = new java.lang.ref.WeakReference<>(new Object());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            System.gc();
            return canary.get() == null;
        });
        assertThat(get("/metrics").text())
                .containsPattern("(?m)^bosun_streams_open \\d+\\.\\d+$")
                .doesNotContain("bosun_streams_open NaN");
    }

    @Test
    void expiriesAreCountedByReason() {
        start(l -> l.set("idle_timeout", "30s"));
        String id = createSession("{\"name\":\"m\",\"agent_id\":\"a\"}");
        // The background reaper uses the real clock: expire through the store's compare-and-set instead.
        manager.store()
                .endSession(new dev.bosun.store.EndRequest(
                        id,
                        dev.bosun.session.SessionOutcome.TIMEOUT,
                        dev.bosun.session.EndReason.EXPIRED_IDLE,
                        java.util.Optional.empty(),
                        java.util.Optional.empty(),
                        dev.bosun.store.EndRequest.Precondition.NONE,
                        java.time.Instant.now()));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(get("/metrics").text())
                        .contains("bosun_reaper_expirations_total{reason=\"expired_idle\"} 1.0"));
    }

    @Test
    void tileDeliveriesBacklogAndListenersAreCounted() throws Exception {
        try (var plato = new dev.bosun.contract.FakePlato()) {
            plato.gateRefuses.add("[SESSION_START] a:rejected");
            start(l -> l.set("plato_url", plato.url().toString()));
            createSession("{\"name\":\"m\",\"agent_id\":\"a\"}");
            createSession("{\"name\":\"rejected\",\"agent_id\":\"a\"}");
            // Listeners hear the log a moment after each commit: wait until the three starts have been handed
            // out, so that the broken listener added next hears only what comes after it (one event).
            var handedOut = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
            manager.listeners().onEvent(e -> handedOut.add(e.sessionId()));
            String kept = createSession("{\"name\":\"kept\",\"agent_id\":\"a\",\"emit_tiles\":false}");
            // one dispatcher, sessions in commit order: once kept's start is out, the earlier ones are too
            await().atMost(Duration.ofSeconds(10)).until(() -> handedOut.contains(kept));
            manager.listeners().onEvent(e -> {
                throw new IllegalStateException("listener bug");
            });
            createSession("{\"name\":\"heard\",\"agent_id\":\"a\",\"emit_tiles\":false}");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                String m = get("/metrics").text();
                assertThat(m).contains("bosun_deliveries_total{kind=\"tile\",outcome=\"delivered\"} 1.0");
                assertThat(m).contains("bosun_deliveries_total{kind=\"tile\",outcome=\"rejected\"} 1.0");
                assertThat(m).contains("bosun_deliveries_total{kind=\"webhook\",outcome=\"dead\"} 0.0");
                assertThat(m).contains("bosun_delivery_latency_seconds_count{kind=\"tile\"} 1");
                assertThat(m).contains("bosun_delivery_backlog{kind=\"tile\",state=\"pending\"} 0.0");
                assertThat(m).contains("bosun_delivery_backlog{kind=\"tile\",state=\"local\"} 2.0");
                assertThat(m).contains("bosun_listener_calls_total{result=\"failed\"} 1.0");
            });
        }
    }
}
