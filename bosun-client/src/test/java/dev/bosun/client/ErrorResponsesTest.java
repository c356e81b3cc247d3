package dev.bosun.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.wire.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    private static BosunClientException from(int status, String body) {
        return ErrorResponses.fromResponse(status, body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }

    @Test
    void usesTheEnvelopeFromTheApiDoc() {
        BosunClientException e = from(
                400,
                "{\"error\": {\"code\": \"INVALID_ARGUMENT\", \"message\": \"idle_timeout_seconds = 10 is out of range; "
                        + "allowed 30..86400\", \"details\": {\"field\": \"idle_timeout_seconds\"}}}");
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.getMessage()).isEqualTo("idle_timeout_seconds = 10 is out of range; allowed 30..86400");
        assertThat(e.details()).isEqualTo(Map.of("field", "idle_timeout_seconds"));
    }

    @Test
    void mapsEveryDocumentedCodeIncludingUnauthenticated() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(from(418, "{\"error\":{\"code\":\"" + c.name() + "\",\"message\":\"m\"}}")
                            .code())
                    .isEqualTo(c);
        }
        assertThat(from(
                                401,
                                "{\"error\":{\"code\":\"UNAUTHENTICATED\",\"message\":\"missing API key\",\"details\":{}}}")
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void keepsNumericAndNestedDetails() {
        BosunClientException e = from(
                413,
                "{\"error\":{\"code\":\"PAYLOAD_TOO_LARGE\",\"message\":\"too big\","
                        + "\"details\":{\"size_bytes\":70000,\"limit_bytes\":65536,\"field\":\"payload\",\"extra\":{\"a\":[1]}}}}");
        assertThat(e.details())
                .containsEntry("size_bytes", 70000)
                .containsEntry("limit_bytes", 65536)
                .containsEntry("field", "payload")
                .containsEntry("extra", Map.of("a", java.util.List.of(1)));
    }

    @Test
    void unknownCodeFromANewerServerIsInternalAndKeptInDetails() {
        BosunClientException e = from(409, "{\"error\":{\"code\":\"SOMETHING_NEW\",\"message\":\"new rule\"}}");
        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo("new rule");
        assertThat(e.details()).containsEntry("server_code", "SOMETHING_NEW");
    }

    @Test
    void tooManyRequestsCarriesRetryAfterSeconds() {
        BosunClientException e = ErrorResponses.fromResponse(
                429,
                "{\"error\":{\"code\":\"LIMIT_REACHED\",\"message\":\"rate limit\",\"details\":{\"limit\":10}}}"
                        .getBytes(StandardCharsets.UTF_8),
                Optional.of(Duration.ofSeconds(7)));
        assertThat(e.code()).isEqualTo(ErrorCode.LIMIT_REACHED);
        assertThat(e.details()).containsEntry("retry_after_seconds", 7L).containsEntry("limit", 10);
    }

    @Test
    void answersWithoutAnEnvelopeAreDescribedByStatus() {
        BosunClientException html = from(502, "<html><body><h1>502 Bad Gateway</h1></body></html>");
        assertThat(html.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(html.getMessage()).isEqualTo("server answered 502 without an error body");
        assertThat(html.details()).containsEntry("http_status", 502);

        assertThat(from(503, "").code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(from(504, "upstream timed out").code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(from(500, "Internal Server Error").code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(from(404, "{\"message\":\"no error object\"}").code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(from(400, "{\"error\":\"a string, not the envelope\"}").code())
                .isEqualTo(ErrorCode.INTERNAL);
        assertThat(from(429, "slow down").code()).isEqualTo(ErrorCode.LIMIT_REACHED);
    }

    @Test
    void noAnswerIsUnavailableNamingTheUrlNotAStackTrace() {
        URI url = URI.create("http://127.0.0.1:9/v1/sessions/sess_1");
        BosunClientException refused =
                ErrorResponses.noResponse("GET", url, new ConnectException(), Duration.ofSeconds(30));
        assertThat(refused.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(refused.getMessage())
                .isEqualTo("Bosun at http://127.0.0.1:9/v1/sessions/sess_1 is unreachable (GET): connection refused");
        assertThat(refused.details()).containsEntry("url", url.toString());

        assertThat(ErrorResponses.noResponse(
                                "POST", url, new HttpTimeoutException("request timed out"), Duration.ofMillis(1500))
                        .getMessage())
                .endsWith("(POST): no answer within 1500ms");
        assertThat(ErrorResponses.noResponse("GET", url, new HttpConnectTimeoutException("x"), Duration.ofSeconds(2))
                        .getMessage())
                .endsWith("(GET): could not connect within 2s");
        assertThat(ErrorResponses.noResponse("GET", url, new IOException("Connection reset"), Duration.ofSeconds(2))
                        .getMessage())
                .endsWith("(GET): IOException: Connection reset")
                .doesNotContain("\tat ");
    }
}
