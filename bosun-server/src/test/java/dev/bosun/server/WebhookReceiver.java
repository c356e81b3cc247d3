package dev.bosun.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.bosun.json.Json;
import dev.bosun.wire.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on loopback, for tests: verifies each request's signature with
 * {@link WebhookSignature#verify} as a real receiver would (401 when it fails), and answers what it
 * is told to in {@link #script}, else 200. Set {@link #secret} from the create answer before any
 * delivery can arrive.
 */
final class WebhookReceiver implements AutoCloseable {
    record Got(
            String deliveryId,
            String event,
            String timestamp,
            String signature,
            byte[] body,
            boolean verified,
            int answered) {
        JsonNode json() {
            return Json.parseTrusted(new String(body, StandardCharsets.UTF_8));
        }
    }

    final HttpServer server;
    final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    private final List<Got> got = new CopyOnWriteArrayList<>();
    volatile String secret;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    List<Got> got() {
        return new ArrayList<>(got);
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        var h = ex.getRequestHeaders();
        String ts = h.getFirst(WebhookSignature.TIMESTAMP_HEADER);
        String sig = h.getFirst(WebhookSignature.SIGNATURE_HEADER);
        boolean ok =
                secret != null && WebhookSignature.verify(secret, ts, sig, body, Instant.now(), Duration.ofMinutes(5));
        Integer scripted = script.poll();
        int status = !ok ? 401 : scripted == null ? 200 : scripted;
        got.add(new Got(
                h.getFirst(WebhookSignature.DELIVERY_HEADER),
                h.getFirst(WebhookSignature.EVENT_HEADER),
                ts,
                sig,
                body,
                ok,
                status));
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
