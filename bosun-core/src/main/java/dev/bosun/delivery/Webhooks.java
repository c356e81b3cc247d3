package dev.bosun.delivery;

import dev.bosun.config.DeliverySettings;
import dev.bosun.error.BosunException;
import dev.bosun.event.SystemEvents;
import dev.bosun.id.Ids;
import dev.bosun.util.Page;
import dev.bosun.util.Validation;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * Webhook subscriptions of tenants, and their deliveries. Every call is scoped to a tenant: another
 * tenant's subscription is NOT_FOUND.
 *
 * <pre>{@code
 * Webhook w = manager.webhooks().create("default", "https://hooks.example.com/bosun",
 *         List.of("session_ended", "task_completed"), Optional.empty());
 * String secret = w.secret(); // shown once: verify deliveries with WebhookSignature.verify
 * }</pre>
 */
public final class Webhooks {
    /** Shortest secret a caller may choose. */
    public static final int MIN_SECRET = 16;

    public static final int MAX_SECRET = 256;
    public static final int MAX_URL = 2048;

    private final DeliveryStore store;
    private final Clock clock;
    private final Ids ids;
    private final DeliverySettings settings;
    private final WebhookTargets targets;
    private final DeliveryRelay relay;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param targets the same guard the deliveries go through
     * @param relay   the relay that sends them, which knows how each subscription's receiver fares
     */
    public Webhooks(
            DeliveryStore store,
            Clock clock,
            Ids ids,
            DeliverySettings settings,
            WebhookTargets targets,
            DeliveryRelay relay) {
        this.store = store;
        this.clock = clock;
        this.ids = ids;
        this.settings = settings;
        this.targets = targets;
        this.relay = relay;
    }

    /**
     * Subscribes {@code url} to the tenant's checkpoint events of {@code events} (or {@code *}). With no
     * secret, one is generated. INVALID_ARGUMENT naming the field for a bad URL, event type or secret;
     * LIMIT_REACHED past {@code max_webhooks}.
     */
    public Webhook create(String tenant, String url, List<String> events, Optional<String> secret) {
        URI uri = url(url);
        List<String> types = events(events);
        String key = secret.map(Webhooks::secret).orElseGet(this::newSecret);
        // Stored to the millisecond, like event times, which it is compared with.
        Webhook w = new Webhook(
                "wh_" + ids.nextUlid(), tenant, uri, types, key, clock.instant().truncatedTo(ChronoUnit.MILLIS));
        return store.addWebhook(w, settings.maxWebhooks());
    }

    public List<Webhook> list(String tenant) {
        return store.listWebhooks(tenant);
    }

    public Webhook get(String tenant, String id) {
        if (!Ids.isSafe(id)) throw BosunException.notFound("webhook", id);
        return store.getWebhook(tenant, id).orElseThrow(() -> BosunException.notFound("webhook", id));
    }

    public void delete(String tenant, String id) {
        if (!Ids.isSafe(id) || !store.deleteWebhook(tenant, id)) throw BosunException.notFound("webhook", id);
    }

    /** A subscription's deliveries, newest first, optionally in one state. */
    public Page<Delivery> deliveries(
            String tenant, String id, Optional<DeliveryState> state, Optional<String> after, int limit) {
        get(tenant, id);
        Validation.within("limit", limit, 1, 1000);
        DeliveryFilter f = DeliveryFilter.of(tenant, DeliveryKind.WEBHOOK).withTarget(id);
        return store.listDeliveries(state.map(f::withState).orElse(f), after, limit);
    }

    /** A subscription with its unfinished deliveries and how its receiver fares as this node sees it. */
    public record TargetState(Webhook webhook, TargetBacklog backlog, TargetHealth health) {}

    /**
     * The tenant's unfinished deliveries: {@code total} counts every one (a deleted subscription's
     * dead letters too), {@code targets} each live subscription, oldest first, with its receiver's health.
     */
    public record Backlogs(TargetBacklog total, List<TargetState> targets) {}

    /** The tenant's exact webhook backlog, in all and per subscription. */
    public Backlogs backlogs(String tenant) {
        var byTarget = new java.util.HashMap<String, TargetBacklog>();
        TargetBacklog total = new TargetBacklog("*", 0, 0, 0);
        for (TargetBacklog b : store.backlog(tenant, DeliveryKind.WEBHOOK)) {
            byTarget.put(b.target(), b);
            total = total.plus(b);
        }
        var targets = new ArrayList<TargetState>();
        for (Webhook w : store.listWebhooks(tenant)) {
            targets.add(new TargetState(
                    w,
                    byTarget.getOrDefault(w.id(), new TargetBacklog(w.id(), 0, 0, 0)),
                    relay.health(DeliveryKind.WEBHOOK, w.id())));
        }
        return new Backlogs(total, targets);
    }

    /** Sends a dead or rejected delivery again. */
    public Delivery retry(String tenant, String deliveryId) {
        Delivery d = store.getDelivery(deliveryId)
                .filter(x -> x.tenant().equals(tenant) && x.kind() == DeliveryKind.WEBHOOK)
                .orElseThrow(() -> BosunException.notFound("delivery", deliveryId));
        return store.retry(d.id(), clock.instant());
    }

    private URI url(String url) {
        String rule = "an absolute http:// or https:// URL without credentials or fragment, at most " + MAX_URL
                + " characters";
        if (url == null || url.isBlank()) throw BosunException.invalid("url", "url is required; allowed " + rule);
        if (url.length() > MAX_URL)
            throw BosunException.invalid("url", "url is " + url.length() + " characters; allowed " + rule);
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw BosunException.invalid("url", "url is not a valid URL (" + e.getReason() + "); allowed " + rule);
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                || u.getHost() == null
                || u.getRawUserInfo() != null
                || u.getRawFragment() != null) {
            throw BosunException.invalid("url", "url is not " + rule);
        }
        if (!targets.allowPrivate()) requirePublic(u);
        return u;
    }

    /**
     * Keeps a tenant from pointing Bosun at the operator's own network (loopback, private, link-local:
     * cloud metadata services live there) unless the operator allows it. A host that does not
     * resolve gets the same answer as one that resolves to a private address, so creating webhooks
     * does not tell a tenant which internal names exist. Checked again before every delivery.
     */
    private void requirePublic(URI u) {
        if (!(targets.check(u) instanceof WebhookTargets.Verdict.Allowed)) {
            throw BosunException.invalid(
                    "url",
                    "url's host '" + u.getHost() + "' does not resolve to a public address; "
                            + "this server allows only public webhook targets, not loopback, private, link-local or other "
                            + "special-purpose addresses (webhook_private_targets=false)");
        }
    }

    private static List<String> events(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw BosunException.invalid(
                    "events", "events is required: a list of event types (" + allowed() + ") or [\"*\"]");
        }
        var out = new LinkedHashSet<String>();
        for (int i = 0; i < events.size(); i++) {
            String e = events.get(i);
            if (!Webhook.ALL.equals(e) && !SystemEvents.CHECKPOINTS.contains(e)) {
                throw BosunException.invalid(
                        "events",
                        "events[" + i + "] = '" + e + "' is not a checkpoint event type; allowed " + allowed()
                                + ", or * for all");
            }
            out.add(e);
        }
        return new ArrayList<>(out);
    }

    private static String allowed() {
        return String.join(", ", SystemEvents.CHECKPOINTS);
    }

    private static String secret(String s) {
        if (s.length() < MIN_SECRET || s.length() > MAX_SECRET || !s.chars().allMatch(c -> c > 32 && c < 127)) {
            throw BosunException.invalid(
                    "secret",
                    "secret must be " + MIN_SECRET + " to " + MAX_SECRET + " visible ASCII characters (no spaces)");
        }
        return s;
    }

    private String newSecret() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return "whsec_" + HexFormat.of().formatHex(b);
    }
}
