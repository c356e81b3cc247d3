package dev.bosun.contract;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints {@link FaultLedger#summary()} once at the end of a test run that recorded anything
 * (registered through {@code META-INF/services}, so it runs in every module that uses this one).
 */
public final class FaultSummary implements TestExecutionListener {
    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (!FaultLedger.empty()) {
            System.out.println(FaultLedger.summary());
            System.out.flush();
        }
    }
}
