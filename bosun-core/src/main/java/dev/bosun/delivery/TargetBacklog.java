package dev.bosun.delivery;

/**
 * One target's unfinished deliveries of one tenant, counted exactly: waiting or in flight
 * ({@code pending}), refused for good ({@code rejected}) and given up ({@code dead}). Delivered and
 * local ones are not counted: they only grow, and no one acts on their number.
 *
 * @param target the PLATO target of tiles, or a webhook's id
 */
public record TargetBacklog(String target, long pending, long rejected, long dead) {

    /** This backlog plus {@code o}'s, under this one's target. */
    public TargetBacklog plus(TargetBacklog o) {
        return new TargetBacklog(target, pending + o.pending, rejected + o.rejected, dead + o.dead);
    }
}
