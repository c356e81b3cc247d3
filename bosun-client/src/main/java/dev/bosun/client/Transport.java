package dev.bosun.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.WireJson;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * One HTTP exchange with the server and the retry loop around it. Everything above this class
 * speaks in {@link BosunClientException}s; everything below is java.net.http.
 */
final class Transport implements AutoCloseable {
    private static final String USER_AGENT = "bosun-client/0.1";
    /** The header that makes a POST safe to retry. */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    /** How much of an error answer on the event stream is read to find the envelope. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    /** One attempt failed: the error to report, and what the retry policy needs to know about it. */
    static final class AttemptFailed extends Exception {
        final BosunClientException error;
        final RetryPolicy.Failure failure;

        AttemptFailed(BosunClientException error, RetryPolicy.Failure failure) {
            super(error.getMessage(), null, false, false);
            this.error = error;
            this.failure = failure;
        }
    }

    private final HttpClient http;
    private final String base;
    private final Optional<String> apiKey;
    final Duration timeout;
    final RetryPolicy retry;
    private volatile boolean closed;

    Transport(URI baseUrl, Optional<String> apiKey, Duration timeout, RetryPolicy retry) {
        String b = baseUrl.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.retry = retry;
        // Plain-text HTTP/2 would cost an upgrade attempt per connection for nothing; TLS negotiates h2 via ALPN.
        HttpClient.Version version =
                "https".equalsIgnoreCase(baseUrl.getScheme()) ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1;
        this.http = HttpClient.newBuilder()
                .version(version)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code base + path + ?query}; path segments must already be encoded with {@link #segment}. */
    URI uri(String path, Map<String, String> query) {
        StringBuilder s = new StringBuilder(base).append(path);
        if (!query.isEmpty()) {
            StringJoiner q = new StringJoiner("&", "?", "");
            query.forEach((k, v) -> q.add(encode(k) + "=" + encode(v)));
            s.append(q);
        }
        return URI.create(s.toString());
    }

    /** One path segment, percent-encoded so that an id can never step into another route. */
    static String segment(String value) {
        if (value == null || value.isEmpty()) throw BosunClientException.invalid("id", "an id is required");
        // Dot segments survive percent-encoding and would be resolved away by URL normalisation on the way.
        if (value.equals(".") || value.equals("..")) {
            throw new BosunClientException(ErrorCode.NOT_FOUND, "'" + value + "' is not an id", Map.of("id", value));
        }
        return encode(value);
    }

    /** Seconds as the API's decimal query values take them: {@code 1.5}, {@code 2}, {@code 0.25}. */
    static String decimalSeconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static String encode(String v) {
        StringBuilder out = new StringBuilder();
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static Map<String, String> query(Object... pairs) {
        Map<String, String> q = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            Object v = pairs[i + 1];
            if (v instanceof Optional<?> o) v = o.orElse(null);
            if (v != null) q.put((String) pairs[i], v.toString());
        }
        return q;
    }

    /**
     * Sends one call, retrying it as {@link #retry} allows, and returns the answer when its status
     * passes {@code accept}. {@code extraTimeout} lengthens the wait for a long-poll.
     */
    HttpResponse<byte[]> call(
            String method, URI uri, JsonNode body, boolean idempotent, Duration extraTimeout, IntPredicate accept) {
        // One key per logical call, the same on each retry: the server applies the call once (D79).
        Optional<String> key =
                method.equals("POST") ? Optional.of(UUID.randomUUID().toString()) : Optional.empty();
        int failures = 0;
        while (true) {
            try {
                return attempt(method, uri, body, key, extraTimeout, accept);
            } catch (AttemptFailed f) {
                failures++;
                Optional<Duration> delay = retry.delayBeforeRetry(
                        idempotent,
                        f.failure,
                        failures,
                        ThreadLocalRandom.current().nextDouble());
                if (delay.isEmpty() || closed) throw failures == 1 ? f.error : afterAttempts(f.error, failures);
                sleep(delay.get(), uri);
            }
        }
    }

    private HttpResponse<byte[]> attempt(
            String method,
            URI uri,
            JsonNode body,
            Optional<String> idempotencyKey,
            Duration extraTimeout,
            IntPredicate accept)
            throws AttemptFailed {
        ensureOpen();
        Duration t = timeout.plus(extraTimeout);
        HttpRequest.Builder r = request(uri, t).header("Accept", "application/json");
        idempotencyKey.ifPresent(k -> r.header(IDEMPOTENCY_KEY, k));
        if (body != null) {
            r.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(WireJson.bytes(body)));
        } else {
            r.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AttemptFailed(ErrorResponses.noResponse(method, uri, e, t), RetryPolicy.Failure.noResponse());
        } catch (InterruptedException e) {
            throw interrupted(uri);
        }
        if (accept.test(resp.statusCode())) return resp;
        throw failed(resp.statusCode(), resp.body(), resp.headers().firstValue("Retry-After"));
    }

    /**
     * Opens the event stream: one attempt, no retry (the subscription decides). The caller owns the
     * returned body and must close it.
     */
    InputStream openStream(URI uri, Map<String, String> headers) throws AttemptFailed {
        ensureOpen();
        HttpRequest.Builder r =
                request(uri, timeout).header("Accept", "text/event-stream").GET();
        headers.forEach(r::header);
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new AttemptFailed(
                    ErrorResponses.noResponse("GET", uri, e, timeout), RetryPolicy.Failure.noResponse());
        } catch (InterruptedException e) {
            throw interrupted(uri);
        }
        if (resp.statusCode() == 200) return resp.body();
        byte[] body;
        try (InputStream in = resp.body()) {
            body = in.readNBytes(MAX_ERROR_BODY);
        } catch (IOException e) {
            body = new byte[0];
        }
        throw failed(resp.statusCode(), body, resp.headers().firstValue("Retry-After"));
    }

    private static AttemptFailed failed(int status, byte[] body, Optional<String> retryAfterHeader) {
        Optional<Duration> retryAfter = RetryPolicy.parseRetryAfter(retryAfterHeader, Instant.now());
        return new AttemptFailed(
                ErrorResponses.fromResponse(status, body, retryAfter), RetryPolicy.Failure.status(status, retryAfter));
    }

    private HttpRequest.Builder request(URI uri, Duration t) {
        HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(t).header("User-Agent", USER_AGENT);
        apiKey.ifPresent(k -> r.header("Authorization", "Bearer " + k));
        return r;
    }

    /** Sleeps before a retry; an interrupt ends the call instead of being swallowed. */
    void sleep(Duration d, URI uri) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            throw interrupted(uri);
        }
    }

    private static BosunClientException interrupted(URI uri) {
        Thread.currentThread().interrupt();
        return new BosunClientException(
                ErrorCode.UNAVAILABLE, "interrupted while calling Bosun at " + uri, Map.of("url", uri.toString()));
    }

    static BosunClientException afterAttempts(BosunClientException e, int attempts) {
        return new BosunClientException(
                e.code(), e.getMessage() + " (gave up after " + attempts + " attempts)", e.details(), e.getCause());
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("this BosunClient is closed");
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        // Aborts calls still in flight (a long-poll, an open stream) instead of waiting for them.
        http.shutdownNow();
    }
}
