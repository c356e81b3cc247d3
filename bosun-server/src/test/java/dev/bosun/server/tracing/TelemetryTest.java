package dev.bosun.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.trace.Tracing;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When the OTEL_* variables turn traces on, and that spans then leave over OTLP/HTTP with the JDK's client. */
class TelemetryTest {
    @AfterEach
    void off() {
        Tracing.reset();
    }

    @Test
    void tracesAreOnOnlyWhenAnExporterOrAnOtlpEndpointIsAskedFor() {
        assertThat(Telemetry.wanted(Map.of())).isFalse();
        assertThat(Telemetry.wanted(Map.of("OTEL_SERVICE_NAME", "bosun-eu")))
                .as("naming the service is not asking")
                .isFalse();
        assertThat(Telemetry.wanted(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
        assertThat(Telemetry.wanted(Map.of("OTEL_TRACES_EXPORTER", " none "))).isFalse();
        assertThat(Telemetry.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")))
                .isTrue();
        assertThat(Telemetry.wanted(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces")))
                .isTrue();
        assertThat(Telemetry.wanted(
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "OTEL_TRACES_EXPORTER", "none")))
                .as("an explicit none wins")
                .isFalse();
        assertThat(Telemetry.wanted(
                        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "OTEL_SDK_DISABLED", "true")))
                .isFalse();
        assertThat(Telemetry.start(Map.of())).as("nothing is built when off").isEmpty();
    }

    @Test
    void variablesTheSdkCannotUseAreAClearErrorThatShowsNoHeaderValue() {
        assertThatThrownBy(() -> Telemetry.start(Map.of("OTEL_TRACES_EXPORTER", "carrier-pigeon")))
                .isInstanceOfSatisfying(BosunException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.details()).containsEntry("field", "OTEL_*");
                    assertThat(e.getMessage()).contains("carrier-pigeon");
                });
        assertThat(Telemetry.masked(
                        "bad otel.exporter.otlp.headers: api-key=s3cret",
                        Map.of("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cret")))
                .doesNotContain("s3cret")
                .contains("[REDACTED]");
    }

    @Test
    void theVariablesBecomeAutoconfigureProperties() {
        assertThat(Telemetry.properties(Map.of("OTEL_BSP_SCHEDULE_DELAY", "10", "PATH", "/bin")))
                .isEqualTo(Map.of("otel.bsp.schedule.delay", "10"));
    }

    @Test
    void spansLeaveOverOtlpHttpThroughTheJdkSender() throws IOException {
        try (var collector = new Recorder(ex -> ex.getRequestMethod() + " "
                + ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Content-Type"))) {
            var sdk = Telemetry.start(Map.of(
                            "OTEL_EXPORTER_OTLP_ENDPOINT",
                            collector.url(),
                            "OTEL_EXPORTER_OTLP_PROTOCOL",
                            "http/protobuf"))
                    .orElseThrow();
            try {
                Tracing.start("probe", SpanKind.INTERNAL, Attributes.empty()).end();
                assertThat(sdk.getSdkTracerProvider()
                                .forceFlush()
                                .join(10, TimeUnit.SECONDS)
                                .isSuccess())
                        .isTrue();
                assertThat(collector.got()).contains("POST /v1/traces application/x-protobuf");
            } finally {
                sdk.close();
            }
        }
        assertThatThrownBy(() -> Class.forName("io.opentelemetry.exporter.sender.okhttp.internal.OkHttpHttpSender"))
                .as("OkHttp's sender is excluded")
                .isInstanceOf(ClassNotFoundException.class);
    }
}
