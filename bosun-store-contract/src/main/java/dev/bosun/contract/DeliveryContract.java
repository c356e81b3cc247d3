package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.delivery.CheckpointBatch;
import dev.bosun.delivery.Consumer;
import dev.bosun.delivery.Delivery;
import dev.bosun.delivery.DeliveryFilter;
import dev.bosun.delivery.DeliveryKind;
import dev.bosun.delivery.DeliveryOutcome;
import dev.bosun.delivery.DeliveryState;
import dev.bosun.delivery.DeliveryStore;
import dev.bosun.delivery.NewDelivery;
import dev.bosun.delivery.TargetBacklog;
import dev.bosun.delivery.Webhook;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Direction;
import dev.bosun.event.Event;
import dev.bosun.event.SystemEvents;
import dev.bosun.json.Json;
import dev.bosun.session.EndReason;
import dev.bosun.session.SessionOutcome;
import dev.bosun.store.EndRequest;
import dev.bosun.store.NewEvent;
import dev.bosun.store.NewSession;
import dev.bosun.store.Store;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DeliveryStore's promises: per-session cursors, lanes in order, leases, outcomes, subscriptions. */
public abstract class DeliveryContract {
    @TempDir
    protected Path dataDir;

    protected Store store;
    protected DeliveryStore ds;
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    private int ids;

    protected abstract StoreFactory factory();

    @BeforeEach
    void open() {
        store = factory().open(dataDir);
        ds = store.deliveries();
    }

    @AfterEach
    void close() {
        if (store != null) store.close();
    }

    private void session(String id, String tenant) {
        store.createSession(
                new NewSession(
                        id,
                        tenant,
                        "research",
                        "oracle1",
                        List.of("t"),
                        Json.object(),
                        Optional.empty(),
                        "node-a",
                        t0,
                        Duration.ofMinutes(1),
                        Duration.ofHours(1),
                        10,
                        Duration.ofMinutes(5),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of("my/room"),
                        Optional.of(false)),
                100);
    }

    private List<NewDelivery> tilesFor(CheckpointBatch b, DeliveryState state) {
        var out = new ArrayList<NewDelivery>();
        for (Event e : b.events()) {
            out.add(new NewDelivery(
                    String.format("tile_%06d", ++ids),
                    DeliveryKind.TILE,
                    "plato",
                    b.tenant(),
                    b.sessionId(),
                    e.seq(),
                    e.type(),
                    Json.object().put("question", e.type()),
                    state,
                    e.createdAt()));
        }
        return out;
    }

    /** Consumes everything behind for TILES, making one pending tile per checkpoint. */
    private int makeTiles() {
        int n = 0;
        for (CheckpointBatch b : ds.checkpointsBehind(Consumer.TILES, 100, 100)) {
            List<NewDelivery> made = tilesFor(b, DeliveryState.PENDING);
            assertThat(ds.consume(Consumer.TILES, b, made, t0)).isTrue();
            n += made.size();
        }
        return n;
    }

    /** Session a1 of acme with five checkpoints (its start and four errors), b1 of bravo with one; a pending tile each. */
    private void twoTenantsWithTiles() {
        session("a1", "acme");
        session("b1", "bravo");
        for (int i = 0; i < 4; i++) {
            store.append(new NewEvent(
                    "a1", Direction.SYSTEM, SystemEvents.ERROR, Json.object(), Optional.empty(), true, t0));
        }
        makeTiles();
    }

    private List<Delivery> claim(int limit) {
        return ds.claimDue(
                DeliveryKind.TILE,
                Optional.empty(),
                Set.of(),
                "node-a",
                t0.plusSeconds(1),
                Duration.ofSeconds(30),
                limit);
    }

    @Test
    void onlyCheckpointEventsAreBehindAndEachConsumerHasItsOwnCursor() {
        session("s1", "default");
        store.append(new NewEvent("s1", Direction.OUT, "chat", Json.object(), Optional.empty(), true, t0));
        store.append(new NewEvent(
                "s1",
                Direction.SYSTEM,
                SystemEvents.ERROR,
                Json.object().put("message", "boom"),
                Optional.empty(),
                true,
                t0));

        List<CheckpointBatch> behind = ds.checkpointsBehind(Consumer.TILES, 10, 10);
        assertThat(behind).hasSize(1);
        CheckpointBatch b = behind.get(0);
        assertThat(b.events())
                .extracting(Event::type)
                .containsExactly(SystemEvents.SESSION_STARTED, SystemEvents.ERROR);
        assertThat(b.cursor()).isZero();
        assertThat(b.lastSeq()).isEqualTo(3);
        assertThat(b.scoutRoom()).contains("my/room");
        assertThat(b.emitTiles()).contains(false);
        assertThat(b.agentId()).isEqualTo("oracle1");
        assertThat(b.tenant()).isEqualTo("default");

        assertThat(ds.consume(Consumer.TILES, b, List.of(), t0)).isTrue();
        assertThat(ds.checkpointsBehind(Consumer.TILES, 10, 10)).isEmpty();
        assertThat(ds.checkpointsBehind(Consumer.WEBHOOKS, 10, 10)).hasSize(1);
        // A second consumer of the same batch (another node, a replay) moves nothing and records nothing.
        assertThat(ds.consume(Consumer.TILES, b, tilesFor(b, DeliveryState.PENDING), t0))
                .isFalse();
        assertThat(ds.listDeliveries(DeliveryFilter.of("default", DeliveryKind.TILE), Optional.empty(), 10)
                        .items())
                .isEmpty();
    }

    @Test
    void aBatchCutShortByItsLimitEndsAtItsLastEventAndTheRestFollows() {
        session("s1", "default");
        for (int i = 0; i < 4; i++) {
            store.append(new NewEvent(
                    "s1", Direction.SYSTEM, SystemEvents.ERROR, Json.object().put("i", i), Optional.empty(), true, t0));
        }
        CheckpointBatch first = ds.checkpointsBehind(Consumer.TILES, 10, 3).get(0);
        assertThat(first.events()).hasSize(3);
        assertThat(first.lastSeq()).isEqualTo(3);
        ds.consume(Consumer.TILES, first, tilesFor(first, DeliveryState.PENDING), t0);
        CheckpointBatch rest = ds.checkpointsBehind(Consumer.TILES, 10, 3).get(0);
        assertThat(rest.events()).extracting(Event::seq).containsExactly(4L, 5L);
    }

    @Test
    void aLaneSendsOneDeliveryAtATimeInSeqOrder() {
        session("s1", "default");
        session("s2", "default");
        store.append(
                new NewEvent("s1", Direction.SYSTEM, SystemEvents.ERROR, Json.object(), Optional.empty(), true, t0));
        assertThat(makeTiles()).isEqualTo(3);

        List<Delivery> heads = claim(10);
        assertThat(heads).extracting(Delivery::sessionId).containsExactlyInAnyOrder("s1", "s2");
        assertThat(heads).allSatisfy(d -> {
            assertThat(d.eventSeq()).isEqualTo(1);
            assertThat(d.attempts()).isEqualTo(1);
        });
        assertThat(claim(10))
                .as("claimed heads are leased; the rest of a lane waits")
                .isEmpty();

        Delivery s1 = heads.stream()
                .filter(d -> d.sessionId().equals("s1"))
                .findFirst()
                .orElseThrow();
        ds.record(List.of(new DeliveryOutcome.Delivered(s1.id(), 200, Optional.of("tile-abc"), t0.plusSeconds(1))));
        List<Delivery> next = claim(10);
        assertThat(next).singleElement().satisfies(d -> {
            assertThat(d.sessionId()).isEqualTo("s1");
            assertThat(d.eventSeq()).isEqualTo(2);
        });
        Delivery done = ds.getDelivery(s1.id()).orElseThrow();
        assertThat(done.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(done.remoteId()).contains("tile-abc");
        assertThat(done.lastStatus()).contains(200);
        assertThat(done.deliveredAt()).isPresent();
        assertThat(done.nextAttemptAt()).isEmpty();
    }

    @Test
    void aRetriedHeadHoldsItsLaneUntilItIsDueAndARejectedOneLetsItMoveOn() {
        session("s1", "default");
        store.append(
                new NewEvent("s1", Direction.SYSTEM, SystemEvents.ERROR, Json.object(), Optional.empty(), true, t0));
        makeTiles();
        Delivery head = claim(10).get(0);
        Instant later = t0.plusSeconds(60);
        ds.record(List.of(new DeliveryOutcome.Retry(
                head.id(), Optional.of(503), "PLATO answered HTTP 503", t0.plusSeconds(1), later)));
        assertThat(claim(10))
                .as("not due before its retry time, and nothing behind it goes first")
                .isEmpty();
        Delivery retried = ds.getDelivery(head.id()).orElseThrow();
        assertThat(retried.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(retried.lastError()).contains("PLATO answered HTTP 503");
        assertThat(retried.nextAttemptAt()).contains(later);
        assertThat(ds.nextDue(DeliveryKind.TILE, Set.of())).contains(later);

        List<Delivery> again =
                ds.claimDue(DeliveryKind.TILE, Optional.empty(), Set.of(), "node-a", later, Duration.ofSeconds(30), 10);
        assertThat(again).singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(head.id());
            assertThat(d.attempts()).isEqualTo(2);
        });
        ds.record(List.of(new DeliveryOutcome.Rejected(head.id(), 403, "duplicate", later)));
        Delivery rejected = ds.getDelivery(head.id()).orElseThrow();
        assertThat(rejected.state()).isEqualTo(DeliveryState.REJECTED);
        assertThat(rejected.lastError()).contains("duplicate");
        assertThat(ds.claimDue(
                        DeliveryKind.TILE, Optional.empty(), Set.of(), "node-a", later, Duration.ofSeconds(30), 10))
                .singleElement()
                .extracting(Delivery::eventSeq)
                .isEqualTo(2L);
    }

    @Test
    void aLeaseThatRunsOutMakesTheDeliveryDueAgainAndReleasingClaimsMakesItDueAtOnce() {
        session("s1", "default");
        makeTiles();
        Delivery head = claim(10).get(0);
        Instant afterLease = t0.plusSeconds(32);
        assertThat(ds.claimDue(
                        DeliveryKind.TILE,
                        Optional.empty(),
                        Set.of(),
                        "node-b",
                        afterLease,
                        Duration.ofSeconds(30),
                        10))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.id()).isEqualTo(head.id());
                    assertThat(d.attempts()).isEqualTo(2);
                });
        assertThat(ds.releaseClaims("node-b", afterLease)).isEqualTo(1);
        assertThat(ds.releaseClaims("node-b", afterLease)).isZero();
        assertThat(ds.claimDue(
                        DeliveryKind.TILE,
                        Optional.empty(),
                        Set.of(),
                        "node-a",
                        afterLease,
                        Duration.ofSeconds(30),
                        10))
                .hasSize(1);
    }

    @Test
    void recordingAnOutcomeThatMovesTheLaneOnClaimsItsNextDeliveryAndOnlyThatOne() {
        session("s1", "default");
        for (int i = 0; i < 3; i++) {
            store.append(new NewEvent(
                    "s1", Direction.SYSTEM, SystemEvents.ERROR, Json.object(), Optional.empty(), true, t0));
        }
        makeTiles();
        Delivery head = claim(10).get(0);
        Instant at = t0.plusSeconds(2);
        Delivery second = ds.recordAndClaimNext(
                        new DeliveryOutcome.Delivered(head.id(), 200, Optional.of("h1"), at),
                        "node-a",
                        at,
                        Duration.ofSeconds(30))
                .orElseThrow();
        assertThat(second.eventSeq()).isEqualTo(2);
        assertThat(second.attempts()).as("claimed to be sent now: one send").isEqualTo(1);
        assertThat(ds.getDelivery(head.id()).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(ds.getDelivery(second.id()).orElseThrow().readyAt())
                .as("its age starts when it heads the lane")
                .contains(at);
        assertThat(claim(10)).as("the new head is leased to its sender").isEmpty();
        // Nothing further of the lane is claimed: a crash now leaves only the second in flight.
        assertThat(ds.listDeliveries(
                                DeliveryFilter.of("default", DeliveryKind.TILE).withSession("s1"), Optional.empty(), 10)
                        .items())
                .filteredOn(d -> d.eventSeq() > 2)
                .allSatisfy(d -> {
                    assertThat(d.attempts()).isZero();
                    assertThat(d.nextAttemptAt()).isEmpty();
                    assertThat(d.readyAt()).isEmpty();
                });

        // A retry does not move the lane on: nothing is claimed, the failed one stays its head.
        Instant later = at.plusSeconds(1);
        assertThat(ds.recordAndClaimNext(
                        new DeliveryOutcome.Retry(second.id(), Optional.of(503), "busy", later, later.plusSeconds(60)),
                        "node-a",
                        later,
                        Duration.ofSeconds(30)))
                .isEmpty();
        assertThat(ds.getDelivery(second.id()).orElseThrow().nextAttemptAt()).contains(later.plusSeconds(60));
        assertThat(ds.nextDue(DeliveryKind.TILE, Set.of())).contains(later.plusSeconds(60));
        assertThat(ds.nextDue(DeliveryKind.TILE, Set.of("plato")))
                .as("a held target's heads do not count")
                .isEmpty();

        // A delivered outcome's note is kept (a duplicate answer to a resend).
        Delivery again = ds.claimDue(
                        DeliveryKind.TILE,
                        Optional.empty(),
                        Set.of(),
                        "node-a",
                        later.plusSeconds(60),
                        Duration.ofSeconds(30),
                        10)
                .get(0);
        assertThat(again.attempts()).isEqualTo(2);
        Delivery third = ds.recordAndClaimNext(
                        new DeliveryOutcome.Delivered(
                                again.id(),
                                403,
                                Optional.of("abc"),
                                Optional.of("PLATO already had this tile"),
                                later.plusSeconds(61)),
                        "node-a",
                        later.plusSeconds(61),
                        Duration.ofSeconds(30))
                .orElseThrow();
        assertThat(ds.getDelivery(again.id()).orElseThrow().lastError()).contains("PLATO already had this tile");
        assertThat(ds.getDelivery(again.id()).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(third.eventSeq()).isEqualTo(3);
    }

    @Test
    void releasingClaimsMakesTheOneInFlightDueAgainWithItsAttemptCounted() {
        session("s1", "default");
        store.append(
                new NewEvent("s1", Direction.SYSTEM, SystemEvents.ERROR, Json.object(), Optional.empty(), true, t0));
        makeTiles();
        Delivery head = claim(10).get(0);
        assertThat(ds.releaseClaims("node-a", t0.plusSeconds(3))).isEqualTo(1);
        List<Delivery> due = ds.claimDue(
                DeliveryKind.TILE, Optional.empty(), Set.of(), "node-b", t0.plusSeconds(3), Duration.ofSeconds(30), 10);
        assertThat(due).as("one head per lane, still").singleElement().satisfies(d -> {
            assertThat(d.id()).isEqualTo(head.id());
            assertThat(d.attempts())
                    .as("the send cut short by the crash counts: a duplicate answer is then a delivery")
                    .isEqualTo(2);
        });
    }

    @Test
    void aRetryByHandGivesTheDeliveryAFreshAge() {
        session("s1", "default");
        makeTiles();
        Delivery head = claim(1).get(0);
        assertThat(head.readyAt()).contains(t0);
        ds.record(List.of(new DeliveryOutcome.Dead(head.id(), Optional.empty(), "gave up", t0.plusSeconds(5))));
        Delivery back = ds.retry(head.id(), t0.plusSeconds(10));
        assertThat(back.readyAt()).contains(t0.plusSeconds(10));
    }

    @Test
    void claimsCanSkipOrSingleOutTargets() {
        session("s1", "default");
        makeTiles();
        assertThat(ds.claimDue(
                        DeliveryKind.TILE,
                        Optional.empty(),
                        Set.of("plato"),
                        "n",
                        t0.plusSeconds(1),
                        Duration.ofSeconds(5),
                        10))
                .isEmpty();
        assertThat(ds.claimDue(
                        DeliveryKind.WEBHOOK,
                        Optional.empty(),
                        Set.of(),
                        "n",
                        t0.plusSeconds(1),
                        Duration.ofSeconds(5),
                        10))
                .isEmpty();
        assertThat(ds.claimDue(
                        DeliveryKind.TILE,
                        Optional.of("elsewhere"),
                        Set.of(),
                        "n",
                        t0.plusSeconds(1),
                        Duration.ofSeconds(5),
                        10))
                .isEmpty();
        assertThat(ds.claimDue(
                        DeliveryKind.TILE,
                        Optional.of("plato"),
                        Set.of(),
                        "n",
                        t0.plusSeconds(1),
                        Duration.ofSeconds(5),
                        10))
                .hasSize(1);
    }

    @Test
    void wakingATargetMakesItsBackedOffHeadsDueButLeavesClaimedOnesAlone() {
        session("s1", "default");
        session("s2", "default");
        makeTiles();
        List<Delivery> heads = claim(10);
        ds.record(List.of(new DeliveryOutcome.Retry(
                heads.get(0).id(), Optional.empty(), "refused", t0.plusSeconds(1), t0.plusSeconds(3600))));
        Instant now = t0.plusSeconds(2);
        assertThat(ds.wakeTarget(DeliveryKind.TILE, "plato", now)).isEqualTo(1);
        assertThat(ds.claimDue(
                        DeliveryKind.TILE, Optional.empty(), Set.of(), "node-a", now, Duration.ofSeconds(30), 10))
                .singleElement()
                .extracting(Delivery::id)
                .isEqualTo(heads.get(0).id());
    }

    @Test
    void deadAndRejectedDeliveriesCanBeRetriedOthersCannot() {
        session("s1", "default");
        makeTiles();
        Delivery head = claim(1).get(0);
        assertThatThrownBy(() -> ds.retry(head.id(), t0))
                .isInstanceOf(BosunException.class)
                .extracting(e -> ((BosunException) e).code())
                .isEqualTo(ErrorCode.CONFLICT);
        ds.record(List.of(new DeliveryOutcome.Dead(head.id(), Optional.empty(), "gave up", t0.plusSeconds(5))));
        assertThat(ds.getDelivery(head.id()).orElseThrow().state()).isEqualTo(DeliveryState.DEAD);
        assertThat(ds.listDeliveries(
                                DeliveryFilter.of("default", DeliveryKind.TILE).withState(DeliveryState.DEAD),
                                Optional.empty(),
                                10)
                        .items())
                .extracting(Delivery::id)
                .containsExactly(head.id());

        Delivery back = ds.retry(head.id(), t0.plusSeconds(10));
        assertThat(back.state()).isEqualTo(DeliveryState.PENDING);
        assertThat(back.attempts()).isZero();
        assertThat(back.lastError()).isEmpty();
        assertThat(back.nextAttemptAt()).contains(t0.plusSeconds(10));
        assertThatThrownBy(() -> ds.retry("tile_nope", t0))
                .isInstanceOf(BosunException.class)
                .extracting(e -> ((BosunException) e).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void backlogsCountATenantsUnfinishedDeliveriesPerTarget() {
        twoTenantsWithTiles();
        List<Delivery> heads = claim(10);
        assertThat(heads).extracting(Delivery::sessionId).containsExactlyInAnyOrder("a1", "b1");
        for (Delivery d : heads) {
            ds.record(List.of(
                    d.sessionId().equals("a1")
                            ? new DeliveryOutcome.Dead(d.id(), Optional.empty(), "gave up", t0.plusSeconds(5))
                            : new DeliveryOutcome.Rejected(d.id(), 400, "refused", t0.plusSeconds(5))));
        }
        assertThat(ds.backlog("acme", DeliveryKind.TILE)).containsExactly(new TargetBacklog("plato", 4, 0, 1));
        assertThat(ds.backlog("bravo", DeliveryKind.TILE)).containsExactly(new TargetBacklog("plato", 0, 1, 0));
        assertThat(ds.backlog("acme", DeliveryKind.WEBHOOK)).isEmpty();
        assertThat(ds.backlog("nobody", DeliveryKind.TILE)).isEmpty();
    }

    @Test
    void localDeliveriesAreKeptButNeverDue() {
        session("s1", "default");
        CheckpointBatch b = ds.checkpointsBehind(Consumer.TILES, 10, 10).get(0);
        ds.consume(Consumer.TILES, b, tilesFor(b, DeliveryState.LOCAL), t0);
        assertThat(claim(10)).isEmpty();
        assertThat(ds.nextDue(DeliveryKind.TILE, Set.of())).isEmpty();
        assertThat(ds.listDeliveries(
                                DeliveryFilter.of("default", DeliveryKind.TILE).withSession("s1"), Optional.empty(), 10)
                        .items())
                .singleElement()
                .extracting(Delivery::state)
                .isEqualTo(DeliveryState.LOCAL);
        assertThat(ds.countByState(DeliveryKind.TILE))
                .containsEntry(DeliveryState.LOCAL, 1L)
                .containsEntry(DeliveryState.PENDING, 0L);
    }

    @Test
    void listingsAreScopedToATenantAndPage() {
        twoTenantsWithTiles();
        var page =
                ds.listDeliveries(DeliveryFilter.of("acme", DeliveryKind.TILE).withSession("a1"), Optional.empty(), 3);
        assertThat(page.items()).extracting(Delivery::eventSeq).containsExactly(1L, 2L, 3L);
        assertThat(page.hasMore()).isTrue();
        var rest =
                ds.listDeliveries(DeliveryFilter.of("acme", DeliveryKind.TILE).withSession("a1"), page.nextCursor(), 3);
        assertThat(rest.items()).extracting(Delivery::eventSeq).containsExactly(4L, 5L);
        assertThat(rest.hasMore()).isFalse();
        assertThat(ds.listDeliveries(DeliveryFilter.of("bravo", DeliveryKind.TILE), Optional.empty(), 10)
                        .items())
                .extracting(Delivery::sessionId)
                .containsOnly("b1");
        var newest = ds.listDeliveries(DeliveryFilter.of("acme", DeliveryKind.TILE), Optional.empty(), 2)
                .items();
        assertThat(newest).extracting(Delivery::eventSeq).containsExactly(5L, 4L);
    }

    @Test
    void anEndedSessionIsNotPurgedWhileItsDeliveriesAreUnsettled() {
        session("s1", "default");
        store.endSession(new EndRequest(
                "s1",
                SessionOutcome.SUCCESS,
                EndReason.COMPLETED,
                Optional.empty(),
                Optional.empty(),
                EndRequest.Precondition.NONE,
                t0.plusSeconds(1)));
        Instant cutoff = t0.plus(Duration.ofDays(30));
        assertThat(store.purgeEndedBefore(cutoff, 10)).as("tiles not made yet").isZero();
        makeTiles();
        assertThat(store.purgeEndedBefore(cutoff, 10)).as("tiles pending").isZero();
        ds.checkpointsBehind(Consumer.WEBHOOKS, 10, 10).forEach(b -> ds.consume(Consumer.WEBHOOKS, b, List.of(), t0));
        List<Delivery> due;
        while (!(due = claim(10)).isEmpty()) {
            ds.record(due.stream()
                    .<DeliveryOutcome>map(d -> new DeliveryOutcome.Delivered(d.id(), 200, Optional.empty(), t0))
                    .toList());
        }
        assertThat(store.purgeEndedBefore(cutoff, 10)).isEqualTo(1);
        assertThat(ds.listDeliveries(DeliveryFilter.of("default", DeliveryKind.TILE), Optional.empty(), 10)
                        .items())
                .isEmpty();
    }

    @Test
    void webhookSubscriptionsAreScopedCappedAndTakeTheirPendingDeliveriesWithThem() {
        Webhook w = ds.addWebhook(
                new Webhook(
                        "wh_1",
                        "acme",
                        URI.create("https://example.com/hook"),
                        List.of("session_ended"),
                        "s3cret-s3cret-s3cret",
                        t0),
                2);
        ds.addWebhook(
                new Webhook(
                        "wh_2", "acme", URI.create("https://example.com/2"), List.of("*"), "s3cret-s3cret-s3cret", t0),
                2);
        assertThatThrownBy(() -> ds.addWebhook(
                        new Webhook(
                                "wh_3",
                                "acme",
                                URI.create("https://example.com/3"),
                                List.of("*"),
                                "s3cret-s3cret-s3cret",
                                t0),
                        2))
                .isInstanceOf(BosunException.class)
                .extracting(e -> ((BosunException) e).code())
                .isEqualTo(ErrorCode.LIMIT_REACHED);
        assertThat(ds.listWebhooks("acme")).extracting(Webhook::id).containsExactly("wh_1", "wh_2");
        assertThat(ds.listWebhooks("bravo")).isEmpty();
        assertThat(ds.getWebhook("bravo", "wh_1")).isEmpty();
        assertThat(ds.getWebhook("acme", "wh_1")).contains(w);
        assertThat(ds.allWebhooks()).hasSize(2);

        session("s1", "acme");
        CheckpointBatch b = ds.checkpointsBehind(Consumer.WEBHOOKS, 10, 10).get(0);
        ds.consume(
                Consumer.WEBHOOKS,
                b,
                List.of(new NewDelivery(
                        "whd_1",
                        DeliveryKind.WEBHOOK,
                        "wh_1",
                        "acme",
                        "s1",
                        1,
                        SystemEvents.SESSION_STARTED,
                        Json.object(),
                        DeliveryState.PENDING,
                        t0)),
                t0);
        assertThat(ds.deleteWebhook("bravo", "wh_1")).isFalse();
        assertThat(ds.deleteWebhook("acme", "wh_1")).isTrue();
        assertThat(ds.getDelivery("whd_1")).isEmpty();
        assertThat(ds.deleteWebhook("acme", "wh_1")).isFalse();
        assertThat(Map.copyOf(ds.countByState(DeliveryKind.WEBHOOK))).containsEntry(DeliveryState.PENDING, 0L);
    }

    /** The API answers a creation with what addWebhook returns, so it must be what every later read returns. */
    @Test
    void aWebhookReadsBackExactlyAsItsAdditionReturnedIt() {
        Instant fine = t0.plusNanos(123_456_789);
        Webhook w = ds.addWebhook(
                new Webhook(
                        "wh_1",
                        "acme",
                        URI.create("https://example.com/hook"),
                        List.of("*"),
                        "s3cret-s3cret-s3cret",
                        fine),
                2);
        assertThat(ds.getWebhook("acme", "wh_1")).contains(w);
        assertThat(ds.listWebhooks("acme")).containsExactly(w);
        assertThat(w.createdAt()).isBetween(fine.minusMillis(1), fine);
    }
}
