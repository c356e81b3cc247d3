package dev.bosun.delivery;

import dev.bosun.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * POSTs webhook deliveries, signed (see {@link WebhookSignature}). 2xx is delivered; 410 Gone is
 * final (the receiver says the endpoint is gone for good); anything else is retried.
 */
public final class WebhookSender implements Sender {
    private final Function<Delivery, Optional<Webhook>> subscriptions;
    private final Clock clock;
    private final Duration timeout;
    private final HttpPost http;

    /** @param subscriptions the subscription a delivery is for, if it still exists */
    public WebhookSender(Function<Delivery, Optional<Webhook>> subscriptions, Clock clock, Duration timeout) {
        this.subscriptions = subscriptions;
        this.clock = clock;
        this.timeout = timeout;
        this.http = new HttpPost(timeout);
    }

    @Override
    public DeliveryKind kind() { return DeliveryKind.WEBHOOK; }

    @Override
    public Attempt send(Delivery d) {
        Optional<Webhook> sub = subscriptions.apply(d);
        if (sub.isEmpty()) return new Attempt.Refused(410, "the webhook subscription was deleted");
        Webhook w = sub.get();
        byte[] body = Json.write(d.body()).getBytes(StandardCharsets.UTF_8);
        long ts = clock.instant().getEpochSecond();
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "bosun");
        headers.put(WebhookSignature.DELIVERY_HEADER, d.id());
        headers.put(WebhookSignature.EVENT_HEADER, d.eventType());
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts));
        headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(w.secret(), ts, body));
        String where = w.url().getHost() + (w.url().getPort() > 0 ? ":" + w.url().getPort() : "");
        try {
            HttpPost.Response r = http.post(w.url(), headers, body, timeout);
            int status = r.status();
            if (status >= 200 && status < 300) return new Attempt.Accepted(status, Optional.empty());
            if (status == 410) return new Attempt.Refused(status, "the receiver answered 410 Gone");
            return new Attempt.Failed(Optional.of(status), "the receiver at " + where + " answered HTTP " + status);
        } catch (TimeoutException e) {
            return new Attempt.Failed(Optional.empty(), "the receiver at " + where + " did not answer within "
                    + timeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new Attempt.Failed(Optional.empty(), "the receiver at " + where + " refused the connection");
        } catch (IOException e) {
            return new Attempt.Failed(Optional.empty(), "the connection to " + where + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Attempt.Failed(Optional.empty(), "interrupted while sending");
        }
    }
}
