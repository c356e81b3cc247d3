package dev.bosun.fleet;

import java.util.Locale;

/**
 * The figures a decision's reasoning sentence is made of, kept so the sentence is written only when
 * the decision is (its JSON, or {@link RoutingDecision#reasoning()}): most decisions are never
 * serialized on the hot path, and "β₁" makes every sentence a UTF-16 string, so building it eagerly
 * cost more than the decision itself.
 *
 * @param prefix    what comes before Bosun's figures (a remote router's choice), or ""
 * @param choice    how the built-in router chose, or null when a remote router chose
 * @param match     |required ∩ capabilities| / |required| of the chosen agent, unrounded
 * @param before    β₁ before the decision
 * @param after     β₁ once the task is linked
 * @param threshold the emergence threshold once the task is linked
 * @param margin    after − threshold
 * @param risk      the emergence risk of the margin
 */
record DecisionReasoning(
        String prefix, Choice choice, double match, long before, long after, long threshold, long margin, double risk) {

    /**
     * How the built-in rule chose.
     *
     * @param required    how many capabilities the task required
     * @param oneRequired the first of them (the only one, when there is one), or null
     * @param byLoad      Bosun's rule (the counter is the load) rather than the reference's (linked tasks)
     * @param bestCounter the chosen agent's load or linked tasks
     */
    record Choice(
            String taskId,
            String agentId,
            int required,
            String oneRequired,
            boolean fellBack,
            boolean preferred,
            int candidates,
            int ties,
            boolean byLoad,
            int bestCounter) {}

    /** The sentence, as docs/API.md words it. */
    String text() {
        var sb = new StringBuilder(prefix.length() + 240).append(prefix);
        if (choice != null) appendChoice(sb, choice);
        if (after == before) sb.append("linking it keeps β₁ at ").append(after);
        else
            sb.append("linking it raises β₁ from ")
                    .append(before)
                    .append(" to ")
                    .append(after)
                    .append(" (it closes a cycle)");
        sb.append(" against a threshold of ").append(threshold);
        if (risk == 0) sb.append(", with no emergence risk");
        else
            sb.append(", ")
                    .append(margin)
                    .append(" over it (emergence risk ")
                    .append(risk)
                    .append(')'); // risk is 0.3, 0.6 or 0.9
        return sb.append('.').toString();
    }

    private void appendChoice(StringBuilder sb, Choice c) {
        int required = c.required();
        sb.append("Routed task ")
                .append(c.taskId())
                .append(" to ")
                .append(c.agentId())
                .append(": ");
        if (required == 0) sb.append("no capabilities were required");
        else if (c.fellBack())
            sb.append(String.format(
                    Locale.ROOT,
                    "no agent had all %d required capabilities, so any agent "
                            + "was considered and this one has %.0f%% of them",
                    required,
                    match * 100));
        else if (required == 1) sb.append("it has the required capability ").append(c.oneRequired());
        else sb.append("it has all ").append(required).append(" required capabilities");
        if (c.preferred()) sb.append(", and it was among the preferred agents");
        if (c.candidates() > 1) {
            String counter = c.byLoad()
                    ? "the lowest load (" + c.bestCounter() + ")"
                    : "the fewest linked tasks (" + c.bestCounter() + ")";
            sb.append(
                    c.ties() > 1
                            ? "; of " + c.ties() + " equally good agents it has " + counter + " and registered first"
                            : "; it was the best of " + c.candidates() + " candidates");
        }
        sb.append("; ");
    }
}
