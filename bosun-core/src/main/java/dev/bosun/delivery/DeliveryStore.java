package dev.bosun.delivery;

import dev.bosun.util.Page;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The durable side of tiles and webhooks: per-session consumer cursors over checkpoint events, the
 * deliveries made from them, and webhook subscriptions. Every method is one transaction.
 *
 * <p>Deliveries of one <em>lane</em> (a session and a target) go out one at a time in seq order:
 * only the lane's earliest pending delivery has a {@code next_attempt_at} and can be claimed; when it
 * reaches a final state the next one is promoted in the same transaction (and its {@code ready_at},
 * where its maximum age starts, is set). Claims are leases (the
 * claim pushes {@code next_attempt_at} past the lease), so a sender that dies mid-delivery delays the
 * lane by the lease and the delivery is sent again: at least once, never lost.
 */
public interface DeliveryStore {

    /**
     * Sessions whose checkpoint events {@code consumer} has not consumed, each with up to
     * {@code maxEvents} of those events, oldest session activity first.
     */
    List<CheckpointBatch> checkpointsBehind(Consumer consumer, int maxSessions, int maxEvents);

    /**
     * Records what {@code consumer} made of a batch: inserts {@code made} (a delivery that already
     * exists for its target and event is left alone) and moves the cursor from {@code batch.cursor()}
     * to {@code batch.lastSeq()}. Returns false, changing nothing, if the cursor had moved meanwhile
     * (another consumer got there first).
     */
    boolean consume(Consumer consumer, CheckpointBatch batch, List<NewDelivery> made, Instant at);

    /**
     * Claims up to {@code limit} due lane heads of {@code kind} for {@code owner}, earliest due first:
     * each one's attempt count goes up and it is not due again until {@code now + lease} unless its
     * outcome is recorded first.
     *
     * @param only    claim only deliveries to this target (a probe of a target that was down)
     * @param exclude skip deliveries to these targets (targets cooling down after failures)
     */
    List<Delivery> claimDue(
            DeliveryKind kind,
            Optional<String> only,
            Set<String> exclude,
            String owner,
            Instant now,
            Duration lease,
            int limit);

    /**
     * Records the outcome of a claimed lane head and, when it moves the lane on (delivered, rejected,
     * dead), claims the lane's next delivery for {@code owner} in the same transaction, as
     * {@link #claimDue} would: the sender goes straight on with the lane without a round trip, and
     * only what it is about to send is claimed, so a crash leaves at most that one in flight and
     * {@code attempts} counts sends. Empty when the lane did not move on or has nothing more pending.
     */
    Optional<Delivery> recordAndClaimNext(DeliveryOutcome outcome, String owner, Instant now, Duration lease);

    /** Records outcomes of claimed deliveries and promotes the next delivery of each lane that moved on. */
    void record(List<DeliveryOutcome> outcomes);

    /**
     * Makes every pending lane head of {@code target} that waits for a retry due at {@code now}: called
     * when the target answers again after an outage, so the backlog drains at once instead of at each
     * lane's backed-off time. Claimed (in-flight) deliveries are left alone. Returns how many.
     */
    int wakeTarget(DeliveryKind kind, String target, Instant now);

    /**
     * Releases the claims {@code owner} held (after a restart of that node): claimed lane heads are due
     * at {@code now}; claimed followers go back behind their head.
     */
    int releaseClaims(String owner, Instant now);

    /**
     * When the earliest pending lane head of {@code kind} is due, for the relay to sleep until; heads
     * of the {@code exclude}d targets (down or paused: the relay probes them on its own schedule) do not count.
     */
    Optional<Instant> nextDue(DeliveryKind kind, Set<String> exclude);

    Optional<Delivery> getDelivery(String id);

    /** Deliveries matching the filter, newest event first; {@code after} is the previous page's cursor. */
    Page<Delivery> listDeliveries(DeliveryFilter filter, Optional<String> after, int limit);

    /**
     * Puts a DEAD or REJECTED delivery back to PENDING with its attempts reset; it is due at once if its
     * lane has no other pending head, else after that head. NOT_FOUND for an unknown id, CONFLICT for
     * one that is pending, delivered or local.
     */
    Delivery retry(String id, Instant now);

    /** How many deliveries of {@code kind} are in each state (for metrics). */
    Map<DeliveryState, Long> countByState(DeliveryKind kind);

    /**
     * The tenant's pending, rejected and dead deliveries of {@code kind}, counted exactly per target
     * (targets with none are left out), in target order.
     */
    List<TargetBacklog> backlog(String tenant, DeliveryKind kind);

    // ---- webhook subscriptions ----

    /** Adds a subscription; LIMIT_REACHED when the tenant already has {@code maxPerTenant}. */
    Webhook addWebhook(Webhook webhook, int maxPerTenant);

    List<Webhook> listWebhooks(String tenant);

    /** Every subscription of every tenant (the fan-out reads them once per round). */
    List<Webhook> allWebhooks();

    Optional<Webhook> getWebhook(String tenant, String id);

    /** Deletes a subscription and its pending deliveries (they would have nowhere to go). False if unknown. */
    boolean deleteWebhook(String tenant, String id);
}
