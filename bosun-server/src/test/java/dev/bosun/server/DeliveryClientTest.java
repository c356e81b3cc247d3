package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bosun.client.BosunClient;
import dev.bosun.client.WireCodec;
import dev.bosun.contract.FakePlato;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.server.auth.ApiKeys;
import dev.bosun.util.Page;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionOutcome;
import dev.bosun.task.Completion;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskSpec;
import dev.bosun.tile.TileMaker;
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
        client = BosunClient.builder(server.url()).apiKey(KEY).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void down() {
        if (client != null) client.close();
        receiver.close();
        plato.close();
    }

    /** What the server's own store says, with the tenant the wire does not carry blanked. */
    private static Delivery asOnTheWire(Delivery d) {
        return new Delivery(d.id(), d.kind(), d.target(), WireCodec.TENANT_NOT_ON_WIRE, d.sessionId(), d.eventSeq(), d.eventType(),
                d.body(), d.state(), d.attempts(), d.lastStatus(), d.lastError(), d.remoteId(), d.nextAttemptAt(), d.eventAt(),
                d.updatedAt(), d.deliveredAt(), Optional.empty());
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(BosunException.class, e -> assertThat(e.code()).isEqualTo(code));
    }

    @Test
    void tilesThroughTheSdk() {
        Session s = client.createSession(SessionConfig.builder("research", "oracle1").scoutRoom("sdk-room").build());
        assertThat(s.scoutRoom()).as("scout_room went over the wire").contains("sdk-room");
        Session quiet = client.createSession(SessionConfig.builder("quiet", "oracle1").emitTiles(false).build());
        assertThat(quiet.emitTiles()).contains(false);
        assertThat(manager.get(quiet.id()).emitTiles()).contains(false);
        client.addTask(s.id(), TaskSpec.builder("compile").id("t1").build());
        client.completeTask(s.id(), "t1", Completion.of(TaskOutcome.SUCCESS));
        client.endSession(s.id(), SessionOutcome.SUCCESS, Optional.empty());

        await().atMost(SETTLE).until(() -> {
            List<Delivery> items = client.sessionTiles(s.id(), Optional.empty(), 0).items();
            return items.size() == 4 && items.stream().allMatch(d -> d.state() == DeliveryState.DELIVERED);
        });
        Page<Delivery> tiles = client.sessionTiles(s.id(), Optional.empty(), 0);
        assertThat(tiles.items()).containsExactlyElementsOf(
                manager.tiles().ofSession(TENANT, s.id(), Optional.empty(), 50).items().stream().map(DeliveryClientTest::asOnTheWire).toList());
        Delivery end = tiles.items().get(3);
        assertThat(end.kind()).isEqualTo(DeliveryKind.TILE);
        assertThat(end.target()).isEqualTo(TileMaker.TARGET);
        assertThat(end.eventType()).isEqualTo("session_ended");
        assertThat(end.body().get("domain").asText()).isEqualTo("sdk-room");
        assertThat(end.remoteId()).as("the Room Server's tile_hash").hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{16}"));
        assertThat(client.tile(end.id())).isEqualTo(end);

        Page<Delivery> first = client.tiles(Optional.of(DeliveryState.DELIVERED), Optional.empty(), 3);
        assertThat(first.items()).hasSize(3);
        assertThat(first.hasMore()).isTrue();
        Page<Delivery> rest = client.tiles(Optional.of(DeliveryState.DELIVERED), first.nextCursor(), 3);
        assertThat(rest.items()).hasSize(1);
        assertThat(rest.hasMore()).isFalse();
        assertThat(client.tiles(Optional.of(DeliveryState.LOCAL), Optional.empty(), 0).items())
                .extracting(Delivery::sessionId).containsExactly(quiet.id());

        assertCode(() -> client.retryTile(end.id()), ErrorCode.CONFLICT);
        assertCode(() -> client.tile("tile_nope"), ErrorCode.NOT_FOUND);
        assertCode(() -> client.sessionTiles("sess_nope", Optional.empty(), 0), ErrorCode.NOT_FOUND);
        assertCode(() -> client.tiles(Optional.empty(), Optional.empty(), 1001), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void aRejectedTileIsRetriedThroughTheSdk() {
        plato.gateRefuses.add("[SESSION_START] oracle1:gated");
        Session s = client.createSession(SessionConfig.builder("gated", "oracle1").build());
        await().atMost(SETTLE).until(() -> !client.tiles(Optional.of(DeliveryState.REJECTED), Optional.empty(), 0).items().isEmpty());
        Delivery rejected = client.tiles(Optional.of(DeliveryState.REJECTED), Optional.empty(), 0).items().get(0);
        assertThat(rejected.sessionId()).isEqualTo(s.id());
        assertThat(rejected.lastStatus()).contains(403);
        plato.gateRefuses.clear();
        Delivery retried = client.retryTile(rejected.id());
        assertThat(retried.id()).isEqualTo(rejected.id());
        assertThat(retried.state()).isIn(DeliveryState.PENDING, DeliveryState.DELIVERED);
        await().atMost(SETTLE).until(() -> client.tile(rejected.id()).state() == DeliveryState.DELIVERED);
    }

    @Test
    void webhooksThroughTheSdk() {
        assertCode(() -> client.createWebhook("ftp://example.com/x", List.of("*"), Optional.empty()), ErrorCode.INVALID_ARGUMENT);
        Webhook made = client.createWebhook(receiver.url(), List.of("*"), Optional.empty());
        receiver.secret = made.secret();
        assertThat(made.secret()).startsWith("whsec_");
        assertThat(made.events()).containsExactly("*");
        assertThat(made.url()).hasToString(receiver.url());
        Webhook read = client.webhook(made.id());
        assertThat(read.secret()).as("shown once").isEqualTo(WireCodec.SECRET_NOT_ON_WIRE);
        assertThat(read).isEqualTo(new Webhook(made.id(), WireCodec.TENANT_NOT_ON_WIRE, made.url(), made.events(),
                WireCodec.SECRET_NOT_ON_WIRE, made.createdAt()));
        assertThat(client.webhooks()).containsExactly(read);
        Webhook stored = manager.webhooks().get(TENANT, made.id());
        assertThat(stored.secret()).isEqualTo(made.secret());
        assertThat(stored.createdAt()).isEqualTo(made.createdAt());

        receiver.script.add(410); // the first delivery (session_started) is refused for good
        Session s = client.createSession(SessionConfig.builder("hooked", "oracle1").build());
        client.endSession(s.id(), SessionOutcome.FAILED, Optional.of("boom"));
        await().atMost(SETTLE).until(() -> client.webhookDeliveries(made.id(), Optional.empty(), Optional.empty(), 0).items()
                .stream().noneMatch(d -> d.state() == DeliveryState.PENDING) && receiver.got().size() == 2);
        Page<Delivery> deliveries = client.webhookDeliveries(made.id(), Optional.empty(), Optional.empty(), 0);
        assertThat(deliveries.items()).containsExactlyElementsOf(manager.webhooks()
                .deliveries(TENANT, made.id(), Optional.empty(), Optional.empty(), 50).items().stream()
                .map(DeliveryClientTest::asOnTheWire).toList());
        assertThat(deliveries.items()).extracting(Delivery::eventType).containsExactly("session_ended", "session_started");
        assertThat(deliveries.items()).extracting(Delivery::state).containsExactly(DeliveryState.DELIVERED, DeliveryState.REJECTED);
        assertThat(deliveries.items()).allMatch(d -> d.kind() == DeliveryKind.WEBHOOK && d.target().equals(made.id()));
        assertThat(deliveries.items().get(0).body().at("/payload/error").asText()).isEqualTo("boom");
        Delivery rejected = client.webhookDeliveries(made.id(), Optional.of(DeliveryState.REJECTED), Optional.empty(), 0).items().get(0);

        Delivery again = client.retryWebhookDelivery(made.id(), rejected.id());
        assertThat(again.id()).isEqualTo(rejected.id());
        await().atMost(SETTLE).until(() -> client.webhookDeliveries(made.id(), Optional.of(DeliveryState.DELIVERED),
                Optional.empty(), 0).items().size() == 2);
        assertThat(receiver.got()).hasSize(3).allMatch(WebhookReceiver.Got::verified);
        assertCode(() -> client.retryWebhookDelivery(made.id(), rejected.id()), ErrorCode.CONFLICT);
        assertCode(() -> client.retryWebhookDelivery(made.id(), "whd_nope"), ErrorCode.NOT_FOUND);

        client.deleteWebhook(made.id());
        assertThat(client.webhooks()).isEmpty();
        assertCode(() -> client.webhook(made.id()), ErrorCode.NOT_FOUND);
        assertCode(() -> client.deleteWebhook(made.id()), ErrorCode.NOT_FOUND);
        assertCode(() -> client.webhookDeliveries(made.id(), Optional.empty(), Optional.empty(), 0), ErrorCode.NOT_FOUND);
    }
}
