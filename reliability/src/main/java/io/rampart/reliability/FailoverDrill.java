package io.rampart.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The failover drill: the services on a primary with a streaming standby (synchronous, as the
 * prod overlay, or asynchronous), under the fault drill's load. The replication link is cut (with
 * a synchronous standby writes wait and ingest answers 503 with {@code Retry-After}), then, the
 * link still cut, the primary is killed (SIGKILL of every process of it), the standby promoted and
 * the services' front pointed at it, as CloudNativePG moves {@code rampart-db-rw}. The checks are the
 * fault drill's: every acknowledged event stored exactly once, no probe slot doubled.
 *
 * <p>Short form in every build ({@code FailoverDrillIT}), long form from {@code bench/reliability/run}:
 * {@code java -cp ... io.rampart.reliability.FailoverDrill [sync|async] [load seconds] [replicas]}.
 */
public final class FailoverDrill {

    /** Ingest's commit timeout in the drill, short so that a partition shows within it. */
    static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(3);
    /** One way, on the replication link: a standby in another zone under load, so an asynchronous one lags. */
    static final Duration LINK_LATENCY = Duration.ofMillis(20);
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** How long the standby is cut off before the primary dies. */
    static final Duration CUT_OFF = Duration.ofSeconds(8);

    /** What the drill saw while the replication link was cut: the answer to one host event. */
    record Partition(int status, String retryAfter, Duration answeredAfter) {
    }

    record Report(boolean synchronous, FaultDrill.Report checks, Partition partition, Duration promotion) {

        /**
         * The fault drill's promises (a doubled probe slot is one stored twice; how close two probes
         * of a target came is reported beside), and with a synchronous standby: nothing acknowledged
         * while none answers.
         */
        List<String> failures() {
            List<String> failures = checks.failuresButTargetSpacing();
            if (synchronous && (partition.status() != 503 || partition.retryAfter().equals("none"))) {
                failures.add("with no standby answering, a host event was answered " + partition.status()
                        + " (Retry-After: " + partition.retryAfter() + ")");
            }
            return failures;
        }

        String describe() {
            return String.format("Failover drill, %s standby%n", synchronous ? "synchronous" : "asynchronous")
                    + String.format("replication link cut: a host event was answered %d (Retry-After: %s) after %d ms%n",
                            partition.status(), partition.retryAfter(), partition.answeredAfter().toMillis())
                    + String.format("primary killed, standby promoted and the front moved in %d ms%n", promotion.toMillis())
                    + checks.describe()
                    + (failures().isEmpty() ? "FAILOVER DRILL PASSED\n" : "FAILOVER DRILL FAILED: " + String.join("; ", failures()) + "\n");
        }
    }

    private FailoverDrill() {
    }

    public static void main(String[] args) throws Exception {
        boolean synchronous = args.length == 0 || !"async".equals(args[0]);
        Duration load = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 120);
        int replicas = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Path root = Path.of(System.getProperty("rampart.project", ".")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("rampart-failover-");
        Report report = run(root, home, synchronous, shape(replicas), load);
        System.out.print(report.describe());
        System.out.println("logs: " + home.resolve("logs"));
        System.exit(report.failures().isEmpty() ? 0 : 1);
    }

    /** The fault drill's traffic with this many replicas of each service. */
    static Rig.Shape shape(int replicasPerService) {
        Rig.Shape traffic = FaultDrill.SHORT;
        return new Rig.Shape(replicasPerService, traffic.apps(), traffic.targetsPerApp(), traffic.intervalSeconds(),
                traffic.workers(), traffic.actionsPerSecond(), Cluster.ONE_LOCATION);
    }

    /**
     * A third of the load in, the replication link is cut; {@link #CUT_OFF} later, the link still
     * cut, the primary is killed and the standby promoted (a network partition, then the primary's
     * node lost: the case where an asynchronous standby lacks acknowledged commits); then the load
     * runs to its end.
     */
    static Report run(Path projectRoot, Path home, boolean synchronous, Rig.Shape shape, Duration load) throws Exception {
        List<String> timeline = new ArrayList<>();
        try (ReplicatedPostgres database = ReplicatedPostgres.start(home.resolve("postgres"), synchronous, LINK_LATENCY)) {
            Cluster cluster = Cluster.onDatabase(projectRoot, home, database.frontPort(), shape.replicasPerService(),
                    Map.of("RAMPART_INGEST_WRITER_COMMIT_TIMEOUT", COMMIT_TIMEOUT.toMillis() + "ms"));
            try (Rig rig = Rig.on(cluster, home, shape)) {
                Instant start = Instant.now();
                rig.load.start();
                FaultDrill.note(timeline, start, "load started: " + shape + ", " + (synchronous ? "synchronous" : "asynchronous")
                        + " standby, replication link " + LINK_LATENCY.toMillis() + " ms each way");

                FaultDrill.sleepUntil(start, load.dividedBy(3));
                database.link().pause();
                FaultDrill.note(timeline, start, "replication link cut");
                Partition partition = sendOneEvent(rig);
                FaultDrill.note(timeline, start, "a host event sent meanwhile was answered " + partition.status());

                // The primary dies while its standby is cut off: what was acknowledged meanwhile is
                // on the standby only if commits waited for it.
                FaultDrill.sleepUntil(start, load.dividedBy(3).plus(CUT_OFF));
                Instant killed = Instant.now();
                database.killPrimary();
                FaultDrill.note(timeline, start, "primary killed (SIGKILL of the postmaster and its processes)");
                database.promoteStandby();
                Duration promotion = Duration.between(killed, Instant.now());
                FaultDrill.note(timeline, start, "standby promoted, the services' front points at it");

                FaultDrill.sleepUntil(start, load);
                var tally = rig.load.finish(PATIENCE);
                FaultDrill.note(timeline, start, "load stopped, retries drained");
                rig.cluster.awaitAllReady();
                FaultDrill.note(timeline, start, "every replica ready");
                Instant settled = Instant.now();
                Thread.sleep(Duration.ofSeconds(shape.intervalSeconds() * 2L + 3).toMillis());
                FaultDrill.Report checks = FaultDrill.verify(rig, tally, settled, rig.cluster.readiness(), load, timeline);
                return new Report(synchronous, checks, partition, promotion);
            }
        }
    }

    /** One host event (an id outside the ledger's) to the first ingest replica, timed. */
    private static Partition sendOneEvent(Rig rig) throws IOException, InterruptedException {
        String body = """
                {"events": [{"type": "IFRAME_LOAD", "appKey": "%s", "occurredAt": "%s", "durationMs": 120,
                             "connected": true, "eventId": "partition-%d"}]}"""
                .formatted(rig.appKeys().get(0), Instant.now(), System.nanoTime());
        String token = rig.cluster.keys().token("failover-host", "host", List.of(), Duration.ofHours(1));
        Instant sent = Instant.now();
        HttpResponse<String> answer = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(rig.cluster.urls("event-ingest").get(0) + "/api/v1/host-events"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Partition(answer.statusCode(), answer.headers().firstValue("Retry-After").orElse("none"),
                Duration.between(sent, Instant.now()));
    }
}
