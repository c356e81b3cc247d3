package dev.bosun.session;

import java.util.Optional;

/**
 * Filters for listing sessions; empty fields match everything. {@code tenant} is always applied by
 * the server so that one tenant never sees another's sessions.
 */
public record SessionFilter(Optional<String> tenant, Optional<SessionStatus> status,
                            Optional<String> agentId, Optional<String> tag) {
    public static final SessionFilter ALL = new SessionFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public SessionFilter withTenant(String t) { return new SessionFilter(Optional.of(t), status, agentId, tag); }

    public SessionFilter withStatus(SessionStatus s) { return new SessionFilter(tenant, Optional.of(s), agentId, tag); }

    public SessionFilter withAgentId(String a) { return new SessionFilter(tenant, status, Optional.of(a), tag); }

    public SessionFilter withTag(String t) { return new SessionFilter(tenant, status, agentId, Optional.of(t)); }
}
