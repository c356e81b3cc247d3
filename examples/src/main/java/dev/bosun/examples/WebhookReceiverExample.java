package dev.bosun.examples;

import com.sun.net.httpserver.HttpServer;
import dev.bosun.wire.WebhookSignature;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A webhook receiver for Bosun's deliveries, with nothing but the JDK and bosun-core: it checks each
 * delivery's signature over the raw body and its timestamp, drops repeats by delivery id (delivery
 * is at least once), and answers 204 so Bosun records it delivered.
 *
 * <pre>
 * java -cp … dev.bosun.examples.WebhookReceiverExample 8099 whsec_…   # the secret from POST /v1/webhooks
 * curl -s -X POST http://127.0.0.1:7700/v1/webhooks -H 'content-type: application/json' \
 *      -d '{"url":"http://127.0.0.1:8099/bosun","events":["*"]}'     # needs webhook_private_targets=true for loopback
 * </pre>
 */
public final class WebhookReceiverExample {
    private WebhookReceiverExample() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: WebhookReceiverExample PORT SECRET");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        String secret = args[1];
        Set<String> seen = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/bosun", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes(); // verify the bytes as received, before parsing
            var h = exchange.getRequestHeaders();
            boolean authentic = WebhookSignature.verify(
                    secret,
                    h.getFirst(WebhookSignature.TIMESTAMP_HEADER),
                    h.getFirst(WebhookSignature.SIGNATURE_HEADER),
                    body,
                    Instant.now(),
                    Duration.ofMinutes(5));
            if (!authentic) {
                System.out.println("refused a delivery with a bad signature or an old timestamp");
                exchange.sendResponseHeaders(401, -1); // Bosun retries it; fix the secret and it goes through
                exchange.close();
                return;
            }
            String id = h.getFirst(WebhookSignature.DELIVERY_HEADER);
            if (seen.add(id)) {
                System.out.printf(
                        "%s %s%n", h.getFirst(WebhookSignature.EVENT_HEADER), new String(body, StandardCharsets.UTF_8));
            } // else: a resend of what was already handled; acknowledge it again
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        System.out.println("receiving Bosun webhooks on http://127.0.0.1:" + port + "/bosun");
    }
}
