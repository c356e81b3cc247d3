package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.delivery.Webhooks;
import dev.bosun.error.BosunException;
import dev.bosun.id.Ids;
import dev.bosun.tile.Tiles;
import dev.bosun.wire.CreateWebhook;
import dev.bosun.wire.WireFields;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Checkpoint tiles and webhook subscriptions with their deliveries. Everything is the caller's
 * tenant's: another tenant's tile, subscription or delivery is NOT_FOUND and never listed.
 */
final class DeliveryRoutes {
    static final Set<String> WEBHOOK_FIELDS = WireFields.names(CreateWebhook.class);
    private static final int DEFAULT_PAGE = 50;

    private final SessionManager manager;
    private final Tiles tiles;
    private final Webhooks webhooks;

    DeliveryRoutes(SessionManager manager) {
        this.manager = manager;
        this.tiles = manager.tiles();
        this.webhooks = manager.webhooks();
    }

    void register(RouteTable r) {
        r.get("/v1/sessions/{id}/tiles", ctx -> {
            Scope.own(manager, ctx);
            Replies.json(
                    ctx,
                    200,
                    WireMapping.tilePage(
                            tiles.ofSession(
                                    Scope.tenant(ctx),
                                    ctx.pathParam("id"),
                                    Query.string(ctx, "after"),
                                    Query.limit(ctx, DEFAULT_PAGE)),
                            null));
        });
        r.get("/v1/tiles", ctx -> {
            var page = tiles.list(
                    Scope.tenant(ctx), state(ctx), Query.string(ctx, "after"), Query.limit(ctx, DEFAULT_PAGE));
            Replies.json(ctx, 200, WireMapping.tilePage(page, WireMapping.targetHealth(tiles.platoHealth(), null)));
        });
        r.post("/v1/tiles/resume", ctx -> {
            boolean resumed = tiles.resume();
            Replies.json(ctx, 200, WireMapping.targetHealth(tiles.platoHealth(), resumed));
        });
        r.get(
                "/v1/tiles/{id}",
                ctx -> Replies.json(ctx, 200, WireMapping.tile(tiles.get(Scope.tenant(ctx), safe(ctx, "id", "tile")))));
        r.post(
                "/v1/tiles/{id}/retry",
                ctx -> Replies.json(
                        ctx, 200, WireMapping.tile(tiles.retry(Scope.tenant(ctx), safe(ctx, "id", "tile")))));

        r.post("/v1/webhooks", this::createWebhook);
        r.get(
                "/v1/webhooks",
                ctx -> Replies.json(
                        ctx, 200, WireMapping.items(webhooks.list(Scope.tenant(ctx)), WireMapping::webhook)));
        r.get(
                "/v1/webhooks/{id}",
                ctx -> Replies.json(
                        ctx, 200, WireMapping.webhook(webhooks.get(Scope.tenant(ctx), ctx.pathParam("id")))));
        r.delete("/v1/webhooks/{id}", ctx -> {
            webhooks.delete(Scope.tenant(ctx), ctx.pathParam("id"));
            Replies.noContent(ctx);
        });
        r.get("/v1/webhooks/{id}/deliveries", ctx -> {
            // Another tenant's subscription is 404 whatever the query says, as a session is for its tiles.
            Webhook w = webhooks.get(Scope.tenant(ctx), ctx.pathParam("id"));
            Replies.json(
                    ctx,
                    200,
                    WireMapping.page(
                            webhooks.deliveries(
                                    w.tenant(),
                                    w.id(),
                                    state(ctx),
                                    Query.string(ctx, "after"),
                                    Query.limit(ctx, DEFAULT_PAGE)),
                            WireMapping::webhookDelivery));
        });
        r.post("/v1/webhooks/{id}/deliveries/{delivery_id}/retry", this::retryDelivery);
    }

    /** 201 with the secret: the only answer that ever shows it. */
    private void createWebhook(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), WEBHOOK_FIELDS);
        // Read in the order the core checks them, so a body wrong in several ways names the first field.
        String url = b.requiredString("url");
        Webhook w = webhooks.create(Scope.tenant(ctx), url, b.strings("events"), b.string("secret"));
        ctx.header("Location", "/v1/webhooks/" + w.id());
        Replies.json(ctx, 201, WireMapping.webhookCreated(w));
    }

    /**
     * The delivery must be one of this subscription's: the core's retry checks only the tenant, and
     * a delivery reached through another subscription's path is as unknown as another tenant's.
     */
    private void retryDelivery(Context ctx) {
        String tenant = Scope.tenant(ctx);
        Webhook w = webhooks.get(tenant, ctx.pathParam("id"));
        String id = safe(ctx, "delivery_id", "delivery");
        boolean ours = manager.store()
                .deliveries()
                .getDelivery(id)
                .filter(d -> d.kind() == DeliveryKind.WEBHOOK
                        && d.tenant().equals(tenant)
                        && d.target().equals(w.id()))
                .isPresent();
        if (!ours) throw BosunException.notFound("delivery", id);
        Delivery d = webhooks.retry(tenant, id);
        Replies.json(ctx, 200, WireMapping.webhookDelivery(d));
    }

    /** A path id that cannot be an id is NOT_FOUND without a store read, as for sessions. */
    private static String safe(Context ctx, String param, String what) {
        String id = ctx.pathParam(param);
        if (!Ids.isSafe(id)) throw BosunException.notFound(what, id);
        return id;
    }

    /** {@code ?state=}, case-insensitive like the API's other enums. */
    private static Optional<DeliveryState> state(Context ctx) {
        return Query.string(ctx, "state").map(v -> DeliveryState.fromWire("state", v.toLowerCase(Locale.ROOT)));
    }
}
