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
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas share the targets through the database: each slot of each target is probed by one
 * replica only, slots never drift, a dead replica's targets go on being probed, and registry
 * changes reach the schedule within one interval.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SharedScheduleTest extends EngineTestBase {

    private static final Duration INTERVAL = Duration.ofSeconds(1);

    @Test
    void twoReplicasNeverProbeOneSlotTwice() throws Exception {
        String app = registry.app("shared", 1);
        List<Long> targets = targets(app, "shared", 20);
        ProbeEngine first = engines.start("replica-a");
        ProbeEngine second = engines.start("replica-b");
        Thread.sleep(4_500);
        engines.stop(first);
        engines.stop(second);

        Map<Long, List<StoredResult>> byTarget = registry.results(app).stream()
                .collect(Collectors.groupingBy(StoredResult::targetId));
        for (long target : targets) {
            List<StoredResult> results = byTarget.getOrDefault(target, List.of());
            assertThat(results).as("target %d was probed in most of its slots", target).hasSizeGreaterThanOrEqualTo(3);
            assertThat(server.requestCount(path("shared", target, targets)))
                    .as("requests target %d received, one per stored slot", target).isEqualTo(results.size());
            assertThat(gapsBetweenSlots(results)).as("slots of target %d: one interval apart, none twice", target)
                    .containsOnly(INTERVAL);
        }
        assertThat(byTarget.values().stream().flatMap(List::stream).map(StoredResult::prober).distinct())
                .as("both replicas took part").containsExactlyInAnyOrder("replica-a", "replica-b");
    }

    @Test
    void aDeadReplicasTargetsAreProbedAgainAtTheirNextSlot() throws Exception {
        String app = registry.app("takeover", 1);
        List<Long> targets = targets(app, "takeover", 10);
        Vertx doomed = Vertx.vertx();
        ProbeEngine doomedReplica = engines.start(doomed, "replica-doomed", new SimpleMeterRegistry(), Map.of());
        Engines.awaitUntil(Duration.ofSeconds(10), "the doomed replica probed every target",
                () -> registry.results(app).stream().map(StoredResult::targetId).distinct().count() == targets.size());
        ProbeEngine survivor = engines.start("replica-survivor");
        Thread.sleep(500);
        Instant death = Instant.now();
        doomed.close().toCompletionStage().toCompletableFuture().join();
        engines.forget(doomedReplica);
        Thread.sleep(3_500);
        engines.stop(survivor);

        Map<Long, List<StoredResult>> byTarget = registry.results(app).stream()
                .collect(Collectors.groupingBy(StoredResult::targetId));
        // The dead replica had claimed slots up to the claim lookahead ahead; the next slot is the survivor's.
        Instant takeoverBy = death.plus(config.claimLookahead()).plus(INTERVAL).plusMillis(200);
        for (long target : targets) {
            List<StoredResult> results = byTarget.get(target);
            assertThat(results).as("target %d", target)
                    .anySatisfy(result -> {
                        assertThat(result.prober()).isEqualTo("replica-survivor");
                        assertThat(result.scheduledAt()).isAfter(death).isBefore(takeoverBy);
                    });
            assertThat(results).filteredOn(result -> result.scheduledAt().isAfter(takeoverBy))
                    .extracting(StoredResult::prober).containsOnly("replica-survivor");
            // Missing at most: the slots the dead replica had claimed, up to the lookahead ahead.
            Duration longestGap = INTERVAL.plus(config.claimLookahead()).plus(INTERVAL);
            assertThat(gapsBetweenSlots(results)).as("slots of target %d", target)
                    .allSatisfy(gap -> assertThat(gap).isBetween(INTERVAL, longestGap));
        }
    }

    @Test
    void registryChangesReachTheScheduleWithinOneInterval() throws Exception {
        String app = registry.app("changes", 1);
        long removed = TestApps.target(app, "old", server.baseUrl() + "/changes/old");
        engines.start("replica-changes");
        Engines.awaitUntil(Duration.ofSeconds(5), "the first target is probed",
                () -> server.requestCount("/changes/old/health") > 0);

        long added = TestApps.target(app, "new", server.baseUrl() + "/changes/new");
        TestApps.setTargetEnabled(removed, false);
        Thread.sleep(INTERVAL.plus(config.claimLookahead()).toMillis());
        int probesAfterDisabling = server.requestCount("/changes/old/health");
        String slowApp = registry.app("retimed", 3600);
        TestApps.target(slowApp, "prod", server.baseUrl() + "/changes/retimed");
        // The 1 s app makes the replica sync every second: the hour-interval target is scheduled by now.
        Thread.sleep(2_000);
        TestApps.setCheckInterval(slowApp, 1);

        Engines.awaitUntil(Duration.ofSeconds(3), "the added target is probed",
                () -> server.requestCount("/changes/new/health") > 0);
        Engines.awaitUntil(INTERVAL.multipliedBy(3).plusSeconds(2), "the app whose interval fell to 1 s is probed twice",
                () -> server.requestCount("/changes/retimed/health") >= 2);
        assertThat(server.requestCount("/changes/old/health")).as("no probe of the disabled target")
                .isEqualTo(probesAfterDisabling);
        assertThat(registry.results(app)).extracting(StoredResult::targetId).contains(added);
    }

    @Test
    void anUnchangedRegistryIsNotSyncedAgainUntilAWriteChangesIt() throws Exception {
        String app = registry.app("unchanged", 1);
        TestApps.target(app, "first", server.baseUrl() + "/unchanged/first");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        engines.start("replica-unchanged", meters, Map.of());
        // The 1 s app makes the replica sync every second.
        Engines.awaitUntil(Duration.ofSeconds(6), "three unchanged syncs", () -> syncs(meters, "unchanged") >= 3);
        assertThat(syncs(meters, "full")).as("full syncs while nothing changed: the first only").isEqualTo(1);

        TestApps.target(app, "second", server.baseUrl() + "/unchanged/second");

        Engines.awaitUntil(Duration.ofSeconds(4), "the target added since is probed",
                () -> server.requestCount("/unchanged/second/health") > 0);
        assertThat(syncs(meters, "full")).as("full syncs: the first, and the one after the write").isEqualTo(2);
    }

    private static double syncs(SimpleMeterRegistry meters, String kind) {
        return meters.get("rampart.prober.schedule.syncs").tag("kind", kind).counter().count();
    }

    @Test
    void aSlotMoreThanHalfAnIntervalLateIsSkippedSoNoTargetIsProbedTwiceInOneInterval() throws Exception {
        // As after a database outage: the schedule's rows fell due while no replica could claim them.
        String app = registry.app("late", 4);
        long late = TestApps.target(app, "late", server.baseUrl() + "/late/late");
        long slightlyLate = TestApps.target(app, "slightly", server.baseUrl() + "/late/slightly");
        Instant now = Instant.now();
        Instant lateSlot = now.minusSeconds(3);
        Instant slightlyLateSlot = now.minusSeconds(1);
        // Claimed before (a lease on an earlier slot): their late slots are missed ones.
        pool.preparedQuery("insert into probe_schedule (target_id, next_due_at, interval_seconds, lease_until)"
                        + " values ($1, $2, 4, $2 - interval '1 s'), ($3, $4, 4, $4 - interval '1 s')")
                .execute(Tuple.of(late, lateSlot.atOffset(java.time.ZoneOffset.UTC), slightlyLate,
                        slightlyLateSlot.atOffset(java.time.ZoneOffset.UTC)))
                .await().atMost(Duration.ofSeconds(5));
        ProbeEngine engine = engines.start("replica-late");
        Engines.awaitUntil(Duration.ofSeconds(5), "both targets are probed",
                () -> registry.results(app).stream().map(StoredResult::targetId).distinct().count() == 2);
        engines.stop(engine);

        Map<Long, List<StoredResult>> byTarget = registry.results(app).stream()
                .collect(Collectors.groupingBy(StoredResult::targetId));
        // The target's next slot: the slots of a target keep its phase (lateSlot, set by hand, has none).
        Instant nextSlot = pool.preparedQuery("select rampart_probe_slot_after($1, 4, $2) as next")
                .execute(Tuple.of(late, lateSlot.atOffset(java.time.ZoneOffset.UTC))).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getOffsetDateTime("next").toInstant();
        assertThat(nextSlot).isAfter(lateSlot).isBeforeOrEqualTo(lateSlot.plusSeconds(4));
        // 3 s late of 4: skipped. The first slot probed is the next one, or (where the replica took
        // over 2 s to start and claim) a later one in the target's phase; never one over half late.
        StoredResult first = byTarget.get(late).get(0);
        assertThat(first.scheduledAt()).as("3 s late of 4: skipped").isAfterOrEqualTo(nextSlot);
        assertThat(Duration.between(nextSlot, first.scheduledAt()).toMillis() % 4000).as("in the target's phase").isZero();
        assertThat(Duration.between(first.scheduledAt(), first.occurredAt())).as("started at most half an interval late")
                .isLessThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(byTarget.get(slightlyLate)).extracting(StoredResult::scheduledAt)
                .as("1 s late of 4: probed late, once").first()
                .isEqualTo(slightlyLateSlot.truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        assertThat(server.requestCount("/late/late/health")).isEqualTo(byTarget.get(late).size());
    }

    @Test
    void slotsThatPassedWhileALongSyncTookTargetsInAreNotProbedLate() throws Exception {
        // As a sync of 100,000 new targets leaves the schedule: it ran for seconds, and counted
        // each new row's first slot from its start, so 300 rows never claimed are 0 to 4 s late.
        String app = registry.app("long-sync", 60);
        registerTargets(app, "long-sync", 300);
        pool.preparedQuery("insert into probe_schedule (target_id, next_due_at, interval_seconds)"
                        + " select id, now() - (id % 300) * interval '13 milliseconds', 60"
                        + " from healthcheck_target where app_key = $1")
                .execute(Tuple.of(app)).await().atMost(Duration.ofSeconds(5));
        // The sync that commits them: it adds this one target's row too.
        TestApps.target(app, "last", server.baseUrl() + "/long-sync/last");
        Instant started = Instant.now();
        ProbeEngine engine = engines.start("replica-long-sync");
        Engines.awaitUntil(Duration.ofSeconds(10), "the schedule took the last target in",
                () -> registry.nextSlots(app).size() == 301);
        Thread.sleep(3_000);
        engines.stop(engine);

        assertThat(registry.nextSlots(app)).as("every row's next slot").allSatisfy(slot ->
                assertThat(slot).isAfter(started).isBefore(started.plusSeconds(75)));
        // Their first slots are the next ones after the sync: about 3 s of 60 of them came due in the test.
        assertThat(registry.results(app)).as("probes made").isNotEmpty().allSatisfy(result -> {
            assertThat(result.scheduledAt()).as("a slot after the sync, none that passed before it").isAfter(started);
            assertThat(Duration.between(result.scheduledAt(), result.occurredAt())).as("started on time")
                    .isLessThan(Duration.ofMillis(500));
        });
    }

    @Test
    void aReplicaRunsNoMoreProbesAtOnceThanItsBound() throws Exception {
        String app = registry.app("bounded", 1);
        for (int i = 0; i < 6; i++) {
            TestApps.target(app, "t" + i, server.baseUrl() + "/slow/t" + i);
        }
        ProbeEngine engine = engines.start("replica-bounded", new SimpleMeterRegistry(), Map.of("maxInFlight", 2));
        Engines.awaitUntil(Duration.ofSeconds(15), "four timeouts are stored", () -> registry.results(app).size() >= 4);
        engines.stop(engine);

        assertThat(server.mostOpenSlowRequests()).as("requests open at once at the targets").isEqualTo(2);
        assertThat(registry.results(app)).allSatisfy(result -> {
            assertThat(result.outcome()).isEqualTo("TIMEOUT");
            assertThat(result.durationMs()).isEqualTo(3000);
        });
    }

    @Test
    void aSlotWhoseStartComesMoreThanHalfAnIntervalLateIsSkippedNotProbed() throws Exception {
        String app = registry.app("late-start", 2);
        for (int i = 0; i < 3; i++) {
            TestApps.target(app, "t" + i, server.baseUrl() + "/slow/late-start/t" + i);
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // One place, held 3 s by each probe of three never-answering targets due every 2 s: the
        // slots queue behind it, and most would start more than half their interval late.
        ProbeEngine engine = engines.start("replica-late-start", meters, Map.of("maxInFlight", 1));
        Engines.awaitUntil(Duration.ofSeconds(15), "late slots are skipped",
                () -> meters.counter("rampart.prober.late.slots.skipped").count() >= 3);
        engines.stop(engine);

        // At most half the 2 s interval, give or take the moment between the check and the start.
        assertThat(registry.results(app)).as("probes made").isNotEmpty().allSatisfy(result ->
                assertThat(Duration.between(result.scheduledAt(), result.occurredAt()))
                        .as("start of the slot at %s after it", result.scheduledAt())
                        .isLessThan(Duration.ofMillis(1_050)));
    }

    @Test
    void targetsRegisteredTogetherAreSpreadOverTheirInterval() throws Exception {
        String app = registry.app("spread", 60);
        registerTargets(app, "spread", 1000);
        Instant registered = Instant.now();
        engines.start("replica-spread");
        Engines.awaitUntil(Duration.ofSeconds(10), "the schedule took the targets in",
                () -> registry.nextSlots(app).size() == 1000);

        Map<Long, Long> perSecond = registry.nextSlots(app).stream()
                .collect(Collectors.groupingBy(slot -> slot.getEpochSecond(), Collectors.counting()));
        assertThat(perSecond.keySet().stream().mapToLong(Long::longValue).max().getAsLong()
                - perSecond.keySet().stream().mapToLong(Long::longValue).min().getAsLong())
                .as("seconds between the first and the last first slot").isGreaterThanOrEqualTo(50);
        // 1000 over 60 s is about 17 a second: a burst would be far above 60.
        assertThat(perSecond.values()).as("first slots in any one second").allSatisfy(count ->
                assertThat(count).isLessThan(60));
        assertThat(registry.nextSlots(app)).allSatisfy(slot ->
                assertThat(slot).isBetween(registered, registered.plusSeconds(75)));
    }

    /** {@code count} targets of the app in one statement, at /prefix/1 to /prefix/count. */
    private void registerTargets(String app, String prefix, int count) {
        pool.preparedQuery("insert into healthcheck_target (app_key, label, base_url)"
                        + " select $1, 't' || g, $2 || '/' || $3 || '/' || g from generate_series(1, $4) g")
                .execute(Tuple.of(app, server.baseUrl(), prefix, count)).await().atMost(Duration.ofSeconds(10));
    }

    private List<Long> targets(String app, String prefix, int count) {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(TestApps.target(app, "t" + i, server.baseUrl() + "/" + prefix + "/t" + i));
        }
        return ids;
    }

    private static String path(String prefix, long target, List<Long> targets) {
        return "/" + prefix + "/t" + targets.indexOf(target) + "/health";
    }

    private static List<Duration> gapsBetweenSlots(List<StoredResult> results) {
        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < results.size(); i++) {
            gaps.add(Duration.between(results.get(i - 1).scheduledAt(), results.get(i).scheduledAt()));
        }
        return gaps;
    }
}
