package dev.bosun.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One POST with a deadline on the whole exchange: connecting, sending, the status line and the
 * first {@link #MAX_BODY} bytes of the answer. {@link HttpRequest#timeout} alone stops at the
 * headers, so a receiver that answers and then stalls its body would hold a sender forever.
 */
public final class HttpPost {
    /** More of an answer than this is never read: receivers' ids and reasons are short. */
    public static final int MAX_BODY = 64 * 1024;

    private static final ScheduledExecutorService CLOSER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bosun-http-deadline");
        t.setDaemon(true);
        return t;
    });

    private final HttpClient client;

    public HttpPost(Duration connectTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // Plain HTTP/1.1 with kept-alive connections: an h2c upgrade offer on every new
                // connection buys nothing from receivers that answer with a small JSON object.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    /** The receiver's status and the start of its answer. */
    public record Response(int status, String body) {}

    /**
     * @throws TimeoutException past the deadline
     * @throws IOException      when the connection is refused, reset or closed early
     */
    public Response post(URI uri, Map<String, String> headers, byte[] body, Duration timeout)
            throws IOException, TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        var b = HttpRequest.newBuilder(uri).timeout(timeout).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        CompletableFuture<HttpResponse<InputStream>> f =
                client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> r;
        try {
            r = f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException t) throw new TimeoutException(t.getMessage());
            if (cause instanceof IOException io) throw io;
            throw new IOException(cause == null ? "request failed" : cause.toString(), cause);
        }
        InputStream in = r.body();
        ScheduledFuture<?> closer = CLOSER.schedule(
                () -> quietlyClose(in), Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try (in) {
            byte[] bytes = in.readNBytes(MAX_BODY);
            return new Response(r.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            if (System.nanoTime() - deadline >= 0)
                throw new TimeoutException("the answer's body did not arrive in time");
            throw e;
        } finally {
            closer.cancel(false);
        }
    }

    private static void quietlyClose(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is how the deadline interrupts the read; nothing else to do
        }
    }
}
