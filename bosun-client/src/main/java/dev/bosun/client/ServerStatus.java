package dev.bosun.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What {@code /healthz} or {@code /readyz} answered.
 *
 * @param up     true for a 200 answer; false for a {@code /readyz} that answered 503 with its checks
 * @param status the server's {@code status} field ({@code ok}, {@code ready}, or the not-ready state)
 * @param checks the per-dependency results {@code /readyz} reports; empty for {@code /healthz}
 */
public record ServerStatus(boolean up, String status, ObjectNode checks) {
    public ServerStatus {
        checks = checks.deepCopy();
    }

    @Override
    public ObjectNode checks() {
        return checks.deepCopy();
    }
}
