package dev.bosun.contract;

import dev.bosun.sandbox.Availability;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need a real service (bubblewrap namespaces, a Docker daemon): on a laptop without it
 * they skip and say why; under {@code CI=true}, where the CI script installs it, a missing service
 * is a failure, so that a broken install can never pass as a green run of skipped tests.
 */
public final class Requires {
    private Requires() {}

    /** Whether this is a CI run ({@code CI=true}), where skipping a service test is not allowed. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (or under CI fails) the test unless {@code availability} is usable. */
    public static void usable(String service, Availability availability) {
        usable(service, availability, ci());
    }

    /** As {@link #usable(String, Availability)}, with the CI flag given rather than read from the environment. */
    public static void usable(String service, Availability availability, boolean ci) {
        if (availability.usable()) return;
        String why = service + " is not usable here: " + availability.detail();
        if (ci) Assertions.fail(why + " (CI=true: a skipped sandbox test counts as a failure)");
        Assumptions.abort(why);
    }
}
