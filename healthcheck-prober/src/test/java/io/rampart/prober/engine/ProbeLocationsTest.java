package io.rampart.prober.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.prober.testing.EngineTestBase;
import io.rampart.prober.testing.Engines;
import io.rampart.prober.testing.Registry.StoredResult;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several locations, each of several replicas, on one database: each slot of each target is probed
 * once per location, the locations probe the same slots, and a location whose replicas are all
 * gone is reported and no longer scheduled.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProbeLocationsTest extends EngineTestBase {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @AfterEach
    void forgetLocations() {
        registry.forgetOtherLocations();
    }

    @Test
    void eachSlotIsProbedOncePerLocationAcrossItsReplicasAndTheSlotsLineUp() throws Exception {
        String app = registry.app("located", 1);
        TestApps.setProbeLocations(app, "eu", "us");
        List<Long> targets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            targets.add(TestApps.target(app, "t" + i, server.baseUrl() + "/located/" + i));
        }
        List<ProbeEngine> replicas = List.of(
                engines.start("eu-1", new SimpleMeterRegistry(), Map.of("location", "eu")),
                engines.start("eu-2", new SimpleMeterRegistry(), Map.of("location", "eu")),
                engines.start("us-1", new SimpleMeterRegistry(), Map.of("location", "us")),
                engines.start("us-2", new SimpleMeterRegistry(), Map.of("location", "us")));
        Thread.sleep(4_500);
        // Replicas compete for slots: on a loaded machine one may start late and find the first
        // slots taken, so the run goes on until each has had its share (or fails after 20 s).
        Engines.awaitUntil(Duration.ofSeconds(20), "every replica of both locations took part",
                () -> registry.results(app).stream().map(StoredResult::prober).distinct().count() == replicas.size());
        replicas.forEach(engines::stop);

        List<StoredResult> results = registry.results(app);
        Map<Long, List<StoredResult>> byTarget = results.stream().collect(Collectors.groupingBy(StoredResult::targetId));
        for (int i = 0; i < targets.size(); i++) {
            long target = targets.get(i);
            List<StoredResult> stored = byTarget.getOrDefault(target, List.of());
            assertThat(server.requestCount("/located/" + i + "/health"))
                    .as("requests target %d received, one per stored result", target).isEqualTo(stored.size());
            // The target can tell in its own log where each probe came from.
            assertThat(server.userAgents("/located/" + i + "/health").stream().collect(Collectors.groupingBy(
                    agent -> agent, Collectors.counting())))
                    .as("User-Agents target %d received", target)
                    .isEqualTo(stored.stream().collect(Collectors.groupingBy(
                            result -> "Rampart-Prober/1.0 (location " + result.location() + ")", Collectors.counting())));
            Map<String, List<Instant>> slots = stored.stream().collect(Collectors.groupingBy(StoredResult::location,
                    Collectors.mapping(StoredResult::scheduledAt, Collectors.toList())));
            assertThat(slots.keySet()).as("locations that probed target %d", target).containsOnly("eu", "us");
            for (Map.Entry<String, List<Instant>> location : slots.entrySet()) {
                assertThat(location.getValue()).as("slots of target %d in %s", target, location.getKey())
                        .hasSizeGreaterThanOrEqualTo(3).doesNotHaveDuplicates();
            }
            // Aligned: every slot of the target, in either location, is a whole number of intervals
            // from any other, and most slots were probed from both locations.
            Set<Instant> all = new TreeSet<>(slots.get("eu"));
            all.addAll(slots.get("us"));
            Instant first = all.iterator().next();
            assertThat(all).as("slots of target %d across locations", target)
                    .allSatisfy(slot -> assertThat(Duration.between(first, slot).toMillis() % INTERVAL.toMillis())
                            .isZero());
            Set<Instant> both = new TreeSet<>(slots.get("eu"));
            both.retainAll(slots.get("us"));
            assertThat(both).as("slots of target %d probed from both locations", target).hasSizeGreaterThanOrEqualTo(2);
        }
        assertThat(results.stream().map(StoredResult::prober).distinct())
                .as("every replica of both locations took part").containsExactlyInAnyOrder("eu-1", "eu-2", "us-1", "us-2");
        assertThat(results).allSatisfy(result -> assertThat(result.prober()).startsWith(result.location()));
    }

    @Test
    void aLocationWhoseReplicasAreAllGoneIsReportedAndNoLongerScheduled() throws Exception {
        String app = registry.app("vanishing", 1);
        long target = TestApps.target(app, "prod", server.baseUrl() + "/vanishing");
        Map<String, Object> north = Map.of("location", "north", "locationExpiry", Duration.ofSeconds(2));
        Map<String, Object> south = Map.of("location", "south", "locationExpiry", Duration.ofSeconds(2));
        SimpleMeterRegistry northMeters = new SimpleMeterRegistry();
        engines.start("north-1", northMeters, north);
        ProbeEngine south1 = engines.start("south-1", new SimpleMeterRegistry(), south);
        ProbeEngine south2 = engines.start("south-2", new SimpleMeterRegistry(), south);
        // No list of its own: the app is probed from every location with a live replica.
        Engines.awaitUntil(Duration.ofSeconds(10), "both locations probed the target", () -> registry.results(app)
                .stream().map(StoredResult::location).collect(Collectors.toSet()).containsAll(Set.of("north", "south")));
        // North learns of south at its next registry sync.
        Engines.awaitUntil(Duration.ofSeconds(10), "north's replica reports south live", () -> {
            var southLive = northMeters.find("rampart.prober.location.live").tag("location", "south").gauge();
            return southLive != null && southLive.value() == 1;
        });

        engines.stop(south1);
        engines.stop(south2);
        Instant gone = Instant.now();
        Engines.awaitUntil(Duration.ofSeconds(10), "north's replica reports south gone",
                () -> northMeters.get("rampart.prober.location.live").tag("location", "south").gauge().value() == 0);
        Engines.awaitUntil(Duration.ofSeconds(5), "south's rows left the schedule",
                () -> registry.scheduledLocations(app).equals(List.of("north")));
        Thread.sleep(2_000);

        assertThat(northMeters.get("rampart.prober.location.live").tag("location", "north").gauge().value()).isEqualTo(1);
        List<StoredResult> results = registry.results(app);
        assertThat(results).filteredOn(result -> result.location().equals("south"))
                .allSatisfy(result -> assertThat(result.scheduledAt()).isBefore(gone));
        assertThat(results).filteredOn(result -> result.location().equals("north") && result.scheduledAt().isAfter(gone))
                .as("north goes on probing").hasSizeGreaterThanOrEqualTo(2);
        assertThat(results).extracting(StoredResult::targetId).containsOnly(target);
    }
}
