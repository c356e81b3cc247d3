package dev.bosun.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Bosun server, on loopback only, for the failures the real server cannot be made
 * to produce on demand (a dropped stream, a gateway's HTML page, a 503 for exactly one call). Each test
 * scripts one route as a function of how many times it has been called.
 */
final class FakeServer implements AutoCloseable {
    /** What the fake saw, for asserting on retries and resume headers. */
    record Seen(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    /** Answers the {@code n}th call (0-based) to a route. */
    interface Script {
        void answer(int n, HttpExchange ex) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-bosun");
        t.setDaemon(true);
        return t;
    });
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(pool);
        server.start();
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void route(String path, Script script) {
        AtomicInteger calls = new AtomicInteger();
        server.createContext(path, ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(
                    ex.getRequestMethod(),
                    ex.getRequestURI().getPath(),
                    ex.getRequestURI().getRawQuery(),
                    Map.copyOf(ex.getRequestHeaders()),
                    body));
            try {
                script.answer(calls.getAndIncrement(), ex);
            } catch (Exception e) {
                // The client sees a dropped connection; the test sees the failed assertion via its own checks.
                e.printStackTrace();
            } finally {
                ex.close();
            }
        });
    }

    long calls(String method, String path) {
        return seen.stream()
                .filter(s -> s.method().equals(method) && s.path().equals(path))
                .count();
    }

    static void json(HttpExchange ex, int status, String json, String... headers) throws IOException {
        send(ex, status, "application/json", json, headers);
    }

    static void send(HttpExchange ex, int status, String contentType, String body, String... headers)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) ex.getResponseHeaders().set(headers[i], headers[i + 1]);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Starts an event stream; write frames with {@link #frame} and close the exchange to end it. */
    static OutputStream startStream(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** One SSE frame exactly as docs/API.md shows it. */
    static String frame(long seq, String direction, String type) {
        return "id: " + seq + "\nevent: message\ndata: " + eventJson(seq, direction, type) + "\n\n";
    }

    static String eventJson(long seq, String direction, String type) {
        return "{\"seq\":" + seq + ",\"direction\":\"" + direction + "\",\"event_type\":\"" + type
                + "\",\"payload\":{\"n\":" + seq + "},\"created_at\":\"2026-01-01T00:00:00Z\"}";
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
