package dev.bosun.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reasoning sentence is written when read, and reads exactly as the API documents it. */
class DecisionReasoningTest {

    private static RoutingDecision decision(DecisionReasoning why) {
        return new RoutingDecision("b", "k", why.before(), why.after(), 0.7, why.risk(), 0.5, why, Optional.empty());
    }

    @Test
    void aFallbackByTheReferenceRuleThatClosesACycleOverTheThreshold() {
        var choice = new DecisionReasoning.Choice("k", "b", 2, "gpu", true, false, 3, 2, false, 4);
        var d = decision(new DecisionReasoning("", choice, 0.5, 6, 7, 6, 1, 0.3));
        assertThat(d.reasoning())
                .isEqualTo("Routed task k to b: no agent had all 2 required capabilities, so any agent was "
                        + "considered and this one has 50% of them; of 2 equally good agents it has the fewest linked tasks (4) and "
                        + "registered first; linking it raises β₁ from 6 to 7 (it closes a cycle) against a threshold of 6, 1 over it "
                        + "(emergence risk 0.3).");
        assertThat(d.toCompatWire().reasoning()).isSameAs(d.reasoning()); // written once
    }

    @Test
    void aPreferredCapableAgentAndARemoteRoutersChoice() {
        var choice = new DecisionReasoning.Choice("k", "b", 1, "x", false, true, 2, 1, true, 0);
        assertThat(decision(new DecisionReasoning("", choice, 1.0, 0, 0, 2, -2, 0))
                        .reasoning())
                .isEqualTo("Routed task k "
                        + "to b: it has the required capability x, and it was among the preferred agents; it was the best of 2 "
                        + "candidates; linking it keeps β₁ at 0 against a threshold of 2, with no emergence risk.");
        var remote = decision(
                new DecisionReasoning("The remote router chose b; in Bosun's graph ", null, 1.0, 0, 0, 2, -2, 0));
        assertThat(remote.toJson().get("reasoning").asText())
                .isEqualTo(
                        "The remote router chose b; in Bosun's graph linking it keeps β₁ at 0 against a threshold of 2, "
                                + "with no emergence risk.");
        assertThat(remote).isEqualTo(new RoutingDecision("b", "k", 0, 0, 0.7, 0, 0.5, remote.reasoning()));
    }
}
