package dev.bosun.config;

import java.time.Duration;

/**
 * How tiles and webhooks are delivered, and how long in-process listeners may take.
 *
 * @param timeout               longest one HTTP delivery may take, connect to last byte
 * @param backoffMin            the first retry's delay (later ones double, with jitter)
 * @param backoffMax            the longest delay between two attempts
 * @param maxAge                a delivery still failing this long after its event is dead-lettered
 * @param concurrency           deliveries in flight at once on this node (one per session and target)
 * @param listenerTimeout       how long a library listener may run before it is abandoned
 * @param webhookPrivateTargets allow webhook URLs on loopback, private or link-local addresses
 * @param maxWebhooks           webhook subscriptions per tenant
 */
public record DeliverySettings(
        Duration timeout,
        Duration backoffMin,
        Duration backoffMax,
        Duration maxAge,
        int concurrency,
        Duration listenerTimeout,
        boolean webhookPrivateTargets,
        int maxWebhooks) {}
