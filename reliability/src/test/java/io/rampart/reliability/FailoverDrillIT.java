package io.rampart.reliability;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The failover drill's short form, on every build: one replica of each packaged service on a
 * primary with a synchronous standby, the replication link cut, then the primary killed and the
 * standby promoted, under the fault drill's load.
 */
class FailoverDrillIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void withASynchronousStandbyAFailoverLosesNoAcknowledgedEventAndDoublesNoProbeSlot() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "failover-");
        FailoverDrill.Report report = FailoverDrill.run(PROJECT, home, true, FailoverDrill.shape(1), Duration.ofSeconds(40));
        System.out.print(report.describe());
        FaultDrill.Report checks = report.checks();

        assertThat(report.partition().status()).as("answer while no standby acknowledges").isEqualTo(503);
        assertThat(report.partition().retryAfter()).isNotEqualTo("none");
        assertThat(checks.tally().eventsAcknowledged()).isGreaterThan(300);
        assertThat(checks.acknowledgedMissing()).as("acknowledged events lost in the failover").isZero();
        assertThat(checks.storedMoreThanOnce()).as("events stored twice").isZero();
        assertThat(checks.acknowledgedStoredOnce()).isEqualTo(checks.tally().eventsAcknowledged());
        assertThat(checks.tally().eventsGivenUp()).as("events never acknowledged").isZero();
        assertThat(checks.slotsStoredTwice()).as("probe slots stored twice").isZero();
        assertThat(checks.targetLocationsProbedAfterDrill()).isEqualTo(checks.targetLocations());
        assertThat(checks.readiness()).hasSize(3).allSatisfy((replica, status) -> assertThat(status).isEqualTo(200));
        assertThat(report.failures()).isEmpty();
    }
}
