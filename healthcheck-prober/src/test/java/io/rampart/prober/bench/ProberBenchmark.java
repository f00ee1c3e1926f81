package io.rampart.prober.bench;

import io.rampart.store.local.LocalPostgres;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prober's benchmark (run by bench/prober/run, figures defined in docs/prober.md). On this
 * machine, against one loopback target that answers 200 at once:
 * <ol>
 * <li>blackbox_exporter's probe rate: hey drives its /probe endpoint at full speed;</li>
 * <li>the prober's probe rate: the packaged service, as many probes in flight as hey keeps
 * requests, with more 1 s targets than it can probe;</li>
 * <li>scale: 100,000 targets at a 60 s interval for a whole interval: probes/s, scheduling lag,
 * the latency the prober records for a target that answers at once, heap and RSS.</li>
 * </ol>
 * Every figure is read from what the service stored in probe_result, the same data sli-api reads.
 */
public final class ProberBenchmark {

    private static final Pattern HEY_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)$");

    private final Path work;
    private final String proberJar;
    private final int scaleTargets = setting("BENCH_TARGETS", 100_000);
    private final int scaleInterval = setting("BENCH_INTERVAL_SECONDS", 60);
    private final int scaleWindow = setting("BENCH_SCALE_SECONDS", 60);
    private final int maxRateTargets = setting("BENCH_MAX_RATE_TARGETS", 20_000);
    private final int maxRateWindow = setting("BENCH_MAX_RATE_SECONDS", 20);
    private final int heySeconds = setting("BENCH_HEY_SECONDS", 20);
    private final int heyConcurrency = setting("BENCH_HEY_CONCURRENCY", 64);
    private final HttpClient http = HttpClient.newHttpClient();
    private String metricsUrl;

    private ProberBenchmark(Path work, String proberJar) {
        this.work = work;
        this.proberJar = proberJar;
    }

    public static void main(String... args) throws Exception {
        new ProberBenchmark(Path.of(args[0]), args[1]).run();
    }

    private void run() throws Exception {
        Files.createDirectories(work);
        Vertx vertx = Vertx.vertx();
        // The target answers 200 at once, on every event loop, so that it limits neither prober.
        int targetPort = freePort();
        vertx.deployVerticle(() -> new io.vertx.core.AbstractVerticle() {
            @Override
            public void start() {
                vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(4096))
                        .requestHandler(request -> request.response().end("ok")).listen(targetPort, "127.0.0.1");
            }
        }, new DeploymentOptions().setInstances(2)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        String target = "http://127.0.0.1:" + targetPort;
        System.out.printf("target: %s (200 at once); machine: %d cores%n", target,
                Runtime.getRuntime().availableProcessors());

        double blackboxRate = blackboxRate(target);
        try (LocalPostgres postgres = LocalPostgres.start(Files.createTempDirectory(work, "postgres-"), 0)) {
            String jdbc = "jdbc:postgresql://localhost:" + postgres.port() + "/" + LocalPostgres.DATABASE;
            try (Connection db = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
                // As many probes at once as hey keeps requests in flight to blackbox_exporter.
                Process prober = startProber(postgres.port(),
                        Map.of("RAMPART_PROBER_MAX_IN_FLIGHT", Integer.toString(heyConcurrency)));
                double proberRate;
                try {
                    proberRate = proberMaxRate(db, target);
                } finally {
                    stop(prober);
                }
                System.out.printf(Locale.ROOT, "RATIO prober / blackbox_exporter probe rate: %.2fx (target: >= 2x)%n",
                        proberRate / blackboxRate);
                prober = startProber(postgres.port(), Map.of());
                try {
                    scale(db, target, prober);
                } finally {
                    stop(prober);
                }
            }
        } finally {
            vertx.close();
        }
    }

    /** blackbox_exporter's /probe, driven by hey at full speed for heySeconds. */
    private double blackboxRate(String target) throws Exception {
        Path config = work.resolve("blackbox.yml");
        Files.writeString(config, """
                modules:
                  http_200:
                    prober: http
                    timeout: 3s
                    http:
                      valid_status_codes: [200]
                      follow_redirects: false
                      preferred_ip_protocol: ip4
                """);
        int port = freePort();
        Process exporter = new ProcessBuilder("prometheus-blackbox-exporter", "--config.file=" + config,
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("blackbox.log").toFile()).start();
        try {
            String probe = "http://127.0.0.1:" + port + "/probe?module=http_200&target=" + target + "/health";
            String answer = awaitAnswer(probe, Duration.ofSeconds(20));
            if (!answer.contains("probe_success 1")) {
                throw new IllegalStateException("blackbox_exporter does not succeed on the target:\n" + answer);
            }
            Process hey = new ProcessBuilder("hey", "-z", heySeconds + "s", "-c", Integer.toString(heyConcurrency), probe)
                    .redirectErrorStream(true).start();
            String report = new String(hey.getInputStream().readAllBytes());
            hey.waitFor();
            Matcher rate = HEY_RATE.matcher(report);
            if (!rate.find()) {
                throw new IllegalStateException("no rate in hey's report:\n" + report);
            }
            double probesPerSecond = Double.parseDouble(rate.group(1));
            System.out.printf(Locale.ROOT, "blackbox_exporter %s: %.0f probes/s (hey -z %ds -c %d on /probe)%n",
                    version(), probesPerSecond, heySeconds, heyConcurrency);
            return probesPerSecond;
        } finally {
            exporter.destroy();
            exporter.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The packaged service on the benchmark database, with its default settings but for {@code settings}. */
    private Process startProber(int databasePort, Map<String, String> settings) throws Exception {
        int httpPort = freePort();
        int managementPort = freePort();
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx512m", "-jar", proberJar)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("prober.log").toFile()));
        builder.environment().putAll(settings);
        builder.environment().putAll(Map.of(
                "RAMPART_DB_HOST", "localhost", "RAMPART_DB_PORT", Integer.toString(databasePort),
                "RAMPART_DB_NAME", LocalPostgres.DATABASE, "RAMPART_DB_USER", LocalPostgres.USER,
                "RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD, "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "RAMPART_PROBER_REPLICA_ID", "bench", "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                // The benchmark's targets are on loopback, which production's guard blocks.
                "RAMPART_PROBER_ALLOW_PRIVATE_NETWORKS", "true"));
        Process prober = builder.start();
        metricsUrl = "http://127.0.0.1:" + managementPort + "/q/metrics";
        awaitAnswer("http://127.0.0.1:" + managementPort + "/q/health/ready", Duration.ofSeconds(60));
        System.out.printf("prober: %s -Xmx512m, pid %d, default settings%s%n", proberJar, prober.pid(),
                settings.isEmpty() ? "" : " but " + settings);
        return prober;
    }

    /** Stops the service as Kubernetes would (SIGTERM: in-flight probes finish, results are written). */
    private static void stop(Process prober) throws InterruptedException {
        prober.destroy();
        prober.waitFor(60, TimeUnit.SECONDS);
    }

    /** More 1 s targets than the prober can probe: what it completes per second is its ceiling. */
    private double proberMaxRate(Connection db, String target) throws Exception {
        addTargets(db, "max", maxRateTargets, 1, target);
        Thread.sleep(5_000); // the schedule takes the targets in and the JIT warms up
        Window window = measure(db, "max", maxRateWindow);
        disable(db, "max");
        System.out.printf(Locale.ROOT, "prober max rate: %.0f probes/s (%d targets at 1 s, %d s window, %s)%n",
                window.probesPerSecond, maxRateTargets, maxRateWindow, window.outcomes);
        return window.probesPerSecond;
    }

    /** scaleTargets at scaleInterval for scaleWindow seconds, after a warm-up. */
    private void scale(Connection db, String target, Process prober) throws Exception {
        long inserted = System.nanoTime();
        addTargets(db, "scale", scaleTargets, scaleInterval, target);
        System.out.printf("scale: %d targets registered in %d ms%n", scaleTargets,
                (System.nanoTime() - inserted) / 1_000_000);
        Thread.sleep(10_000);
        double cpuBefore = cpuSeconds(prober);
        Window window = measure(db, "scale", scaleWindow);
        // measure() also waits 4 s past the window for late writes: CPU over the whole stretch.
        double cores = (cpuSeconds(prober) - cpuBefore) / (scaleWindow + 4);
        String metrics = awaitAnswer(metricsUrl, Duration.ofSeconds(10));
        double heapMiB = 0;
        for (Matcher heap = HEAP_USED.matcher(metrics); heap.find(); ) {
            heapMiB += Double.parseDouble(heap.group(1)) / (1024 * 1024);
        }
        String status = Files.readString(Path.of("/proc/" + prober.pid() + "/status"));
        System.out.printf(Locale.ROOT, """
                        SCALE %d targets at %d s, %d s window:
                          probes/s            %.0f (expected %.0f; %s)
                          scheduling lag      p50 %.1f ms, p99 %.1f ms, max %.1f ms
                          probe latency       p50 %d ms, p99 %d ms (target answers at once: all of it is connect + prober)
                          prober CPU          %.2f cores
                          heap used           %.0f MiB (-Xmx512m)
                          RSS                 %s, peak %s
                        """, scaleTargets, scaleInterval, scaleWindow, window.probesPerSecond,
                (double) scaleTargets / scaleInterval, window.outcomes, window.lagP50Ms, window.lagP99Ms,
                window.lagMaxMs, window.durationP50Ms, window.durationP99Ms, cores, heapMiB,
                procField(status, "VmRSS"), procField(status, "VmHWM"));
        boolean lagOk = window.lagP99Ms < 1000;
        System.out.printf("TARGET p99 scheduling lag < 1 s at %d targets / %d s: %s%n", scaleTargets, scaleInterval,
                lagOk ? "met" : "MISSED");
    }

    private record Window(double probesPerSecond, String outcomes, double lagP50Ms, double lagP99Ms, double lagMaxMs,
                          int durationP50Ms, int durationP99Ms) {
    }

    /** Figures of the probes of the given bench apps that started within the next {@code seconds}. */
    private Window measure(Connection db, String kind, int seconds) throws SQLException, InterruptedException {
        java.sql.Timestamp from;
        try (ResultSet now = db.createStatement().executeQuery("select now()")) {
            now.next();
            from = now.getTimestamp(1);
        }
        Thread.sleep(seconds * 1000L);
        // Probes that started in the window; those still in flight or buffered at its end are
        // written within a second, so wait for them before counting.
        Thread.sleep(4_000);
        String inWindow = "from probe_result where app_key like 'bench." + kind + ".%' and occurred_at >= ?"
                + " and occurred_at < ?";
        try (var query = db.prepareStatement("select count(*),"
                + " percentile_disc(0.5) within group (order by extract(epoch from occurred_at - scheduled_at) * 1000),"
                + " percentile_disc(0.99) within group (order by extract(epoch from occurred_at - scheduled_at) * 1000),"
                + " max(extract(epoch from occurred_at - scheduled_at) * 1000),"
                + " percentile_disc(0.5) within group (order by duration_ms),"
                + " percentile_disc(0.99) within group (order by duration_ms) " + inWindow);
                var outcomes = db.prepareStatement("select string_agg(outcome || ' ' || n, ', ') from"
                        + " (select outcome, count(*) as n " + inWindow + " group by outcome) o")) {
            java.sql.Timestamp to = new java.sql.Timestamp(from.getTime() + seconds * 1000L);
            query.setTimestamp(1, from);
            query.setTimestamp(2, to);
            outcomes.setTimestamp(1, from);
            outcomes.setTimestamp(2, to);
            try (ResultSet row = query.executeQuery(); ResultSet outcome = outcomes.executeQuery()) {
                row.next();
                outcome.next();
                return new Window(row.getLong(1) / (double) seconds, outcome.getString(1), row.getDouble(2),
                        row.getDouble(3), row.getDouble(4), row.getInt(5), row.getInt(6));
            }
        }
    }

    private static void addTargets(Connection db, String kind, int count, int intervalSeconds, String target)
            throws SQLException {
        // 100 targets an app, as sli-api would store them.
        try (Statement statement = db.createStatement()) {
            statement.execute("insert into app (app_key, name, check_interval_seconds) select 'bench." + kind
                    + ".' || g, 'Bench', " + intervalSeconds + " from generate_series(0, " + ((count - 1) / 100) + ") g");
            statement.execute("insert into healthcheck_target (app_key, label, base_url) select 'bench." + kind
                    + ".' || (g / 100), 't' || g, '" + target + "/" + kind + "/' || g"
                    + " from generate_series(0, " + (count - 1) + ") g");
        }
    }

    private static void disable(Connection db, String kind) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("update app set enabled = false where app_key like 'bench." + kind + ".%'");
        }
    }

    private String awaitAnswer(String url, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response.body();
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no 200 from " + url + " within " + limit);
            }
            Thread.sleep(250);
        }
    }

    private static String version() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("prometheus-blackbox-exporter", "--version").redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        Matcher version = Pattern.compile("version (\\S+)").matcher(out);
        return version.find() ? version.group(1) : "?";
    }

    /** User + system CPU time of the process (/proc/PID/stat, in clock ticks of 1/100 s). */
    private static double cpuSeconds(Process process) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    private static String procField(String status, String field) {
        Matcher value = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(status);
        return value.find() ? (Long.parseLong(value.group(1)) / 1024) + " MiB" : "?";
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int setting(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
