package dev.bosun.client;

import dev.bosun.wire.SessionStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * Which sessions {@link BosunClient#listSessions} asks for: the query parameters of
 * {@code GET /v1/sessions}. The tenant is not among them: the API key decides it.
 */
public record SessionFilter(Optional<SessionStatus> status, Optional<String> agentId, Optional<String> tag) {
    /** Every session of the key's tenant. */
    public static final SessionFilter ALL = new SessionFilter(Optional.empty(), Optional.empty(), Optional.empty());

    public SessionFilter {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(tag, "tag");
    }

    public SessionFilter withStatus(SessionStatus s) { return new SessionFilter(Optional.of(s), agentId, tag); }

    public SessionFilter withAgentId(String a) { return new SessionFilter(status, Optional.of(a), tag); }

    public SessionFilter withTag(String t) { return new SessionFilter(status, agentId, Optional.of(t)); }
}
