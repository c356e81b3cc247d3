package dev.bosun.session;

import dev.bosun.error.BosunException;
import java.util.Locale;
import java.util.Optional;

/**
 * Filters for listing sessions, and the order of the listing; empty fields match everything.
 * {@code tenant} is always applied by the server so that one tenant never sees another's sessions.
 * {@code nameContains} matches a part of the name, case-sensitively. The order is by id, which is
 * creation order, so a cursor (the last id of a page) stays exact in either direction.
 */
public record SessionFilter(
        Optional<String> tenant,
        Optional<SessionStatus> status,
        Optional<String> agentId,
        Optional<String> tag,
        Optional<String> profile,
        Optional<SessionOutcome> outcome,
        Optional<String> nameContains,
        Order order) {
    public static final SessionFilter ALL = new SessionFilter(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Order.NEWEST_FIRST);

    /** The order of a listing: by creation, newest or oldest first. */
    public enum Order {
        NEWEST_FIRST,
        OLDEST_FIRST;

        public static Order parse(String field, String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "newest" -> NEWEST_FIRST;
                case "oldest" -> OLDEST_FIRST;
                default ->
                    throw BosunException.invalid(field, field + " = '" + value + "' is not one of newest, oldest");
            };
        }
    }

    public SessionFilter withTenant(String t) {
        return new SessionFilter(Optional.of(t), status, agentId, tag, profile, outcome, nameContains, order);
    }

    public SessionFilter withStatus(SessionStatus s) {
        return new SessionFilter(tenant, Optional.of(s), agentId, tag, profile, outcome, nameContains, order);
    }

    public SessionFilter withAgentId(String a) {
        return new SessionFilter(tenant, status, Optional.of(a), tag, profile, outcome, nameContains, order);
    }

    public SessionFilter withTag(String t) {
        return new SessionFilter(tenant, status, agentId, Optional.of(t), profile, outcome, nameContains, order);
    }

    public SessionFilter withProfile(String p) {
        return new SessionFilter(tenant, status, agentId, tag, Optional.of(p), outcome, nameContains, order);
    }

    public SessionFilter withOutcome(SessionOutcome o) {
        return new SessionFilter(tenant, status, agentId, tag, profile, Optional.of(o), nameContains, order);
    }

    public SessionFilter withNameContaining(String part) {
        return new SessionFilter(tenant, status, agentId, tag, profile, outcome, Optional.of(part), order);
    }

    public SessionFilter ordered(Order o) {
        return new SessionFilter(tenant, status, agentId, tag, profile, outcome, nameContains, o);
    }
}
