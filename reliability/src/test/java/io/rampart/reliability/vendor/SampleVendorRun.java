package io.rampart.reliability.vendor;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs {@link SampleVendorChecks} as a vendor's build would; prints the counts and exits 0 (the run itself completed). */
public final class SampleVendorRun {

    private SampleVendorRun() {
    }

    public static void main(String[] args) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(SampleVendorChecks.class)).build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        launcher.execute(request, summary);
        TestExecutionSummary result = summary.getSummary();
        System.out.printf("tests succeeded=%d failed=%d containersFailed=%d%n", result.getTestsSucceededCount(),
                result.getTestsFailedCount(), result.getContainersFailedCount());
    }
}
