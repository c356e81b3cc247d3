package dev.bosun.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.wire.RoutingDecisionCompat;
import dev.bosun.wire.WireJson;
import java.util.Objects;
import java.util.Optional;

/**
 * Why a task went to an agent, in the fleet-h1-router's terms. The figures are always Bosun's own,
 * computed on the tenant's graph with the true β₁ = E − V + C, whoever chose the agent.
 *
 * <p>A value with a record's accessors, equality and string form; not a record because the built-in
 * router's reasoning sentence is written only when it is first read ({@link #reasoning()}, the JSON):
 * a decision that is never serialized never pays for it (see D90).
 *
 * <p>Fields: {@code h1Before} β₁ of the tenant's graph before the decision; {@code h1After} β₁ once the
 * task is linked to {@code agentId}; {@code emergenceRisk} 0.0, 0.3, 0.6 or 0.9 from the margin
 * h1After − (V + offset); {@code capabilityMatchScore} |required ∩ capabilities| / |required| (1.0 when
 * nothing is required); {@code confidence} max(min_confidence, min(1, match × (1 − risk)));
 * {@code reasoning} a sentence for a person; {@code router} what a remote router answered, in its own
 * figures, when one was asked.
 */
public final class RoutingDecision {
    private final String agentId;
    private final String taskId;
    private final long h1Before;
    private final long h1After;
    private final double confidence;
    private final double emergenceRisk;
    private final double capabilityMatchScore;
    private final DecisionReasoning why; // null when the sentence was given
    // Written on first read; a racing reader may write the same sentence again, and a String is safe to publish.
    private String reasoning;
    private final Optional<RemoteDecision> router;

    public RoutingDecision(
            String agentId,
            String taskId,
            long h1Before,
            long h1After,
            double confidence,
            double emergenceRisk,
            double capabilityMatchScore,
            String reasoning,
            Optional<RemoteDecision> router) {
        this(
                agentId,
                taskId,
                h1Before,
                h1After,
                confidence,
                emergenceRisk,
                capabilityMatchScore,
                null,
                reasoning,
                router);
    }

    /** A decision no remote router took part in. */
    public RoutingDecision(
            String agentId,
            String taskId,
            long h1Before,
            long h1After,
            double confidence,
            double emergenceRisk,
            double capabilityMatchScore,
            String reasoning) {
        this(
                agentId,
                taskId,
                h1Before,
                h1After,
                confidence,
                emergenceRisk,
                capabilityMatchScore,
                reasoning,
                Optional.empty());
    }

    /** A decision whose reasoning is written from {@code why} when first read. */
    RoutingDecision(
            String agentId,
            String taskId,
            long h1Before,
            long h1After,
            double confidence,
            double emergenceRisk,
            double capabilityMatchScore,
            DecisionReasoning why,
            Optional<RemoteDecision> router) {
        this(
                agentId,
                taskId,
                h1Before,
                h1After,
                confidence,
                emergenceRisk,
                capabilityMatchScore,
                Objects.requireNonNull(why, "why"),
                null,
                router);
    }

    private RoutingDecision(
            String agentId,
            String taskId,
            long h1Before,
            long h1After,
            double confidence,
            double emergenceRisk,
            double capabilityMatchScore,
            DecisionReasoning why,
            String reasoning,
            Optional<RemoteDecision> router) {
        this.agentId = agentId;
        this.taskId = taskId;
        this.h1Before = h1Before;
        this.h1After = h1After;
        this.confidence = confidence;
        this.emergenceRisk = emergenceRisk;
        this.capabilityMatchScore = capabilityMatchScore;
        this.why = why;
        this.reasoning = reasoning;
        this.router = router;
    }

    public String agentId() {
        return agentId;
    }

    public String taskId() {
        return taskId;
    }

    public long h1Before() {
        return h1Before;
    }

    public long h1After() {
        return h1After;
    }

    public double confidence() {
        return confidence;
    }

    public double emergenceRisk() {
        return emergenceRisk;
    }

    public double capabilityMatchScore() {
        return capabilityMatchScore;
    }

    /** The sentence for a person; the built-in router's is written here, the first time it is asked for. */
    public String reasoning() {
        String r = reasoning;
        if (r == null && why != null) reasoning = r = why.text();
        return r;
    }

    public Optional<RemoteDecision> router() {
        return router;
    }

    /**
     * The decision as Bosun's API answers it and its events carry it (a task_started's {@code routing}):
     * the contract's fields, plus {@code router} with the remote router's own figures when one was asked.
     */
    public dev.bosun.wire.RoutingDecision toWire() {
        return new dev.bosun.wire.RoutingDecision(
                agentId,
                taskId,
                h1Before,
                h1After,
                confidence,
                emergenceRisk,
                capabilityMatchScore,
                reasoning(),
                router.map(RemoteDecision::toWire).orElse(null));
    }

    /** Exactly the fleet-h1-router contract's fields, as its {@code POST /route} answers them. */
    public RoutingDecisionCompat toCompatWire() {
        return new RoutingDecisionCompat(
                agentId, taskId, h1Before, h1After, confidence, emergenceRisk, capabilityMatchScore, reasoning());
    }

    /** {@link #toWire()} as a tree, for an event's payload. */
    public ObjectNode toJson() {
        return WireJson.tree(toWire());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingDecision d
                && Objects.equals(agentId, d.agentId)
                && Objects.equals(taskId, d.taskId)
                && h1Before == d.h1Before
                && h1After == d.h1After
                && Double.compare(confidence, d.confidence) == 0
                && Double.compare(emergenceRisk, d.emergenceRisk) == 0
                && Double.compare(capabilityMatchScore, d.capabilityMatchScore) == 0
                && Objects.equals(reasoning(), d.reasoning())
                && Objects.equals(router, d.router);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                agentId,
                taskId,
                h1Before,
                h1After,
                confidence,
                emergenceRisk,
                capabilityMatchScore,
                reasoning(),
                router);
    }

    @Override
    public String toString() {
        return "RoutingDecision[agentId=" + agentId + ", taskId=" + taskId + ", h1Before=" + h1Before + ", h1After="
                + h1After + ", confidence=" + confidence + ", emergenceRisk=" + emergenceRisk
                + ", capabilityMatchScore="
                + capabilityMatchScore + ", reasoning=" + reasoning() + ", router=" + router + "]";
    }
}
