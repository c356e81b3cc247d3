package dev.bosun.client;

import dev.bosun.wire.SessionOutcome;
import dev.bosun.wire.SessionStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * Which sessions {@link BosunClient#listSessions} asks for, and in which order: the query parameters
 * of {@code GET /v1/sessions}. The tenant is not among them: the API key decides it.
 *
 * <pre>{@code
 * client.listSessions(SessionFilter.ALL.withOutcome(SessionOutcome.FAILED).withNameContaining("nightly").oldestFirst());
 * }</pre>
 *
 * @param nameContaining a case-sensitive part of the name, as plain text ({@code %} and {@code _} are not wildcards)
 * @param ascending      creation order, oldest first ({@link #oldestFirst()}); newest first otherwise (the server's default)
 */
public record SessionFilter(
        Optional<SessionStatus> status,
        Optional<String> agentId,
        Optional<String> tag,
        Optional<String> profile,
        Optional<SessionOutcome> outcome,
        Optional<String> nameContaining,
        boolean ascending) {
    /** Every session of the key's tenant, newest first. */
    public static final SessionFilter ALL = new SessionFilter(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            false);

    public SessionFilter {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(nameContaining, "nameContaining");
    }

    public SessionFilter withStatus(SessionStatus s) {
        return new SessionFilter(Optional.of(s), agentId, tag, profile, outcome, nameContaining, ascending);
    }

    public SessionFilter withAgentId(String a) {
        return new SessionFilter(status, Optional.of(a), tag, profile, outcome, nameContaining, ascending);
    }

    public SessionFilter withTag(String t) {
        return new SessionFilter(status, agentId, Optional.of(t), profile, outcome, nameContaining, ascending);
    }

    public SessionFilter withProfile(String p) {
        return new SessionFilter(status, agentId, tag, Optional.of(p), outcome, nameContaining, ascending);
    }

    public SessionFilter withOutcome(SessionOutcome o) {
        return new SessionFilter(status, agentId, tag, profile, Optional.of(o), nameContaining, ascending);
    }

    public SessionFilter withNameContaining(String part) {
        return new SessionFilter(status, agentId, tag, profile, outcome, Optional.of(part), ascending);
    }

    public SessionFilter oldestFirst() {
        return new SessionFilter(status, agentId, tag, profile, outcome, nameContaining, true);
    }
}
