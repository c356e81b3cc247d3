package dev.bosun.delivery;

import dev.bosun.json.Json;
import dev.bosun.wire.WebhookSignature;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs webhook deliveries, signed (see {@link WebhookSignature}). 2xx is delivered; 410 Gone is
 * final (the receiver says the endpoint is gone for good); anything else is retried.
 *
 * <p>Before every attempt the URL's host is resolved again and checked ({@link WebhookTargets}), and
 * the attempt connects to the addresses checked ({@link PinnedPost}): a host that has come to resolve
 * to a private address since the subscription was made is "refused by policy" and nothing is sent.
 * The delivery record is read by the tenant, so what it says about a private target that could not
 * be reached is one uniform text, whatever the cause: it must not tell an open port from a closed or
 * filtered one (docs/DECISIONS.md D50).
 */
public final class WebhookSender implements Sender {
    /** The delivery record's text when the host resolves to an address the operator does not allow. */
    public static final String REFUSED_BY_POLICY =
            "target refused by policy: the receiver's host resolves to an address "
                    + "this server does not deliver to (webhook_private_targets=false)";
    /** The delivery record's text for a private target that gave no HTTP answer, whatever the cause. */
    public static final String UNREACHABLE = "target unreachable";

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final Function<Delivery, Optional<Webhook>> subscriptions;
    private final Clock clock;
    private final Duration timeout;
    private final WebhookTargets targets;
    private final PinnedPost http;

    /**
     * @param subscriptions the subscription a delivery is for, if it still exists
     * @param targets       resolves and judges each delivery's host
     */
    public WebhookSender(
            Function<Delivery, Optional<Webhook>> subscriptions,
            Clock clock,
            Duration timeout,
            WebhookTargets targets,
            PinnedPost http) {
        this.subscriptions = subscriptions;
        this.clock = clock;
        this.timeout = timeout;
        this.targets = targets;
        this.http = http;
    }

    @Override
    public DeliveryKind kind() {
        return DeliveryKind.WEBHOOK;
    }

    @Override
    public Attempt send(Delivery d) {
        Optional<Webhook> sub = subscriptions.apply(d);
        if (sub.isEmpty()) return new Attempt.Refused(410, "the webhook subscription was deleted");
        Webhook w = sub.get();
        String where =
                w.url().getHost() + (w.url().getPort() > 0 ? ":" + w.url().getPort() : "");
        List<InetAddress> addresses;
        boolean isPrivate;
        switch (targets.check(w.url())) {
            case WebhookTargets.Verdict.Unresolved u -> {
                return new Attempt.Failed(
                        Optional.empty(), "the receiver's host " + w.url().getHost() + " did not resolve");
            }
            case WebhookTargets.Verdict.Refused r -> {
                log.warn(
                        "webhook {} of tenant {}: not sent, its host {} resolves to {}",
                        w.id(),
                        w.tenant(),
                        w.url().getHost(),
                        r.why());
                return new Attempt.Failed(Optional.empty(), REFUSED_BY_POLICY);
            }
            case WebhookTargets.Verdict.Allowed a -> {
                addresses = a.addresses();
                isPrivate = a.privateAddresses();
            }
        }
        byte[] body = Json.write(d.body()).getBytes(StandardCharsets.UTF_8);
        long ts = clock.instant().getEpochSecond();
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "bosun");
        headers.put(WebhookSignature.DELIVERY_HEADER, d.id());
        headers.put(WebhookSignature.EVENT_HEADER, d.eventType());
        headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts));
        headers.put(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(w.secret(), ts, body));
        headers.putAll(dev.bosun.trace.Tracing.headers()); // the attempt's span, when tracing is on
        try {
            int status = http.post(w.url(), addresses, headers, body, timeout);
            if (status >= 200 && status < 300) return new Attempt.Accepted(status, Optional.empty());
            if (status == 410) return new Attempt.Refused(status, "the receiver answered 410 Gone");
            return new Attempt.Failed(Optional.of(status), "the receiver at " + where + " answered HTTP " + status);
        } catch (TimeoutException e) {
            return new Attempt.Failed(
                    Optional.empty(),
                    isPrivate
                            ? UNREACHABLE
                            : "the receiver at " + where + " did not answer within " + timeout.toMillis() + " ms");
        } catch (PinnedPost.Unreachable e) {
            return new Attempt.Failed(
                    Optional.empty(), isPrivate ? UNREACHABLE : "the receiver at " + where + " refused the connection");
        } catch (IOException e) {
            return new Attempt.Failed(
                    Optional.empty(),
                    isPrivate
                            ? UNREACHABLE
                            : "the connection to " + where + " failed: "
                                    + e.getClass().getSimpleName());
        }
    }
}
