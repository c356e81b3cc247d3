package dev.bosun.contract;

import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need an outside service (a database, a container engine) call {@link #require}: without
 * the service they are skipped with the reason on a laptop, and fail on CI ({@code CI=true}), where
 * a skip would hide that the suite did not run.
 */
public final class Services {
    private Services() {}

    /**
     * @param what        the service, as the skip message names it
     * @param unavailable why it cannot be used, or empty when it can
     */
    public static void require(String what, Optional<String> unavailable) {
        if (unavailable.isEmpty()) return;
        String message = what + " is not available (" + unavailable.get() + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + "; with CI=true a skip is a failure");
        }
        Assumptions.abort(message + "; skipped");
    }
}
