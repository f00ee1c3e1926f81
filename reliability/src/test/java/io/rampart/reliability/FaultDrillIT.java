package io.rampart.reliability;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault drill's short form, on every build: two replicas of each packaged service on one
 * embedded PostgreSQL, the prober's in each of two probe locations, one of each (of each location)
 * killed, the database restarted, under a minute of mixed load.
 */
class FaultDrillIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void nothingAcknowledgedIsLostOrDoubledNoTargetIsProbedTwicePerLocationAndEveryReplicaComesBack() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "drill-");
        FaultDrill.Report report = FaultDrill.run(PROJECT, home, FaultDrill.SHORT, FaultDrill.ROUND);
        System.out.print(report.describe());

        assertThat(report.tally().eventsAcknowledged()).isGreaterThan(1000);
        assertThat(report.acknowledgedMissing()).as("acknowledged events not stored").isZero();
        assertThat(report.storedMoreThanOnce()).as("events stored twice").isZero();
        assertThat(report.acknowledgedStoredOnce()).isEqualTo(report.tally().eventsAcknowledged());
        assertThat(report.tally().eventsGivenUp()).as("events never acknowledged").isZero();
        assertThat(report.probesStoredByLocation()).as("probes stored per location")
                .containsOnlyKeys("eu", "us").allSatisfy((location, probes) -> assertThat(probes).isGreaterThan(100));
        assertThat(report.doubleProbes()).as("targets probed twice in one interval from one location").isZero();
        assertThat(report.slotsStoredTwice()).isZero();
        assertThat(report.targetLocationsProbedAfterDrill()).isEqualTo(report.targetLocations());
        assertThat(report.readiness()).hasSize(8).allSatisfy((replica, status) -> assertThat(status).isEqualTo(200));
        assertThat(report.errorLogLines()).as("ERROR lines the replicas logged, the database restart included").isEmpty();
        assertThat(report.failures()).isEmpty();
    }
}
