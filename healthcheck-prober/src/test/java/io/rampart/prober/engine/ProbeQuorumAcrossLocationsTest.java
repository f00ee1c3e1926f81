package io.rampart.prober.engine;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.prober.testing.EngineTestBase;
import io.rampart.prober.testing.Engines;
import io.rampart.prober.testing.Registry.StoredResult;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.AddressResolverOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real replicas in three locations that see one target differently, and the slot verdicts the
 * availability SLIs count from what they stored (V150's {@code rampart_probe_slot_counts}).
 * Each location resolves the targets' names through a hosts table of its own (one Vert.x per
 * location): a location that sees a target up reaches the target server on 127.0.0.1, one that
 * sees it down is sent to 127.0.0.3, where nothing listens on that port (refused: {@code CONNECT}).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProbeQuorumAcrossLocationsTest extends EngineTestBase {

    private static final String UP = "127.0.0.1";
    private static final String DOWN = "127.0.0.3";
    private static final String DISABLE_DNS_RESOLVER = "vertx.disableDnsResolver";

    private final List<Vertx> locationNetworks = new ArrayList<>();

    @AfterEach
    void closeLocations() {
        engines.close();
        locationNetworks.forEach(Vertx::close);
        registry.forgetOtherLocations();
    }

    @Test
    void oneOfThreeLocationsDownFailsTheSlotUnderAnyOnlyAndTwoDownUnderAnyAndQuorumNotAll() throws Exception {
        int port = URI.create(server.baseUrl()).getPort();
        String oneDown = registry.app("one-down", 1);
        String twoDown = registry.app("two-down", 1);
        for (String app : List.of(oneDown, twoDown)) {
            TestApps.setProbeLocations(app, "q-east", "q-west", "q-north");
        }
        TestApps.target(oneDown, "prod", "http://one-down.quorum.test:" + port + "/one-down");
        TestApps.target(twoDown, "prod", "http://two-down.quorum.test:" + port + "/two-down");
        List<ProbeEngine> replicas = List.of(
                replica("q-east", Map.of("one-down.quorum.test", UP, "two-down.quorum.test", UP)),
                replica("q-west", Map.of("one-down.quorum.test", UP, "two-down.quorum.test", DOWN)),
                replica("q-north", Map.of("one-down.quorum.test", DOWN, "two-down.quorum.test", DOWN)));
        Thread.sleep(5_500);
        replicas.forEach(engines::stop);

        // What each location saw, as its hosts table made it see the target.
        assertThat(outcomes(oneDown)).containsOnly(
                Map.entry("q-east", Set.of("SUCCESS")), Map.entry("q-west", Set.of("SUCCESS")),
                Map.entry("q-north", Set.of("CONNECT")));
        assertThat(outcomes(twoDown)).containsOnly(
                Map.entry("q-east", Set.of("SUCCESS")), Map.entry("q-west", Set.of("CONNECT")),
                Map.entry("q-north", Set.of("CONNECT")));
        assertThat(server.requestCount("/one-down/health")).as("requests that reached the target, one per SUCCESS")
                .isEqualTo(registry.results(oneDown).stream().filter(r -> r.outcome().equals("SUCCESS")).count());

        Map<String, long[]> expectedOneDown = Map.of("any", new long[] {0, 1}, "quorum", new long[] {1, 1},
                "all", new long[] {1, 1});
        Map<String, long[]> expectedTwoDown = Map.of("any", new long[] {0, 1}, "quorum", new long[] {0, 1},
                "all", new long[] {1, 1});
        for (String app : List.of(oneDown, twoDown)) {
            List<List<StoredResult>> slots = slotsProbedFrom(app, Set.of("q-east", "q-west", "q-north"));
            assertThat(slots).as("slots of %s probed from all three locations", app).hasSizeGreaterThanOrEqualTo(3);
            for (String rule : List.of("any", "quorum", "all")) {
                TestApps.setQuorum(app, rule);
                long[] expected = (app.equals(oneDown) ? expectedOneDown : expectedTwoDown).get(rule);
                for (List<StoredResult> slot : slots) {
                    assertThat(counts(app, slot, null)).as("%s, slot %s under %s", app, slot.get(0).scheduledAt(), rule)
                            .containsExactly(expected);
                }
            }
            // One location alone gives its own verdict, whatever the rule (?location=).
            for (List<StoredResult> slot : slots) {
                assertThat(counts(app, slot, "q-east")).containsExactly(1, 1);
                assertThat(counts(app, slot, "q-north")).containsExactly(0, 1);
            }
        }
    }

    @Test
    void aGoneLocationsMissingSlotsCountForNoApp() throws Exception {
        int port = URI.create(server.baseUrl()).getPort();
        // No list of its own: probed from every live location. Under 'any', north's view fails every slot.
        String app = registry.app("gone-north", 1);
        TestApps.setQuorum(app, "any");
        TestApps.target(app, "prod", "http://gone-north.quorum.test:" + port + "/gone-north");
        SimpleMeterRegistry eastMeters = new SimpleMeterRegistry();
        replica("g-east", eastMeters, Map.of("gone-north.quorum.test", UP));
        replica("g-west", new SimpleMeterRegistry(), Map.of("gone-north.quorum.test", UP));
        ProbeEngine north = replica("g-north", new SimpleMeterRegistry(), Map.of("gone-north.quorum.test", DOWN));
        Engines.awaitUntil(Duration.ofSeconds(15), "three slots probed from all three locations",
                () -> slotsProbedFrom(app, Set.of("g-east", "g-west", "g-north")).size() >= 3);

        engines.stop(north);
        Instant gone = Instant.now();
        Engines.awaitUntil(Duration.ofSeconds(10), "east's replica reports north gone", () -> {
            var northLive = eastMeters.find("rampart.prober.location.live").tag("location", "g-north").gauge();
            return northLive != null && northLive.value() == 0;
        });
        Engines.awaitUntil(Duration.ofSeconds(5), "north's rows left the schedule",
                () -> !registry.scheduledLocations(app).contains("g-north"));
        Instant since = Instant.now();
        Thread.sleep(3_500);
        Instant until = Instant.now();

        for (List<StoredResult> slot : slotsProbedFrom(app, Set.of("g-east", "g-west", "g-north"))) {
            assertThat(slot.get(0).scheduledAt()).isBefore(gone);
            assertThat(counts(app, slot, null)).as("slot %s, north still there", slot.get(0).scheduledAt())
                    .containsExactly(0, 1);
        }
        long slotsSince = registry.results(app).stream()
                .filter(result -> !result.occurredAt().isBefore(since) && result.occurredAt().isBefore(until))
                .map(StoredResult::scheduledAt).distinct().count();
        assertThat(slotsSince).isGreaterThanOrEqualTo(3);
        assertThat(registry.slotCounts(app, since, until, null)).as("every slot since north went: good, and no more")
                .containsExactly(slotsSince, slotsSince);
        assertThat(registry.slotCounts(app, since, until, "g-north")).containsExactly(0, 0);
    }

    private ProbeEngine replica(String location, Map<String, String> hosts) {
        return replica(location, new SimpleMeterRegistry(), hosts);
    }

    /** A replica of the location on a Vert.x of its own, whose resolver reads the location's hosts table. */
    private ProbeEngine replica(String location, SimpleMeterRegistry meters, Map<String, String> hosts) {
        String table = hosts.entrySet().stream().map(host -> host.getValue() + " " + host.getKey() + "\n")
                .collect(Collectors.joining());
        Vertx network;
        // Quarkus turns Vert.x's own resolver off for the JVM (the JDK's resolver reads only the
        // machine's hosts file); a location's Vert.x here gets it back, to read its own table.
        synchronized (System.getProperties()) {
            String quarkusChoice = System.clearProperty(DISABLE_DNS_RESOLVER);
            try {
                network = Vertx.vertx(new VertxOptions().setAddressResolverOptions(
                        new AddressResolverOptions().setHostsValue(Buffer.buffer(table))));
            } finally {
                if (quarkusChoice != null) {
                    System.setProperty(DISABLE_DNS_RESOLVER, quarkusChoice);
                }
            }
        }
        locationNetworks.add(network);
        return engines.start(network, location + "-1", meters,
                Map.of("location", location, "locationExpiry", Duration.ofSeconds(2)));
    }

    /** The outcomes each location stored for the app. */
    private Map<String, Set<String>> outcomes(String app) {
        return registry.results(app).stream().collect(Collectors.groupingBy(StoredResult::location,
                Collectors.mapping(StoredResult::outcome, Collectors.toSet())));
    }

    /** The app's slots probed from exactly these locations, each as its results. */
    private List<List<StoredResult>> slotsProbedFrom(String app, Set<String> locations) {
        Map<Instant, List<StoredResult>> bySlot = registry.results(app).stream()
                .collect(Collectors.groupingBy(StoredResult::scheduledAt, TreeMap::new, Collectors.toList()));
        return bySlot.values().stream()
                .filter(slot -> slot.stream().map(StoredResult::location).collect(Collectors.toSet()).equals(locations))
                .toList();
    }

    /** The good and total slots counted over the time the slot's probes started. */
    private long[] counts(String app, List<StoredResult> slot, String location) {
        Instant from = slot.stream().map(StoredResult::occurredAt).min(Comparator.naturalOrder()).orElseThrow();
        Instant to = slot.stream().map(StoredResult::occurredAt).max(Comparator.naturalOrder()).orElseThrow();
        return registry.slotCounts(app, from, to.plusMillis(1), location);
    }
}
