package dev.bosun.fleet;

/**
 * A remote fleet-h1-router's answer to {@code POST /route}, in its own figures. They are the router's
 * view, not Bosun's: the reference router counts its own registry and graph and fixes C at 1, so its
 * β₁ can be negative and differs from Bosun's true E − V + C. Bosun keeps them beside its own decision
 * (under {@code router}) and never in its place.
 *
 * @param agentId the agent it chose; empty when it had no agent at all (the reference answers
 *                {@code agent_id: ""} with confidence 0.0)
 */
public record RemoteDecision(
        String agentId,
        long h1Before,
        long h1After,
        double confidence,
        double emergenceRisk,
        double capabilityMatchScore,
        String reasoning) {

    /** True when the router chose nobody. */
    public boolean noAgent() {
        return agentId.isEmpty();
    }

    /** The figures as {@code routing.router} carries them. */
    public dev.bosun.wire.RemoteDecision toWire() {
        return new dev.bosun.wire.RemoteDecision(
                agentId, h1Before, h1After, confidence, emergenceRisk, capabilityMatchScore, reasoning);
    }
}
