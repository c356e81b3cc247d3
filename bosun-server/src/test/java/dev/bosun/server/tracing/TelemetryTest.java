package dev.bosun.server.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(Telemetry.wanted(Map.of("OTEL_SERVICE_NAME", "bosun-eu"))).as("naming the service is not asking").isFalse();
        assertThat(Telemetry.wanted(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
        assertThat(Telemetry.wanted(Map.of("OTEL_TRACES_EXPORTER", " none "))).isFalse();
        assertThat(Telemetry.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
        assertThat(Telemetry.wanted(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"))).isTrue();
        assertThat(Telemetry.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "OTEL_TRACES_EXPORTER", "none")))
                .as("an explicit none wins").isFalse();
        assertThat(Telemetry.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318", "OTEL_SDK_DISABLED", "true")))
                .isFalse();
        assertThat(Telemetry.start(Map.of())).as("nothing is built when off").isEmpty();
    }

    @Test
    void theVariablesBecomeAutoconfigureProperties() {
        assertThat(Telemetry.properties(Map.of("OTEL_BSP_SCHEDULE_DELAY", "10", "PATH", "/bin")))
                .isEqualTo(Map.of("otel.bsp.schedule.delay", "10"));
    }

    @Test
    void spansLeaveOverOtlpHttpThroughTheJdkSender() throws IOException {
        try (var collector = new Recorder(ex -> ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                + ex.getRequestHeaders().getFirst("Content-Type"))) {
            var sdk = Telemetry.start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url(),
                    "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")).orElseThrow();
            try {
                Tracing.start("probe", SpanKind.INTERNAL, Attributes.empty()).end();
                assertThat(sdk.getSdkTracerProvider().forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
                assertThat(collector.got()).contains("POST /v1/traces application/x-protobuf");
            } finally {
                sdk.close();
            }
        }
        assertThatThrownBy(() -> Class.forName("io.opentelemetry.exporter.sender.okhttp.internal.OkHttpHttpSender"))
                .as("OkHttp's sender is excluded").isInstanceOf(ClassNotFoundException.class);
    }
}
