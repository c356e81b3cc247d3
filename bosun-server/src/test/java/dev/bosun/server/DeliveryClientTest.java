package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bosun.client.BosunClient;
import dev.bosun.client.BosunClientException;
import dev.bosun.contract.FakePlato;
import dev.bosun.delivery.Delivery;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.server.http.WireMapping;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.DeliveryState;
import dev.bosun.wire.ErrorCode;
import dev.bosun.wire.Page;
import dev.bosun.wire.Session;
import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.TaskOutcome;
import dev.bosun.wire.Tile;
import dev.bosun.wire.TileKind;
import dev.bosun.wire.TilePage;
import dev.bosun.wire.Webhook;
import dev.bosun.wire.WebhookCreated;
import dev.bosun.wire.WebhookDelivery;
import dev.bosun.wire.WireJson;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SDK's tile and webhook calls against the real server, delivering to a loopback PLATO and a
 * loopback webhook receiver: typed results equal to the server's own records, and real errors.
 */
class DeliveryClientTest extends ServerHarness {
    static final String KEY = "bsn_delivery_client_key";
    static final String TENANT = "sdk-team";
    static final Duration SETTLE = Duration.ofSeconds(30);

    FakePlato plato;
    WebhookReceiver receiver;
    BosunClient client;

    @BeforeEach
    void up() throws IOException {
        plato = new FakePlato();
        receiver = new WebhookReceiver();
        start(l -> l.set("api_keys", List.of(TENANT + ":" + ApiKeys.sha256(KEY)))
                .set("plato_url", plato.url().toString())
                .set("webhook_private_targets", true)
                .set("delivery_timeout", "2s")
                .set("delivery_backoff_min", "20ms")
                .set("delivery_backoff_max", "200ms"));
        client = BosunClient.builder(server.url())
                .apiKey(KEY)
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    @AfterEach
    void down() {
        if (client != null) client.close();
        receiver.close();
        plato.close();
    }

    /** What the server's own store says, as the server writes it. */
    private static Tile tileOnTheWire(Delivery d) {
        return WireJson.read(WireJson.tree(WireMapping.tile(d)), Tile.class);
    }

    private static WebhookDelivery deliveryOnTheWire(Delivery d) {
        return WireJson.read(WireJson.tree(WireMapping.webhookDelivery(d)), WebhookDelivery.class);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        BosunClientException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void tilesThroughTheSdk() {
        Session s = client.createSession(CreateSession.of("research", "oracle1").withScoutRoom("sdk-room"));
        assertThat(s.scoutRoom()).as("scout_room went over the wire").contains("sdk-room");
        Session quiet =
                client.createSession(CreateSession.of("quiet", "oracle1").withEmitTiles(false));
        assertThat(quiet.emitTiles()).isFalse();
        assertThat(manager.get(quiet.sessionId()).emitTiles()).contains(false);
        client.addTask(s.sessionId(), new AddTask("t1", "compile", null, null, null));
        client.completeTask(s.sessionId(), "t1", CompleteTask.of(TaskOutcome.SUCCESS));
        client.endSession(s.sessionId(), SessionOutcome.SUCCESS, Optional.empty());

        await().atMost(SETTLE).until(() -> {
            List<Tile> items =
                    client.sessionTiles(s.sessionId(), Optional.empty(), 0).items();
            return items.size() == 4 && items.stream().allMatch(d -> d.state() == DeliveryState.DELIVERED);
        });
        TilePage tiles = client.sessionTiles(s.sessionId(), Optional.empty(), 0);
        assertThat(tiles.items())
                .containsExactlyElementsOf(
                        manager.tiles().ofSession(TENANT, s.sessionId(), Optional.empty(), 50).items().stream()
                                .map(DeliveryClientTest::tileOnTheWire)
                                .toList());
        Tile end = tiles.items().get(3);
        assertThat(end.kind()).isEqualTo(TileKind.SESSION_END);
        assertThat(end.tile().domain()).isEqualTo("sdk-room");
        assertThat(end.platoId()).as("the Room Server's tile_hash").matches("[0-9a-f]{16}");
        assertThat(client.tile(end.tileId())).isEqualTo(end);

        TilePage first = client.tiles(Optional.of(DeliveryState.DELIVERED), Optional.empty(), 3);
        assertThat(first.items()).hasSize(3);
        assertThat(first.hasMore()).isTrue();
        TilePage rest = client.tiles(Optional.of(DeliveryState.DELIVERED), Optional.ofNullable(first.nextCursor()), 3);
        assertThat(rest.items()).hasSize(1);
        assertThat(rest.hasMore()).isFalse();
        assertThat(client.tiles(Optional.of(DeliveryState.LOCAL), Optional.empty(), 0)
                        .items())
                .extracting(Tile::sessionId)
                .containsExactly(quiet.sessionId());

        assertCode(() -> client.retryTile(end.tileId()), ErrorCode.CONFLICT);
        assertCode(() -> client.tile("tile_nope"), ErrorCode.NOT_FOUND);
        assertCode(() -> client.sessionTiles("sess_nope", Optional.empty(), 0), ErrorCode.NOT_FOUND);
        assertCode(() -> client.tiles(Optional.empty(), Optional.empty(), 1001), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aRejectedTileIsRetriedThroughTheSdk() {
        plato.gateRefuses.add("[SESSION_START] oracle1:gated");
        Session s = client.createSession(CreateSession.of("gated", "oracle1"));
        await().atMost(SETTLE)
                .until(() -> !client.tiles(Optional.of(DeliveryState.REJECTED), Optional.empty(), 0)
                        .items()
                        .isEmpty());
        Tile rejected = client.tiles(Optional.of(DeliveryState.REJECTED), Optional.empty(), 0)
                .items()
                .get(0);
        assertThat(rejected.sessionId()).isEqualTo(s.sessionId());
        assertThat(rejected.lastStatus()).isEqualTo(403);
        plato.gateRefuses.clear();
        Tile retried = client.retryTile(rejected.tileId());
        assertThat(retried.tileId()).isEqualTo(rejected.tileId());
        assertThat(retried.state()).isIn(DeliveryState.PENDING, DeliveryState.DELIVERED);
        await().atMost(SETTLE).until(() -> client.tile(rejected.tileId()).state() == DeliveryState.DELIVERED);
    }

    @Test
    void webhooksThroughTheSdk() {
        assertCode(
                () -> client.createWebhook("ftp://example.com/x", List.of("*"), Optional.empty()),
                ErrorCode.INVALID_ARGUMENT);
        WebhookCreated made = client.createWebhook(receiver.url(), List.of("*"), Optional.empty());
        receiver.secret = made.secret();
        assertThat(made.secret()).startsWith("whsec_");
        assertThat(made.events()).containsExactly(dev.bosun.wire.CheckpointEventType.ALL);
        assertThat(made.url()).hasToString(receiver.url());
        Webhook read = client.webhook(made.webhookId());
        // Shown once: a read-back has no secret at all.
        assertThat(read).isEqualTo(new Webhook(made.webhookId(), made.url(), made.events(), made.createdAt()));
        assertThat(client.webhooks()).containsExactly(read);
        dev.bosun.delivery.Webhook stored = manager.webhooks().get(TENANT, made.webhookId());
        assertThat(stored.secret()).isEqualTo(made.secret());
        assertThat(stored.createdAt()).isEqualTo(made.createdAt());

        receiver.script.add(410); // the first delivery (session_started) is refused for good
        Session s = client.createSession(CreateSession.of("hooked", "oracle1"));
        client.endSession(s.sessionId(), SessionOutcome.FAILED, Optional.of("boom"));
        await().atMost(SETTLE)
                .until(() ->
                        client
                                        .webhookDeliveries(made.webhookId(), Optional.empty(), Optional.empty(), 0)
                                        .items()
                                        .stream()
                                        .noneMatch(d -> d.state() == DeliveryState.PENDING)
                                && receiver.got().size() == 2);
        Page<WebhookDelivery> deliveries =
                client.webhookDeliveries(made.webhookId(), Optional.empty(), Optional.empty(), 0);
        assertThat(deliveries.items())
                .containsExactlyElementsOf(manager
                        .webhooks()
                        .deliveries(TENANT, made.webhookId(), Optional.empty(), Optional.empty(), 50)
                        .items()
                        .stream()
                        .map(DeliveryClientTest::deliveryOnTheWire)
                        .toList());
        assertThat(deliveries.items())
                .extracting(WebhookDelivery::eventType)
                .containsExactly("session_ended", "session_started");
        assertThat(deliveries.items())
                .extracting(WebhookDelivery::state)
                .containsExactly(DeliveryState.DELIVERED, DeliveryState.REJECTED);
        assertThat(deliveries.items()).allMatch(d -> d.webhookId().equals(made.webhookId()));
        assertThat(deliveries.items().get(0).body().payload().at("/error").asText())
                .isEqualTo("boom");
        WebhookDelivery rejected = client.webhookDeliveries(
                        made.webhookId(), Optional.of(DeliveryState.REJECTED), Optional.empty(), 0)
                .items()
                .get(0);

        WebhookDelivery again = client.retryWebhookDelivery(made.webhookId(), rejected.deliveryId());
        assertThat(again.deliveryId()).isEqualTo(rejected.deliveryId());
        await().atMost(SETTLE)
                .until(() -> client.webhookDeliveries(
                                        made.webhookId(), Optional.of(DeliveryState.DELIVERED), Optional.empty(), 0)
                                .items()
                                .size()
                        == 2);
        assertThat(receiver.got()).hasSize(3).allMatch(WebhookReceiver.Got::verified);
        assertCode(() -> client.retryWebhookDelivery(made.webhookId(), rejected.deliveryId()), ErrorCode.CONFLICT);
        assertCode(() -> client.retryWebhookDelivery(made.webhookId(), "whd_nope"), ErrorCode.NOT_FOUND);

        client.deleteWebhook(made.webhookId());
        assertThat(client.webhooks()).isEmpty();
        assertCode(() -> client.webhook(made.webhookId()), ErrorCode.NOT_FOUND);
        assertCode(() -> client.deleteWebhook(made.webhookId()), ErrorCode.NOT_FOUND);
        assertCode(
                () -> client.webhookDeliveries(made.webhookId(), Optional.empty(), Optional.empty(), 0),
                ErrorCode.NOT_FOUND);
    }
}
