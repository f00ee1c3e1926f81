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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The prober's benchmark (run by bench/prober/run, figures defined in docs/prober.md). On this
 * machine, against one loopback target that answers 200 at once:
 * <ol>
 * <li>blackbox_exporter's probe rate: hey drives its /probe endpoint at full speed;</li>
 * <li>the prober's probe rate: the packaged service, as many probes in flight as hey keeps
 * requests, with more 1 s targets than it can probe;</li>
 * <li>scale: 100,000 targets at a 60 s interval for a whole interval: probes/s, scheduling lag,
 * the latency the prober records for a target that answers at once, CPU time per probe, heap and
 * RSS;</li>
 * <li>realistic mix: the same, but 85 % of the targets answer at once, 10 % after 1 to 2.9 s,
 * 2 % never answer, 1 % reset the connection, 1 % answer 503 and 1 % present an expired
 * certificate; outcomes per kind of target, in-flight peak, printed next to the all-fast run.</li>
 * </ol>
 * Every figure is read from what the service stored in probe_result, the same data sli-api reads.
 */
public final class ProberBenchmark {

    private static final Pattern HEY_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^rampart_prober_in_flight(?:\\{[^}]*})? ([0-9.E+]+)$");
    private static final Pattern BUFFERED =
            Pattern.compile("(?m)^rampart_prober_results_buffered(?:\\{[^}]*})? ([0-9.E+]+)$");
    /** The kernel's TCP counters the scale phases print (see tcpCounters). */
    private static final Set<String> TCP_COUNTERS = Set.of("ListenOverflows", "TCPSynRetrans", "TCPTimeouts");
    private static final Pattern LATE_SLOTS_SKIPPED =
            Pattern.compile("(?m)^rampart_prober_late_slots_skipped_total(?:\\{[^}]*})? ([0-9.E+]+)$");
    private static final Pattern PROBES_FINISHED =
            Pattern.compile("(?m)^rampart_prober_probes_total\\{[^}]*} ([0-9.E+]+)$");
    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.E+]+)$");

    private static final int MAX_RATE_STEP = 500;
    private static final int MAX_RATE_LIMIT = 20_000;
    /** The share of the offered rate a step must complete for the next, higher one to be tried. */
    private static final double KEEPING_UP = 0.95;
    /** Tries of each step of the max rate and runs of blackbox_exporter's rate, the best one counted. */
    private static final int TRIES = 2;

    private final Path work;
    private final String proberJar;
    private final int scaleTargets = setting("BENCH_TARGETS", 100_000);
    private final int scaleInterval = setting("BENCH_INTERVAL_SECONDS", 60);
    private final int scaleWindow = setting("BENCH_SCALE_SECONDS", 60);
    /** The max rate's first offered rate (probes/s), and each step's window. */
    private final int maxRateFirst = setting("BENCH_MAX_RATE_FIRST", 1_000);
    private final int maxRateWindow = setting("BENCH_MAX_RATE_SECONDS", 10);
    private final int heySeconds = setting("BENCH_HEY_SECONDS", 20);
    private final int heyConcurrency = setting("BENCH_HEY_CONCURRENCY", 64);
    /** Whether the database records its statements' time (pg_stat_statements), printed per phase. */
    private final boolean statementProfile = setting("BENCH_POSTGRES_STATEMENTS", 0) == 1;
    /** 0: the ratio alone, without the scale phases (a quick look at the max rate). */
    private final boolean scalePhases = setting("BENCH_SCALE", 1) == 1;
    /** With the statement profile: a superuser's connection that resets and reads it. */
    private Connection statements;
    private final HttpClient http = HttpClient.newHttpClient();
    private String metricsUrl;
    /** The benchmark database's server, whose CPU time is split out per probe. */
    private ProcessHandle postmaster;

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
        System.out.printf("target: %s (200 at once); machine: %d cores; %s%n", target,
                Runtime.getRuntime().availableProcessors(), loadAverage());
        MixTargets mix = MixTargets.start(vertx, work);

        double blackboxRate = blackboxRate(target);
        try (LocalPostgres postgres = LocalPostgres.start(Files.createTempDirectory(work, "postgres-"), 0,
                statementProfile ? Map.of("shared_preload_libraries", "pg_stat_statements",
                        "pg_stat_statements.track", "all") : Map.of())) {
            String jdbc = "jdbc:postgresql://localhost:" + postgres.port() + "/" + LocalPostgres.DATABASE;
            postmaster = postgres.postmaster();
            try (Connection db = DriverManager.getConnection(jdbc, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
                if (statementProfile) {
                    // The embedded server's superuser (trusted on loopback) on the benchmark database.
                    statements = DriverManager.getConnection(jdbc, "postgres", "");
                    execute(statements, "create extension if not exists pg_stat_statements");
                }
                // As many probes at once as hey keeps requests in flight to blackbox_exporter.
                Process prober = startProber(postgres.port(),
                        Map.of("RAMPART_PROBER_MAX_IN_FLIGHT", Integer.toString(heyConcurrency)));
                double proberRate;
                try {
                    proberRate = proberMaxRate(db, target, prober);
                } finally {
                    stop(prober);
                }
                System.out.printf(Locale.ROOT, "RATIO prober / blackbox_exporter probe rate: %.2fx (target: >= 3x); %s%n",
                        proberRate / blackboxRate, loadAverage());
                if (!scalePhases) {
                    return;
                }
                prober = startProber(postgres.port(), Map.of());
                Scale allFast;
                try {
                    allFast = scale(db, "scale", prober, (connection, kind) ->
                            addTargets(connection, kind, scaleTargets, scaleInterval, target));
                } finally {
                    stop(prober);
                }
                disable(db, "scale");
                prober = startProber(postgres.port(), Map.of());
                Scale mixed;
                try {
                    mixed = scale(db, "mix", prober, (connection, kind) -> mix.register(connection, kind,
                            scaleTargets, scaleInterval));
                } finally {
                    stop(prober);
                }
                report(allFast, mixed, mixOutcomes(db, mixed.window), mixOutcomes(db, null), slowTargets(db, mixed.window));
            }
        } finally {
            vertx.close();
        }
    }

    /** /proc/loadavg's three figures: the machine is shared, so every figure is printed with it. */
    private static String loadAverage() throws IOException {
        String[] load = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return "load average " + load[0] + " " + load[1] + " " + load[2];
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
            // The best of two runs, as each of the prober's steps has two tries: a shared machine stalls at times.
            double[] runs = new double[TRIES];
            for (int run = 0; run < TRIES; run++) {
                Process hey = new ProcessBuilder("hey", "-z", heySeconds + "s", "-c", Integer.toString(heyConcurrency),
                        probe).redirectErrorStream(true).start();
                String report = new String(hey.getInputStream().readAllBytes());
                hey.waitFor();
                Matcher rate = HEY_RATE.matcher(report);
                if (!rate.find()) {
                    throw new IllegalStateException("no rate in hey's report:\n" + report);
                }
                runs[run] = Double.parseDouble(rate.group(1));
            }
            double probesPerSecond = java.util.Arrays.stream(runs).max().orElseThrow();
            System.out.printf(Locale.ROOT, "blackbox_exporter %s: %.0f probes/s, the best of %s (hey -z %ds -c %d on /probe)%n",
                    version(), probesPerSecond, java.util.Arrays.toString(java.util.Arrays.stream(runs)
                            .mapToLong(Math::round).toArray()), heySeconds, heyConcurrency);
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
        List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
        // e.g. -XX:StartFlightRecording=filename=...: how the profile in docs/prober.md was taken.
        command.addAll(List.of(System.getenv().getOrDefault("BENCH_PROBER_JAVA_OPTS", "").split(" ")).stream()
                .filter(option -> !option.isBlank()).toList());
        command.addAll(List.of("-jar", proberJar));
        ProcessBuilder builder = new ProcessBuilder(command)
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

    /**
     * The highest rate the prober completes: 1 s targets offered at a rising rate, a step of
     * {@link #MAX_RATE_STEP} more each time, until it completes less than {@link #KEEPING_UP} of what
     * is offered in each of {@link #TRIES} tries; the best step's completed rate (at most what it
     * offered). Offered just above what it can do, as hey keeps blackbox_exporter busy, rather than
     * far above: a schedule ten times too full measures the claims skipping the slots nobody probed
     * in time (every row visited, probed or not), not probing.
     */
    private double proberMaxRate(Connection db, String target, Process prober) throws Exception {
        // Warm-up at the first rate, unmeasured: the JIT compiles the probe's path (a cold prober
        // did a third less at 1,000 probes/s).
        addTargets(db, "warm", maxRateFirst, 1, target);
        Thread.sleep(15_000);
        disable(db, "warm");
        resetStatements();
        double stored = 0;
        double best = 0;
        for (int offered = maxRateFirst, tried = 1; offered <= MAX_RATE_LIMIT; ) {
            String kind = "max" + offered + "try" + tried;
            addTargets(db, kind, offered, 1, target);
            Thread.sleep(3_000); // the schedule takes the targets in (it syncs every interval: 1 s)
            CpuTimes before = cpuTimes(prober);
            long advancedBefore = scheduleRowsAdvanced(db);
            ProberGauges gauges = new ProberGauges();
            Window window = measure(db, kind, maxRateWindow, gauges::sample);
            CpuTimes used = cpuTimes(prober).minus(before);
            // Over the window and the 4 s measure() waits after it: a rate, not a count per probe of the window.
            long advanced = scheduleRowsAdvanced(db) - advancedBefore;
            String coverage = coverage(db, kind);
            disable(db, kind);
            double probes = window.probesPerSecond * maxRateWindow;
            stored += probes;
            System.out.printf(Locale.ROOT, "prober at %d probes/s offered (%d targets at 1 s, %d s window, try %d): %.0f"
                            + " probes/s (%s), lag p99 %s; schedule rows advanced %.0f/s; %s%n    %s%n    %s%n",
                    offered, offered, maxRateWindow, tried, window.probesPerSecond, window.outcomes,
                    ms(window.lagP99Ms), advanced / (double) (maxRateWindow + 4), loadAverage(),
                    used.perProbe(probes, maxRateWindow + 4), gauges + "; " + coverage);
            // A step whose window also caught up slots due before it completes more than it offers: it counts what it offers.
            best = Math.max(best, Math.min(offered, window.probesPerSecond));
            if (window.probesPerSecond >= KEEPING_UP * offered) {
                offered += MAX_RATE_STEP;
                tried = 1;
            } else if (tried++ == TRIES) {
                break;
            }
        }
        System.out.printf(Locale.ROOT, "prober max rate: %.0f probes/s (the best step)%n", best);
        printStatements(stored); // over every step, per probe stored in the steps' windows
        return best;
    }

    /** Registers {@code kind}'s targets in the benchmark database. */
    @FunctionalInterface
    private interface Registration {
        void register(Connection db, String kind) throws Exception;
    }

    /** What one scale phase measured. */
    private record Scale(String kind, Window window, double cores, double cpuMsPerProbe, int inFlightPeak,
                         double heapMiB, String rss, String rssPeak, String load) {
    }

    /** scaleTargets at scaleInterval for scaleWindow seconds, after a warm-up. */
    private Scale scale(Connection db, String kind, Process prober, Registration registration) throws Exception {
        long inserted = System.nanoTime();
        java.sql.Timestamp registeredAt = databaseNow(db);
        Map<String, Long> tcpBefore = tcpCounters();
        registration.register(db, kind);
        System.out.printf("%s: %d targets registered in %d ms%n", kind, scaleTargets,
                (System.nanoTime() - inserted) / 1_000_000);
        // The window measures the targets held, not their registration: it opens 10 s after the
        // prober's sync has put every one of them in the schedule (one statement, committed at once).
        long registered = System.nanoTime();
        awaitScheduled(db, kind, scaleTargets, Duration.ofSeconds(120));
        System.out.printf("%s: the schedule held all %d targets %d ms after their registration%n", kind, scaleTargets,
                (System.nanoTime() - registered) / 1_000_000);
        Thread.sleep(10_000);
        resetStatements();
        CpuTimes before = cpuTimes(prober);
        ProberGauges gauges = new ProberGauges();
        Window window = measure(db, kind, scaleWindow, gauges::sample);
        // measure() also waits 4 s past the window for late writes: CPU over the whole stretch.
        CpuTimes used = cpuTimes(prober).minus(before);
        System.out.println("  " + kind + ": " + used.perProbe(window.probesPerSecond * scaleWindow, scaleWindow + 4));
        System.out.println("  " + kind + ": " + bySecond(db, kind, registeredAt, window.from()));
        Map<String, Long> tcp = tcpCounters();
        tcp.replaceAll((counter, value) -> value - tcpBefore.get(counter));
        System.out.println("  " + kind + ": the kernel's TCP counters from the registration to the window's end: " + tcp);
        printStatements(window.probesPerSecond * scaleWindow);
        double cpu = used.prober();
        double cores = cpu / (scaleWindow + 4);
        String metrics = awaitAnswer(metricsUrl, Duration.ofSeconds(10));
        double heapMiB = 0;
        for (Matcher heap = HEAP_USED.matcher(metrics); heap.find(); ) {
            heapMiB += Double.parseDouble(heap.group(1)) / (1024 * 1024);
        }
        String status = Files.readString(Path.of("/proc/" + prober.pid() + "/status"));
        // Probes that started in the window, against the CPU of the window and the 4 s after it.
        double cpuMsPerProbe = 1000 * cpu / Math.max(1, window.probesPerSecond * scaleWindow) * scaleWindow
                / (scaleWindow + 4);
        return new Scale(kind, window, cores, cpuMsPerProbe, gauges.inFlightPeak, heapMiB, procField(status, "VmRSS"),
                procField(status, "VmHWM"), loadAverage());
    }

    /** Both scale phases side by side, then the mix's outcomes per kind of target and the goals. */
    private void report(Scale fast, Scale mix, Map<String, Map<String, Long>> outcomes,
                        Map<String, Map<String, Long>> wholePhase, String slowTargets) throws IOException {
        System.out.printf(Locale.ROOT, """
                        SCALE %d targets at %d s, %d s window       all-fast                 realistic mix
                          probes/s (expected %.0f)   %-24.0f %.0f
                          scheduling lag p50         %-24s %s
                          scheduling lag p99         %-24s %s
                          scheduling lag max         %-24s %s
                          lag p99 by 10 s (ms)       %-24s %s
                          probe duration p50 / p99   %-24s %s
                          in flight, peak            %-24d %d
                          prober CPU                 %-24s %s
                          CPU per probe              %-24s %s
                          heap used (-Xmx512m)       %-24s %s
                          RSS, peak                  %-24s %s
                          load average at the end    %-24s %s
                          outcomes                   %s | %s
                        """, scaleTargets, scaleInterval, scaleWindow, (double) scaleTargets / scaleInterval,
                fast.window.probesPerSecond, mix.window.probesPerSecond,
                ms(fast.window.lagP50Ms), ms(mix.window.lagP50Ms), ms(fast.window.lagP99Ms), ms(mix.window.lagP99Ms),
                ms(fast.window.lagMaxMs), ms(mix.window.lagMaxMs), fast.window.lagP99By10s, mix.window.lagP99By10s,
                fast.window.durationP50Ms + " / " + fast.window.durationP99Ms + " ms",
                mix.window.durationP50Ms + " / " + mix.window.durationP99Ms + " ms",
                fast.inFlightPeak, mix.inFlightPeak, String.format(Locale.ROOT, "%.2f cores", fast.cores),
                String.format(Locale.ROOT, "%.2f cores", mix.cores),
                String.format(Locale.ROOT, "%.3f ms", fast.cpuMsPerProbe),
                String.format(Locale.ROOT, "%.3f ms", mix.cpuMsPerProbe),
                String.format(Locale.ROOT, "%.0f MiB", fast.heapMiB), String.format(Locale.ROOT, "%.0f MiB", mix.heapMiB),
                fast.rss + ", " + fast.rssPeak, mix.rss + ", " + mix.rssPeak, fast.load.replace("load average ", ""),
                mix.load.replace("load average ", ""), fast.window.outcomes, mix.window.outcomes);
        System.out.println("MIX outcomes per kind of target (expected outcome first), in the window:");
        boolean outcomesOk = printOutcomes(outcomes);
        System.out.println("MIX outcomes per kind of target over the whole phase, the bulk registration included:");
        printOutcomes(wholePhase);
        System.out.println(slowTargets);
        long fastTimeouts = wholePhase.getOrDefault(MixTargets.Kind.FAST.label(), Map.of()).getOrDefault("TIMEOUT", 0L)
                + (fast.window.outcomes == null ? 0 : outcomeCount(fast.window.outcomes, "TIMEOUT"));
        double rssMiB = Math.max(Double.parseDouble(fast.rssPeak.replace(" MiB", "")),
                Double.parseDouble(mix.rssPeak.replace(" MiB", "")));
        System.out.printf("TARGET p99 scheduling lag < 1 s (all-fast and mix): %s%n",
                fast.window.lagP99Ms < 1000 && mix.window.lagP99Ms < 1000 ? "met" : "MISSED");
        System.out.printf("TARGET no fast target ever TIMEOUT: %s (%d)%n", fastTimeouts == 0 ? "met" : "MISSED",
                fastTimeouts);
        System.out.printf("TARGET every mix target's outcome matches its behaviour (in the window): %s%n", outcomesOk ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "TARGET RSS < 512 MiB with -Xmx512m: %s (peak %.0f MiB)%n",
                rssMiB < 512 ? "met" : "MISSED", rssMiB);
        System.out.printf(Locale.ROOT, "TARGET CPU per probe <= 0.25 ms (all-fast): %s (%.3f ms)%n",
                fast.cpuMsPerProbe <= 0.25 ? "met" : "MISSED", fast.cpuMsPerProbe);
        long loud = warningLines(work.resolve("prober.log"));
        System.out.printf("TARGET no WARN or ERROR line in the probers' log (every phase): %s (%d)%n",
                loud == 0 ? "met" : "MISSED", loud);
    }

    /**
     * Lines the probers logged at WARN or ERROR: probing at scale must not write one per probe.
     * Micrometer's notice at start that a pool gauge was registered twice (the framework's, once a
     * start) is not counted.
     */
    private static long warningLines(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(line -> line.contains("\"level\":\"WARN\"") || line.contains("\"level\":\"ERROR\""))
                    .filter(line -> !line.contains("This Gauge has been already registered")).count();
        }
    }

    /** Prints each kind's expected and other outcomes; true when every kind had only its expected one. */
    private static boolean printOutcomes(Map<String, Map<String, Long>> outcomes) {
        boolean outcomesOk = true;
        for (MixTargets.Kind kind : MixTargets.Kind.values()) {
            Map<String, Long> seen = outcomes.getOrDefault(kind.label(), Map.of());
            long expected = seen.getOrDefault(kind.expected(), 0L);
            long other = seen.values().stream().mapToLong(Long::longValue).sum() - expected;
            outcomesOk &= other == 0 && expected > 0;
            System.out.printf("  %-6s %s %d, other %d %s%n", kind.label(), kind.expected(), expected, other,
                    other == 0 ? "" : seen);
        }
        return outcomesOk;
    }

    /**
     * Where a slow target's time went, in the window: its answer's time past the delay it was built
     * with (the prober's and the machine's share), its connect phase, and its timeouts by that delay.
     */
    private static String slowTargets(Connection db, Window window) throws SQLException {
        try (var query = db.prepareStatement("""
                select percentile_disc(0.5) within group (order by r.duration_ms - d.ms) filter (where r.outcome = 'SUCCESS'),
                       percentile_disc(0.99) within group (order by r.duration_ms - d.ms) filter (where r.outcome = 'SUCCESS'),
                       max(r.duration_ms - d.ms) filter (where r.outcome = 'SUCCESS'),
                       percentile_disc(0.5) within group (order by r.connect_ms),
                       percentile_disc(0.99) within group (order by r.connect_ms),
                       count(*) filter (where r.outcome = 'TIMEOUT' and d.ms >= 2700),
                       count(*) filter (where r.outcome = 'TIMEOUT' and d.ms < 2700),
                       min(d.ms) filter (where r.outcome = 'TIMEOUT')
                from probe_result r join healthcheck_target t on t.id = r.target_id
                cross join lateral (select 1000 + (split_part(t.label, '-', 2)::bigint * 7919) % 1900 as ms) d
                where r.app_key like 'bench.mix.%' and t.label like 'slow-%' and r.occurred_at >= ? and r.occurred_at < ?""")) {
            query.setTimestamp(1, window.from());
            query.setTimestamp(2, window.to());
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return String.format("MIX slow targets in the window: answer past its delay p50 %d / p99 %d / max %d ms;"
                                + " connect p50 %d / p99 %d ms; TIMEOUT with a delay >= 2.7 s %d, below %d"
                                + " (shortest delay timed out: %s ms)",
                        row.getInt(1), row.getInt(2), row.getInt(3), row.getInt(4), row.getInt(5), row.getLong(6),
                        row.getLong(7), row.getString(8));
            }
        }
    }

    private static long outcomeCount(String outcomes, String outcome) {
        Matcher count = Pattern.compile(outcome + " (\\d+)").matcher(outcomes);
        return count.find() ? Long.parseLong(count.group(1)) : 0;
    }

    private static String ms(double value) {
        return String.format(Locale.ROOT, "%.1f ms", value);
    }

    /**
     * The mix's stored outcomes per kind of target (its label's prefix) and outcome: of the probes
     * that started in {@code window}, or of every probe of the phase when it is null.
     */
    private static Map<String, Map<String, Long>> mixOutcomes(Connection db, Window window) throws SQLException {
        Map<String, Map<String, Long>> outcomes = new java.util.TreeMap<>();
        try (var query = db.prepareStatement("select split_part(t.label, '-', 1), r.outcome, count(*) from probe_result r"
                + " join healthcheck_target t on t.id = r.target_id where r.app_key like 'bench.mix.%'"
                + " and r.occurred_at >= coalesce(?::timestamptz, '-infinity') and r.occurred_at < coalesce(?::timestamptz, 'infinity')"
                + " group by 1, 2")) {
            query.setTimestamp(1, window == null ? null : window.from());
            query.setTimestamp(2, window == null ? null : window.to());
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    outcomes.computeIfAbsent(rows.getString(1), kind -> new java.util.TreeMap<>())
                            .put(rows.getString(2), rows.getLong(3));
                }
            }
        }
        return outcomes;
    }

    private record Window(java.sql.Timestamp from, java.sql.Timestamp to, double probesPerSecond, String outcomes,
                          double lagP50Ms, double lagP99Ms, double lagMaxMs, int durationP50Ms, int durationP99Ms,
                          String lagP99By10s) {
    }

    /**
     * The prober's own gauges, read once a second: probes running and results waiting to be
     * written (peaks), and the rate probes finished at between the first and the last reading. A
     * stored rate below the finished one is the writer falling behind; both low, the probing.
     */
    private final class ProberGauges {
        int inFlightPeak;
        int bufferedPeak;
        private double firstFinished = -1;
        private long firstNanos;
        private double finishedPerSecond;
        private double firstSkipped;
        private double lateSlotsSkipped;

        void sample() throws Exception {
            String metrics = awaitAnswer(metricsUrl, Duration.ofSeconds(10));
            Matcher inFlight = IN_FLIGHT.matcher(metrics);
            if (inFlight.find()) {
                inFlightPeak = Math.max(inFlightPeak, (int) Double.parseDouble(inFlight.group(1)));
            }
            Matcher buffered = BUFFERED.matcher(metrics);
            if (buffered.find()) {
                bufferedPeak = Math.max(bufferedPeak, (int) Double.parseDouble(buffered.group(1)));
            }
            double finished = 0;
            for (Matcher outcome = PROBES_FINISHED.matcher(metrics); outcome.find(); ) {
                finished += Double.parseDouble(outcome.group(1));
            }
            Matcher skipped = LATE_SLOTS_SKIPPED.matcher(metrics);
            double skippedSoFar = skipped.find() ? Double.parseDouble(skipped.group(1)) : 0;
            long now = System.nanoTime();
            if (firstFinished < 0) {
                firstFinished = finished;
                firstSkipped = skippedSoFar;
                firstNanos = now;
            } else {
                finishedPerSecond = (finished - firstFinished) * 1e9 / (now - firstNanos);
                lateSlotsSkipped = skippedSoFar - firstSkipped;
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "prober's gauges: %.0f probes/s finished, %.0f slots skipped for a late"
                    + " start, in flight at most %d, results waiting to be written at most %d", finishedPerSecond,
                    lateSlotsSkipped, inFlightPeak, bufferedPeak);
        }
    }

    /** Something read once a second while a window runs. */
    @FunctionalInterface
    private interface Sampler {
        void sample() throws Exception;
    }

    /**
     * The machine's TCP counters that tell a connect slowed by the network stack from one slowed by
     * a busy process (/proc/net/netstat): connections a full listen queue refused, SYNs sent again,
     * retransmission timeouts. Loopback only here, so every count is the benchmark's own.
     */
    private static Map<String, Long> tcpCounters() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        Map<String, Long> counters = new java.util.TreeMap<>();
        for (int i = 0; i + 1 < lines.size(); i++) {
            if (lines.get(i).startsWith("TcpExt:") && lines.get(i + 1).startsWith("TcpExt:")) {
                String[] names = lines.get(i).split(" ");
                String[] values = lines.get(i + 1).split(" ");
                for (int field = 1; field < names.length; field++) {
                    if (TCP_COUNTERS.contains(names[field])) {
                        counters.put(names[field], Long.parseLong(values[field]));
                    }
                }
            }
        }
        return counters;
    }

    private static java.sql.Timestamp databaseNow(Connection db) throws SQLException {
        try (ResultSet now = db.createStatement().executeQuery("select now()")) {
            now.next();
            return now.getTimestamp(1);
        }
    }

    /**
     * Second by second from the registration to the window: probes started, their lag and connect
     * p99 and their TIMEOUTs. How the prober takes a bulk registration in (a burst of slots that
     * fell due while the sync ran shows as one second of many starts and slow connects).
     */
    private static String bySecond(Connection db, String kind, java.sql.Timestamp from, java.sql.Timestamp to)
            throws SQLException {
        try (var query = db.prepareStatement("""
                select string_agg(coalesce(n, 0)::text, ' ' order by s), string_agg(coalesce(lag, 0)::text, ' ' order by s),
                       string_agg(coalesce(connect, 0)::text, ' ' order by s), string_agg(coalesce(timeouts, 0)::text, ' ' order by s)
                from generate_series(0, floor(extract(epoch from ?::timestamptz - ?::timestamptz))::int - 1) s
                left join (select floor(extract(epoch from occurred_at - ?::timestamptz))::int as s, count(*) as n,
                                  round(percentile_disc(0.99) within group (order by extract(epoch from occurred_at - scheduled_at) * 1000)) as lag,
                                  percentile_disc(0.99) within group (order by connect_ms) as connect,
                                  count(*) filter (where outcome = 'TIMEOUT') as timeouts
                           from probe_result where app_key like ? and occurred_at >= ? and occurred_at < ?
                           group by 1) r using (s)""")) {
            query.setTimestamp(1, to);
            query.setTimestamp(2, from);
            query.setTimestamp(3, from);
            query.setString(4, "bench." + kind + ".%");
            query.setTimestamp(5, from);
            query.setTimestamp(6, to);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return String.format("from the registration to the window, by second: started %s; lag p99 %s ms;"
                        + " connect p99 %s ms; TIMEOUT %s", row.getString(1), row.getString(2), row.getString(3),
                        row.getString(4));
            }
        }
    }

    /** Figures of the probes of the given bench apps that started within the next {@code seconds}. */
    private Window measure(Connection db, String kind, int seconds, Sampler everySecond) throws Exception {
        java.sql.Timestamp from = databaseNow(db);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            everySecond.sample();
            Thread.sleep(Math.max(0, Math.min(1000, (end - System.nanoTime()) / 1_000_000)));
        }
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
                        + " (select outcome, count(*) as n " + inWindow + " group by outcome) o");
                // When the lag happened: a stall shows as one bad stretch, a slow prober as all of them.
                var lagByStretch = db.prepareStatement("select string_agg(round(p99)::text, ' ' order by stretch) from"
                        + " (select floor(extract(epoch from occurred_at - ?::timestamptz) / 10) as stretch,"
                        + " percentile_disc(0.99) within group (order by extract(epoch from occurred_at - scheduled_at)"
                        + " * 1000) as p99 " + inWindow + " group by 1) s")) {
            java.sql.Timestamp to = new java.sql.Timestamp(from.getTime() + seconds * 1000L);
            query.setTimestamp(1, from);
            query.setTimestamp(2, to);
            outcomes.setTimestamp(1, from);
            outcomes.setTimestamp(2, to);
            lagByStretch.setTimestamp(1, from);
            lagByStretch.setTimestamp(2, from);
            lagByStretch.setTimestamp(3, to);
            try (ResultSet row = query.executeQuery(); ResultSet outcome = outcomes.executeQuery();
                 ResultSet stretches = lagByStretch.executeQuery()) {
                row.next();
                outcome.next();
                stretches.next();
                return new Window(from, to, row.getLong(1) / (double) seconds, outcome.getString(1), row.getDouble(2),
                        row.getDouble(3), row.getDouble(4), row.getInt(5), row.getInt(6), stretches.getString(1));
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

    /** Waits until the schedule has a row for each of {@code kind}'s {@code count} targets. */
    private static void awaitScheduled(Connection db, String kind, int count, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        try (var scheduled = db.prepareStatement("select count(*) from probe_schedule s join healthcheck_target t"
                + " on t.id = s.target_id where t.app_key like 'bench." + kind + ".%'")) {
            while (true) {
                try (ResultSet rows = scheduled.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) >= count) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the schedule did not take " + kind + "'s targets in within " + limit);
                }
                Thread.sleep(250);
            }
        }
    }

    /** How many of kind's targets the schedule holds and how many were probed at least once: a step short of its rate tells which. */
    private static String coverage(Connection db, String kind) throws SQLException {
        try (Statement statement = db.createStatement();
             ResultSet row = statement.executeQuery("select (select count(*) from probe_schedule s join healthcheck_target t"
                     + " on t.id = s.target_id where t.app_key like 'bench." + kind + ".%'),"
                     + " (select count(distinct target_id) from probe_result where app_key like 'bench." + kind + ".%')")) {
            row.next();
            return "targets in the schedule " + row.getLong(1) + ", probed at least once " + row.getLong(2);
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

    private void resetStatements() throws SQLException {
        if (statementProfile) {
            execute(statements, "select pg_stat_statements_reset()");
        }
    }

    /** The database's statements by time spent, nested ones (functions, triggers) included, per probe. */
    private void printStatements(double probes) throws SQLException {
        if (!statementProfile) {
            return;
        }
        try (Statement statement = statements.createStatement(); ResultSet top = statement.executeQuery("""
                select calls, total_exec_time, rows, toplevel, regexp_replace(left(query, 110), '\\s+', ' ', 'g')
                from pg_stat_statements order by total_exec_time desc limit 15""")) {
            System.out.println("  PostgreSQL statements by time (ms per probe, calls, rows, top level or nested, text):");
            while (top.next()) {
                System.out.printf(Locale.ROOT, "    %.4f ms %8d %9d %s %s%n", top.getDouble(2) / probes, top.getLong(1),
                        top.getLong(3), top.getBoolean(4) ? "top" : "nested", top.getString(5));
            }
        }
    }

    /** CPU seconds used so far by the prober, the database server, this JVM (the targets) and the whole machine. */
    private record CpuTimes(double prober, double postgres, double targets, double machine) {

        CpuTimes minus(CpuTimes before) {
            return new CpuTimes(prober - before.prober, postgres - before.postgres, targets - before.targets,
                    machine - before.machine);
        }

        /** Each one's CPU time per probe over a stretch of {@code seconds}, and the machine's share busy. */
        String perProbe(double probes, double seconds) {
            return String.format(Locale.ROOT, "CPU per probe: prober %.3f ms, PostgreSQL %.3f ms, targets and benchmark"
                            + " %.3f ms, machine %.3f ms (the %d cores %.0f %% busy)", 1000 * prober / probes,
                    1000 * postgres / probes, 1000 * targets / probes, 1000 * machine / probes,
                    Runtime.getRuntime().availableProcessors(),
                    100 * machine / (seconds * Runtime.getRuntime().availableProcessors()));
        }
    }

    private CpuTimes cpuTimes(Process prober) throws IOException {
        double postgres = 0;
        for (ProcessHandle process : Stream.concat(Stream.of(postmaster),
                postmaster.children()).toList()) {
            // the postmaster's own time with that of its exited children (backends, workers), the live ones' own
            postgres += cpuSeconds(process.pid(), process.equals(postmaster));
        }
        return new CpuTimes(cpuSeconds(prober), postgres, cpuSeconds(ProcessHandle.current().pid(), false),
                machineBusySeconds());
    }

    /** CPU time the whole machine spent busy (every core, every process: /proc/stat), in seconds. */
    private static double machineBusySeconds() throws IOException {
        String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        // user nice system idle iowait irq softirq steal: all but idle and iowait
        for (int field : new int[] {1, 2, 3, 6, 7, 8}) {
            busy += Long.parseLong(cpu[field]);
        }
        return busy / 100.0;
    }

    /** Rows of probe_schedule updated so far (a claim advances every row it visits, probed or skipped). */
    private static long scheduleRowsAdvanced(Connection db) throws Exception {
        execute(db, "select pg_stat_force_next_flush()");
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(
                "select n_tup_upd from pg_stat_user_tables where relname = 'probe_schedule'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute(sql);
        }
    }

    /** User + system CPU time of the process (/proc/PID/stat, in clock ticks of 1/100 s). */
    private static double cpuSeconds(Process process) throws IOException {
        return cpuSeconds(process.pid(), false);
    }

    /** A process's user and system time (/proc/PID/stat), with its exited children's where asked; 0 once it is gone. */
    private static double cpuSeconds(long pid, boolean withExitedChildren) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException gone) {
            return 0;
        }
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        if (withExitedChildren) {
            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        }
        return ticks / 100.0;
    }

    private static String procField(String status, String field) {
        Matcher value = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(status);
        return value.find() ? (Long.parseLong(value.group(1)) / 1024) + " MiB" : "?";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int setting(String name, int fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value);
    }
}
