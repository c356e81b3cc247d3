package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.Fixtures;
import dev.bosun.server.tracing.Recorder;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Traces through a real server on loopback, with the SDK's in-memory exporter: the span tree of one
 * send → worker → poll under the caller's {@code traceparent}, the worker's {@code TRACEPARENT}, the
 * trace id in the log lines, tile and webhook attempts' CLIENT spans and headers, and a routing decision's span.
 */
class TracesTest extends ServerHarness {
    static final Duration SETTLE = Duration.ofSeconds(30);

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk;

    @BeforeEach
    void traced() {
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        Tracing.install(sdk);
    }

    @AfterEach
    void untraced() {
        Tracing.reset();
        sdk.close();
    }

    /** A caller's own trace: a fresh trace id and span id, sampled. */
    record Caller(String traceId, String spanId) {
        static Caller fresh() {
            var r = ThreadLocalRandom.current();
            return new Caller(
                    TraceId.fromLongs(r.nextLong(1, Long.MAX_VALUE), r.nextLong()),
                    SpanId.fromLong(r.nextLong(1, Long.MAX_VALUE)));
        }

        String header() {
            return "00-" + traceId + "-" + spanId + "-01";
        }
    }

    private Res traced(String method, String path, String body, Caller caller) {
        return call(method, path, body, apiKey, "traceparent", caller.header());
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .toList();
    }

    /** The one span of that name in that trace, awaited: a server span ends just after its answer is sent. */
    private SpanData one(String name, String traceId) {
        await().atMost(SETTLE)
                .untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                        .as("a '%s' span in trace %s", name, traceId)
                        .anyMatch(
                                s -> s.getName().equals(name) && s.getTraceId().equals(traceId)));
        List<SpanData> found =
                named(name).stream().filter(s -> s.getTraceId().equals(traceId)).toList();
        assertThat(found)
                .as("one '%s' span in trace %s among %s", name, traceId, spans.getFinishedSpanItems())
                .hasSize(1);
        return found.get(0);
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }

    private static Long number(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.longKey(key));
    }

    @Test
    void oneSendToTheWorkerAndThePollThatReadsItsAnswerAreOneTrace() {
        // The traced profile writes the TRACEPARENT it was started with to its outbox, then echoes.
        String tp =
                "printf '{\"event_type\":\"tp\",\"payload\":\"%s\"}' \"${TRACEPARENT:-none}\" > \"$BOSUN_OUTBOX/tp.tmp\""
                        + " && mv \"$BOSUN_OUTBOX/tp.tmp\" \"$BOSUN_OUTBOX/00000000000000000001-tp.json\" && exec sh "
                        + Fixtures.echoWorker();
        start(l -> l.set("profiles", Map.of("traced", Fixtures.profile("traced", List.of("sh", "-c", tp), false))));
        try (var logs = new LogCapture()) {
            Caller creator = Caller.fresh();
            Res made = traced(
                    "POST", "/v1/sessions", "{\"name\":\"t\",\"agent_id\":\"a\",\"profile\":\"traced\"}", creator);
            assertThat(made.status()).as(made.text()).isEqualTo(201);
            String id = made.json().get("session_id").asText();

            // The create's server span is a child of the caller's, and the worker start a child of it.
            SpanData create = one("POST /v1/sessions", creator.traceId());
            assertThat(create.getKind()).isEqualTo(SpanKind.SERVER);
            assertThat(create.getParentSpanId()).isEqualTo(creator.spanId());
            assertThat(attr(create, "http.route")).isEqualTo("/v1/sessions");
            assertThat(attr(create, "http.request.method")).isEqualTo("POST");
            assertThat(number(create, "http.response.status_code")).isEqualTo(201L);
            assertThat(attr(create, "bosun.tenant")).isEqualTo("default");
            SpanData workerStart = one("worker start", creator.traceId());
            assertThat(workerStart.getParentSpanId()).isEqualTo(create.getSpanId());
            assertThat(attr(workerStart, "bosun.session.id")).isEqualTo(id);

            // The worker got the start's span in its environment (OTel's env carrier).
            await().atMost(SETTLE)
                    .until(() ->
                            get("/v1/sessions/" + id + "/events?after=0").text().contains("\"tp\""));
            String events = get("/v1/sessions/" + id + "/events?after=0").text();
            assertThat(events)
                    .containsPattern("\"00-" + creator.traceId() + "-" + workerStart.getSpanId() + "-0[0-9a-f]\"");

            // The send: server span → inbox delivery → the outbox ingestion that takes in the echo.
            Caller sender = Caller.fresh();
            Res sent = traced(
                    "POST",
                    "/v1/sessions/" + id + "/events",
                    "{\"event_type\":\"ping\",\"payload\":{\"n\":1}}",
                    sender);
            assertThat(sent.status()).as(sent.text()).isEqualTo(202);
            SpanData send = one("POST /v1/sessions/{id}/events", sender.traceId());
            assertThat(send.getParentSpanId()).isEqualTo(sender.spanId());
            assertThat(attr(send, "http.route"))
                    .as("the template, never the raw path")
                    .isEqualTo("/v1/sessions/{id}/events");
            SpanData inbox = one("inbox delivery", sender.traceId());
            assertThat(inbox.getParentSpanId()).isEqualTo(send.getSpanId());
            assertThat(number(inbox, "bosun.event.seq"))
                    .isEqualTo(sent.json().get("seq").asLong());
            SpanData ingestion = one("outbox ingestion", sender.traceId());
            assertThat(ingestion.getParentSpanId()).isEqualTo(inbox.getSpanId());
            assertThat(ingestion.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(number(ingestion, "bosun.outbox.files")).isPositive();

            // A poll made under the same trace reads the echo and is in that trace.
            Caller poller = new Caller(sender.traceId(), Caller.fresh().spanId());
            Res polled = traced("GET", "/v1/sessions/" + id + "/events?after=0", null, poller);
            assertThat(polled.text()).contains("\"echo\"");
            SpanData poll = one("GET /v1/sessions/{id}/events", sender.traceId());
            assertThat(poll.getParentSpanId()).isEqualTo(poller.spanId());
            assertThat(number(poll, "http.response.status_code")).isEqualTo(200L);

            // A long-poll (answered asynchronously when it has waited) ends its span too, when it answers.
            Caller waiter = new Caller(sender.traceId(), Caller.fresh().spanId());
            long cursor = polled.json().get("next_cursor").asLong();
            var waiting = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> traced("GET", "/v1/sessions/" + id + "/events?after=" + cursor + "&wait=20", null, waiter));
            assertThat(post("/v1/sessions/" + id + "/events", "{\"event_type\":\"pong\",\"payload\":2}")
                            .status())
                    .isEqualTo(202);
            assertThat(waiting.join().status()).isEqualTo(200);
            await().atMost(SETTLE)
                    .untilAsserted(() -> assertThat(named("GET /v1/sessions/{id}/events"))
                            .anyMatch(s -> s.getParentSpanId().equals(waiter.spanId())
                                    && s.getTraceId().equals(sender.traceId())));

            // The send's store write is a span under its request.
            SpanData write = spans.getFinishedSpanItems().stream()
                    .filter(x -> x.getName().equals("store write")
                            && x.getParentSpanId().equals(send.getSpanId()))
                    .findFirst()
                    .orElseThrow(() ->
                            new AssertionError("no store write under the send in " + spans.getFinishedSpanItems()));
            assertThat(write.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(attr(write, "db.system")).isEqualTo("sqlite");

            // Terminating stops the worker under the terminate's trace.
            Caller terminator = Caller.fresh();
            assertThat(traced("POST", "/v1/sessions/" + id + "/terminate", "{}", terminator)
                            .status())
                    .isEqualTo(200);
            SpanData terminate = one("POST /v1/sessions/{id}/terminate", terminator.traceId());
            // Stopped once, before the end commits: the clean-up after it knows (it used to stop it again).
            SpanData stop = one("worker stop", terminator.traceId());
            assertThat(stop.getParentSpanId()).isEqualTo(terminate.getSpanId());
            assertThat(attr(stop, "bosun.session.id")).isEqualTo(id);
            assertThat(attr(stop, "bosun.runtime")).isEqualTo("process");

            // Logs and traces join on trace_id.
            assertThat(logs.json()).contains("\"trace_id\":\"" + sender.traceId() + "\"");
        }
    }

    @Test
    void aRequestWithoutTraceparentStartsItsOwnTraceAndARefusedOneEndsItsSpanToo() {
        start();
        Caller bogus = new Caller("not-a-trace-id", "nope");
        Res health = call("GET", "/healthz", null, null, "traceparent", bogus.header());
        assertThat(health.status()).isEqualTo(200);
        await().atMost(SETTLE).until(() -> !named("GET /healthz").isEmpty());
        SpanData h = named("GET /healthz").get(0);
        assertThat(h.getParentSpanContext().isValid())
                .as("an invalid traceparent is ignored")
                .isFalse();

        Res missing = call("GET", "/v1/nothing-here", null, null);
        assertThat(missing.status()).isEqualTo(404);
        await().atMost(SETTLE)
                .until(() -> spans.getFinishedSpanItems().stream()
                                .filter(x -> x.getKind() == SpanKind.SERVER)
                                .count()
                        >= 2);
        SpanData refused = spans.getFinishedSpanItems().stream()
                .filter(x -> x.getKind() == SpanKind.SERVER)
                .toList()
                .get(1);
        assertThat(refused.getName()).as("never the raw path").isEqualTo("GET unmatched");
        assertThat(number(refused, "http.response.status_code")).isEqualTo(404L);
    }

    @Test
    void aRoutingDecisionHasItsSpanUnderTheRequest() {
        start();
        assertThat(post("/v1/agents", "{\"agent_id\":\"coder\",\"capabilities\":[\"llvm\"]}")
                        .status())
                .isEqualTo(201);
        Caller caller = Caller.fresh();
        Res routed = traced("POST", "/v1/route", "{\"task_id\":\"t1\",\"required_capabilities\":[\"llvm\"]}", caller);
        assertThat(routed.status()).as(routed.text()).isEqualTo(200);
        SpanData route = one("fleet route", caller.traceId());
        assertThat(route.getParentSpanId())
                .isEqualTo(one("POST /v1/route", caller.traceId()).getSpanId());
        assertThat(attr(route, "bosun.agent.id")).isEqualTo("coder");
        assertThat(attr(route, "bosun.task.id")).isEqualTo("t1");
    }

    /** A receiver that notes the {@code traceparent} of each request it gets. */
    private static Recorder traceparents() throws IOException {
        return new Recorder(ex -> Optional.ofNullable(ex.getRequestHeaders().getFirst("traceparent"))
                .orElse("none"));
    }

    /** The attempt span named by the first {@code traceparent} the receiver got, awaited (it ends after the answer). */
    private SpanData firstAttempt(String name, Recorder receiver) {
        await().atMost(SETTLE).untilAsserted(() -> {
            assertThat(receiver.got()).isNotEmpty();
            attemptOf(name, receiver.got().get(0));
        });
        return attemptOf(name, receiver.got().get(0));
    }

    /** The attempt span whose ids {@code header} names. */
    private SpanData attemptOf(String name, String header) {
        assertThat(header).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[0-9a-f]");
        SpanData attempt = named(name).stream()
                .filter(s -> header.startsWith("00-" + s.getTraceId() + "-" + s.getSpanId() + "-"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + name + "' span for " + header + " in " + named(name)));
        assertThat(attempt.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(number(attempt, "http.response.status_code")).isEqualTo(200L);
        assertThat(attr(attempt, "bosun.delivery.outcome")).isEqualTo("accepted");
        assertThat(attr(attempt, "bosun.tenant")).isEqualTo("default");
        return attempt;
    }

    @Test
    void eachTileAttemptIsAClientSpanWhoseTraceparentPlatoGets() throws IOException {
        try (var plato = traceparents()) {
            start(l -> l.set("plato_url", plato.url()).set("delivery_timeout", "2s"));
            String id = createSession("{\"name\":\"p\",\"agent_id\":\"a\",\"profile\":\"echo\"}");
            assertThat(post("/v1/sessions/" + id + "/end", "{\"outcome\":\"success\"}")
                            .status())
                    .isEqualTo(200);
            assertThat(attr(firstAttempt("tile delivery", plato), "bosun.session.id"))
                    .isEqualTo(id);
        }
    }

    @Test
    void eachWebhookAttemptIsAClientSpanWhoseTraceparentTheReceiverGets() throws IOException {
        try (var receiver = traceparents()) {
            start(l -> l.set("webhook_private_targets", true).set("delivery_timeout", "2s"));
            assertThat(post("/v1/webhooks", "{\"url\":\"" + receiver.url() + "/hook\",\"events\":[\"*\"]}")
                            .status())
                    .isEqualTo(201);
            createSession("{\"name\":\"w\",\"agent_id\":\"a\",\"profile\":\"echo\"}");
            assertThat(attr(firstAttempt("webhook delivery", receiver), "bosun.delivery.id"))
                    .startsWith("whd_");
        }
    }
}
