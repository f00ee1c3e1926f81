package io.rampart.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The fault drill: two replicas of every service on one PostgreSQL under a mixed load, the
 * prober's in each of two probe locations; in every minute of it one replica of each (of each
 * location) is killed (SIGKILL), PostgreSQL is stopped and started again, the killed replicas come
 * back, and the others are restarted gracefully. Then it checks, against the load generator's own
 * ledger and the targets' own request log: every acknowledged event stored exactly once, no target
 * probed twice in one interval from one location, every target probed from every location after
 * it, every replica ready again, and no ERROR in any replica's log.
 *
 * <p>Run by {@code DrillIT} in a short form on every build, and from {@code bench/reliability/run}
 * in a long one: {@code java -cp ... io.rampart.reliability.FaultDrill [load seconds]}.
 */
public final class FaultDrill {

    /** The short form's shape: what {@code .ci/run} affords on two cores. */
    static final Rig.Shape SHORT = new Rig.Shape(2, 4, 5, 5, 4, 30, List.of("eu", "us"));
    private static final Duration DATABASE_DOWN = Duration.ofSeconds(5);
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    /** Each round of faults takes a minute of load: the short form is one round, the long form ten. */
    static final Duration ROUND = Duration.ofSeconds(60);

    /** Everything the drill counted; {@link #failures()} lists what broke a promise. */
    record Report(Duration load, LoadGenerator.Tally tally, long eventsStored, long acknowledgedStoredOnce,
            long acknowledgedMissing, long storedMoreThanOnce, long storedWithoutAcknowledgement, long probesMade,
            long probesStored, Map<String, Long> probesStoredByLocation, long doubleProbes,
            long shortestProbeGapMillis, long slotsStoredTwice,
            long targetLocations, long targetLocationsProbedAfterDrill,
            Map<String, Integer> readiness, List<String> errorLogLines, List<String> timeline) {

        List<String> failures() {
            List<String> failures = failuresButTargetSpacing();
            check(failures, doubleProbes == 0,
                    doubleProbes + " probes came within half an interval (less the farm's slack) of the one before");
            return failures;
        }

        /** Every promise but the spacing of the probes at the targets (the failover drill reports that apart). */
        List<String> failuresButTargetSpacing() {
            List<String> failures = new ArrayList<>();
            check(failures, tally.eventsAcknowledged() > 0, "no event was acknowledged");
            check(failures, acknowledgedMissing == 0, acknowledgedMissing + " acknowledged events are not stored");
            check(failures, storedMoreThanOnce == 0, storedMoreThanOnce + " events are stored more than once");
            check(failures, acknowledgedStoredOnce == tally.eventsAcknowledged(),
                    "the ledger's acknowledged events do not match the generator's count");
            check(failures, tally.eventsRejected() == 0, tally.eventsRejected() + " events were refused with a 4xx");
            check(failures, tally.eventsGivenUp() == 0, tally.eventsGivenUp() + " events were never acknowledged");
            check(failures, probesMade > 0 && probesStored > 0, "no probe was made or stored");
            check(failures, slotsStoredTwice == 0, slotsStoredTwice + " slots are stored twice");
            check(failures, targetLocationsProbedAfterDrill == targetLocations,
                    (targetLocations - targetLocationsProbedAfterDrill)
                            + " targets were not probed from one of their locations after the drill");
            check(failures, readiness.values().stream().allMatch(status -> status == 200), "not ready: " + readiness);
            // A restart of the database is an operator's routine: nothing in it may page anyone.
            check(failures, errorLogLines.isEmpty(), errorLogLines.size() + " ERROR lines in the services' logs, first: "
                    + errorLogLines.stream().findFirst().orElse(""));
            long serverErrors = tally.answers().entrySet().stream()
                    .filter(answer -> answer.getKey().matches(".* 5\\d\\d") && !answer.getKey().endsWith(" 503"))
                    .mapToLong(Map.Entry::getValue).sum();
            check(failures, serverErrors == 0, serverErrors + " answers were a 5xx other than 503: " + tally.answers());
            return failures;
        }

        private static void check(List<String> failures, boolean kept, String broken) {
            if (!kept) {
                failures.add(broken);
            }
        }

        String describe() {
            StringBuilder text = new StringBuilder();
            text.append(String.format("Fault drill, %d s of load%n", load.toSeconds()));
            timeline.forEach(step -> text.append("  ").append(step).append('\n'));
            text.append(String.format("events:  sent %d, acknowledged %d, stored %d; acknowledged and stored once %d,"
                            + " acknowledged but missing %d, stored twice %d, stored without acknowledgement %d,"
                            + " refused %d, given up %d%n", tally.eventsSent(), tally.eventsAcknowledged(),
                    eventsStored, acknowledgedStoredOnce, acknowledgedMissing, storedMoreThanOnce,
                    storedWithoutAcknowledgement, tally.eventsRejected(), tally.eventsGivenUp()));
            text.append(String.format("probes:  made %d (requests at the targets), stored %d %s, double probes %d"
                    + " (closest two of one target %d ms apart), slots stored twice %d; %d of %d targets x locations"
                    + " probed after the drill%n", probesMade,
                    probesStored, probesStoredByLocation, doubleProbes, shortestProbeGapMillis, slotsStoredTwice,
                    targetLocationsProbedAfterDrill, targetLocations));
            text.append(String.format("reads:   %d%n", tally.reads()));
            text.append("answers: ").append(tally.answers()).append('\n');
            text.append("ready:   ").append(readiness).append('\n');
            text.append(String.format("logs:    %d ERROR lines%n", errorLogLines.size()));
            List<String> failures = failures();
            text.append(failures.isEmpty() ? "PASSED\n" : "FAILED: " + String.join("; ", failures) + "\n");
            return text.toString();
        }
    }

    private FaultDrill() {
    }

    public static void main(String[] args) throws Exception {
        Duration load = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 90);
        Path root = Path.of(System.getProperty("rampart.project", ".")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("rampart-drill-");
        Report report = run(root, home, SHORT, load);
        System.out.print(report.describe());
        System.out.println("logs: " + home.resolve("logs"));
        System.exit(report.failures().isEmpty() ? 0 : 1);
    }

    static Report run(Path projectRoot, Path home, Rig.Shape shape, Duration load) throws Exception {
        List<String> timeline = new ArrayList<>();
        try (Rig rig = Rig.start(projectRoot, home, shape)) {
            Instant start = Instant.now();
            rig.load.start();
            note(timeline, start, "load started: " + shape);
            for (int round = 0; round < rounds(load); round++) {
                faultRound(rig.cluster, start.plus(ROUND.multipliedBy(round)), round, start, timeline);
            }

            sleepUntil(start, load);
            LoadGenerator.Tally tally = rig.load.finish(PATIENCE);
            note(timeline, start, "load stopped, retries drained");
            rig.cluster.awaitAllReady();
            note(timeline, start, "every replica ready");
            // Two intervals more: every target is probed again and buffered results are written.
            Instant settled = Instant.now();
            Thread.sleep(Duration.ofSeconds(shape.intervalSeconds() * 2L + 3).toMillis());
            return verify(rig, tally, settled, rig.cluster.readiness(), load, timeline);
        }
    }

    static Report verify(Rig rig, LoadGenerator.Tally tally, Instant settled,
            Map<String, Integer> readiness, Duration load, List<String> timeline) throws SQLException, IOException {
        Set<String> acknowledged;
        try (var lines = Files.lines(rig.ledger)) {
            acknowledged = lines.map(line -> line.substring("ACK ".length())).collect(Collectors.toSet());
        }
        Map<String, Long> stored = new HashMap<>();
        try (Connection database = rig.cluster.database(); PreparedStatement events = database.prepareStatement(
                "select event_id, count(*) from app_event where app_key = any(?) and event_id like ? group by event_id")) {
            events.setArray(1, database.createArrayOf("text", rig.appKeys().toArray()));
            events.setString(2, rig.load.eventIdPrefix() + "%");
            try (ResultSet rows = events.executeQuery()) {
                while (rows.next()) {
                    stored.put(rows.getString(1), rows.getLong(2));
                }
            }
        }
        long onceAcknowledged = acknowledged.stream().filter(id -> stored.getOrDefault(id, 0L) == 1).count();
        long missing = acknowledged.stream().filter(id -> !stored.containsKey(id)).count();
        long twice = stored.values().stream().filter(count -> count > 1).count();
        Set<String> unacknowledged = new HashSet<>(stored.keySet());
        unacknowledged.removeAll(acknowledged);

        Map<String, Long> probesByLocation = rig.probesStoredByLocation();
        // Each slot once per location: the locations probe the same slots.
        long slotsTwice = rig.count("select count(*) from (select target_id, location, scheduled_at from probe_result"
                + " where app_key = any(?) group by 1, 2, 3 having count(*) > 1) as twice");
        long targetLocations = rig.count("select count(*) from healthcheck_target where app_key = any(?)")
                * rig.shape.proberLocations().size();
        long probedAfter = rig.count("select count(distinct (target_id, location)) from probe_result"
                + " where app_key = any(?) and occurred_at >= ?", Timestamp.from(settled));
        return new Report(load, tally, stored.values().stream().mapToLong(Long::longValue).sum(), onceAcknowledged,
                missing, twice, unacknowledged.size(), rig.farm.requests(),
                probesByLocation.values().stream().mapToLong(Long::longValue).sum(), probesByLocation,
                rig.farm.doubleProbes(rig.shape.intervalSeconds() * 1000L), rig.farm.shortestGapMillis(), slotsTwice,
                targetLocations, probedAfter,
                readiness,
                errorLines(rig.cluster.logDirectory()), timeline);
    }

    /** The ERROR lines the replicas logged (plain text: the local profile), each with its file's name. */
    private static List<String> errorLines(Path logDirectory) throws IOException {
        List<String> errors = new ArrayList<>();
        try (var logs = Files.list(logDirectory)) {
            for (Path log : logs.sorted().toList()) {
                try (var lines = Files.lines(log)) {
                    lines.filter(line -> line.contains(" ERROR ["))
                            .forEach(line -> errors.add(log.getFileName() + ": " + line));
                }
            }
        }
        return errors;
    }

    private static long rounds(Duration load) {
        return Math.max(1, load.toSeconds() / ROUND.toSeconds());
    }

    /**
     * One round of faults: a fifth in, one replica of each service (of each probe location) is
     * killed (the first replicas in even rounds, the second in odd ones); two fifths in, PostgreSQL goes down for five seconds;
     * three fifths in, the killed replicas start again, as Kubernetes restarts a pod's container;
     * four fifths in, the other replicas are stopped gracefully and started again, one service after
     * the other, as a rolling deployment does (the graceful path: in-flight work finished, claimed
     * probe slots handed back).
     */
    private static void faultRound(Cluster cluster, Instant roundStart, int round, Instant start, List<String> timeline)
            throws IOException, InterruptedException {
        List<String> killed = cluster.replicasNumbered(round % 2 + 1);
        sleepUntil(roundStart, ROUND.multipliedBy(2).dividedBy(10));
        for (String name : killed) {
            cluster.kill(name);
        }
        note(timeline, start, "killed (SIGKILL) " + killed);

        sleepUntil(roundStart, ROUND.multipliedBy(4).dividedBy(10));
        note(timeline, start, "PostgreSQL stopping");
        cluster.restartDatabase(DATABASE_DOWN);
        note(timeline, start, "PostgreSQL started again after " + DATABASE_DOWN.toSeconds() + " s down");

        sleepUntil(roundStart, ROUND.multipliedBy(6).dividedBy(10));
        for (String name : killed) {
            cluster.restart(name);
        }
        note(timeline, start, "killed replicas starting again");

        sleepUntil(roundStart, ROUND.multipliedBy(8).dividedBy(10));
        // As a rolling deployment, which stops an old pod only once its replacement is ready.
        cluster.awaitReady(killed);
        List<String> others = cluster.replicasNumbered(2 - round % 2);
        for (String name : others) {
            cluster.stop(name);
            cluster.restart(name);
        }
        note(timeline, start, "rolling restart (SIGTERM, then start again) of " + others);
    }

    static void sleepUntil(Instant start, Duration offset) throws InterruptedException {
        long wait = Duration.between(Instant.now(), start.plus(offset)).toMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    static void note(List<String> timeline, Instant start, String step) {
        timeline.add(String.format("%6.1f s  %s", Duration.between(start, Instant.now()).toMillis() / 1000.0, step));
    }
}
