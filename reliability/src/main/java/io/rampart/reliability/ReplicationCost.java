package io.rampart.reliability;

import io.rampart.store.local.LocalPostgres;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a synchronous standby costs, measured side by side in one run on one replicated pair
 * (docs/deploy.md, "Synchronous replication"): the commit latency of one-row transactions, and
 * event-ingest's throughput under a steady flood of host events, each with the standby
 * synchronous and without (the same servers: {@code synchronous_standby_names} is switched between
 * rounds, alternating, so the machine's drift falls on both alike).
 *
 * <p>{@code java -cp ... io.rampart.reliability.ReplicationCost [seconds per round] [link latency ms]}
 */
public final class ReplicationCost {

    private static final int ROUNDS = 2;
    private static final int EVENTS_PER_REQUEST = 100;
    private static final int SENDERS = 8;

    private ReplicationCost() {
    }

    public static void main(String[] args) throws Exception {
        Duration round = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 15);
        Duration latency = Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 0);
        Path root = Path.of(System.getProperty("rampart.project", ".")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("rampart-replication-cost-");
        try (ReplicatedPostgres database = ReplicatedPostgres.start(home.resolve("postgres"), true, latency);
                Cluster cluster = Cluster.onDatabase(root, home, database.frontPort(), List.of("event-ingest"), 1,
                        Map.of())) {
            String url = "jdbc:postgresql://localhost:" + database.frontPort() + "/" + LocalPostgres.DATABASE;
            String appKey = "com.example.replication-cost";
            try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                    Statement statement = connection.createStatement()) {
                statement.execute("insert into app (app_key, name) values ('" + appKey + "', 'Replication cost')");
                statement.execute("create table if not exists commit_probe (id bigserial primary key, at timestamptz)");
            }
            String token = cluster.keys().token("replication-cost", "host", List.of(), Duration.ofHours(2));
            String ingest = cluster.urls("event-ingest").get(0);
            System.out.printf("Replication cost, one primary and one standby on loopback (link latency %d ms each way),"
                    + " %d s per round, rounds alternating%n", latency.toMillis(), round.toSeconds());
            double[][] commits = {new double[0], new double[0]};
            long[] events = new long[2];
            long[] millis = new long[2];
            for (int r = 0; r < ROUNDS; r++) {
                for (int mode = 0; mode < 2; mode++) {
                    boolean synchronous = mode == 0;
                    database.setSynchronous(synchronous);
                    commits[mode] = concat(commits[mode], commitLatencies(url, round.dividedBy(3)));
                    Instant start = Instant.now();
                    events[mode] += flood(ingest, token, appKey, round);
                    millis[mode] += Duration.between(start, Instant.now()).toMillis();
                }
            }
            String[] names = {"synchronous standby", "no synchronous standby"};
            for (int mode = 0; mode < 2; mode++) {
                double[] sorted = commits[mode].clone();
                Arrays.sort(sorted);
                System.out.printf("%-24s commit latency p50 %.2f ms, p99 %.2f ms (%d commits); ingest %.0f events/s%n",
                        names[mode], sorted[sorted.length / 2], sorted[(int) (sorted.length * 0.99)], sorted.length,
                        events[mode] * 1000.0 / millis[mode]);
            }
            System.out.printf("ratio synchronous / without: commit p50 %.2f, ingest throughput %.2f%n",
                    median(commits[0]) / median(commits[1]),
                    (events[0] * 1000.0 / millis[0]) / (events[1] * 1000.0 / millis[1]));
        }
    }

    /** One-row insert-and-commit transactions, one after the other, for {@code length}; each one's time in ms. */
    private static double[] commitLatencies(String url, Duration length) throws SQLException {
        List<Double> times = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                PreparedStatement insert = connection.prepareStatement("insert into commit_probe (at) values (now())")) {
            long end = System.nanoTime() + length.toNanos();
            while (System.nanoTime() < end) {
                long started = System.nanoTime();
                insert.executeUpdate();
                times.add((System.nanoTime() - started) / 1e6);
            }
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Host events from {@link #SENDERS} senders as fast as ingest acknowledges them; answers how many it did. */
    private static long flood(String ingest, String token, String appKey, Duration length) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            senders.submit(() -> {
                while (System.nanoTime() < end) {
                    StringBuilder body = new StringBuilder("{\"events\": [");
                    for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
                        body.append(i == 0 ? "" : ",").append("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"").append(appKey)
                                .append("\", \"occurredAt\": \"").append(Instant.now()).append("\", \"durationMs\": ")
                                .append(200 + i).append(", \"connected\": true}");
                    }
                    body.append("]}");
                    try {
                        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(ingest + "/api/v1/host-events"))
                                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        if (answer.statusCode() == 200) {
                            acknowledged.addAndGet(EVENTS_PER_REQUEST);
                        } else if (refusals.incrementAndGet() == 1) {
                            System.out.println("ingest refused a request: " + answer.statusCode() + " " + answer.body());
                        }
                    } catch (IOException e) {
                        if (refusals.incrementAndGet() == 1) {
                            System.out.println("a request to ingest failed: " + e);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        senders.shutdown();
        senders.awaitTermination(length.toSeconds() + 60, TimeUnit.SECONDS);
        return acknowledged.get();
    }

    private static double[] concat(double[] a, double[] b) {
        double[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
