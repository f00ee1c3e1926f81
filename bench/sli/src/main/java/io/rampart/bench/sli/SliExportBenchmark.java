package io.rampart.bench.sli;

import io.rampart.store.local.LocalPostgres;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Prometheus export at fleet scale, run by bench/sli/run-export: BENCH_APPS apps (default
 * 5,000), each with 28 days of traffic in every SLI stream (rollups written as the triggers would:
 * day, hour and minute buckets), sli-api started on them with the export every 30 s. Prints how
 * long computing the export takes and the sli-api CPU it costs, what a scrape costs (bytes, plain
 * and gzip; latency), and the reference measured in the same run: the two per-app SLI answers
 * (1 h and 28 d) over HTTP, one app after another, and the ratio of the export to them.
 */
public final class SliExportBenchmark {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^(rampart_sli_export_\\w+) (\\S+)$");
    private static final String[] STREAMS = {"PROBE", "IFRAME_HOST", "IFRAME_APP", "SYNTHETIC", "LIFECYCLE", "WEBHOOK"};

    private final int apps;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String baseUrl;
    private String token;

    private SliExportBenchmark(int apps) {
        this.apps = apps;
    }

    public static void main(String[] args) throws Exception {
        int apps = Integer.parseInt(System.getenv().getOrDefault("BENCH_APPS", "5000"));
        new SliExportBenchmark(apps).run(Path.of(args[0]), Path.of(args[1]));
    }

    private void run(Path jar, Path work) throws Exception {
        Files.createDirectories(work);
        LocalPostgres postgres = LocalPostgres.start(work.resolve("pg"), 0);
        BenchSliApi api = null;
        try {
            KeyPair keys = KeyPairGenerator.getInstance("RSA").generateKeyPair();
            token = Jwt.issuer("rampart").audience("rampart").subject("bench").groups(Set.of("statuspage")).expiresIn(Duration.ofHours(2))
                    .sign(keys.getPrivate());
            // The schema first (sli-api migrates it), then the data, then sli-api again on the loaded database.
            api = BenchSliApi.start(jar, work, postgres.port(), keys, Map.of("RAMPART_SLI_EXPORT_REFRESH_EVERY", "off"));
            api.awaitReady(http, 300);
            api.stop();
            String jdbcUrl = "jdbc:postgresql://localhost:" + postgres.port() + "/" + LocalPostgres.DATABASE;
            try (Connection db = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
                load(db);
            }
            api = BenchSliApi.start(jar, work, postgres.port(), keys, Map.of("RAMPART_SLI_EXPORT_REFRESH_EVERY", "30s"));
            baseUrl = api.url();
            api.awaitReady(http, 300);
            measure(api);
        } finally {
            if (api != null) {
                api.stop();
            }
            postgres.close();
        }
    }

    /** Apps, one target each, and 28 days of rollups per stream: 27 day, 24 hour and 60 minute buckets. */
    private void load(Connection db) throws Exception {
        long started = System.nanoTime();
        try (Statement sql = db.createStatement()) {
            sql.execute("insert into app (app_key, name) select 'bench.app-' || n, 'Bench app ' || n"
                    + " from generate_series(1, " + apps + ") as n");
            sql.execute("insert into healthcheck_target (app_key, label, base_url)"
                    + " select app_key, 'prod', 'https://' || app_key || '.example' from app");
            String buckets = """
                    (select 'day' as level, date_trunc('day', now()) - d * interval '1 day' as bucket, 30 as bins
                       from generate_series(1, 27) as d
                     union all
                     select 'hour', date_trunc('hour', now()) - h * interval '1 hour', 15 from generate_series(1, 24) as h
                     union all
                     select 'minute', date_trunc('minute', now()) - m * interval '1 minute', 5 from generate_series(1, 60) as m)
                    """;
            for (String level : List.of("day", "hour", "minute")) {
                for (String stream : STREAMS) {
                    boolean webhook = stream.equals("WEBHOOK");
                    sql.execute("insert into sli_count_" + level + " (app_key, bucket, stream, target_id, product, status_code,"
                            + " total, good)"
                            + " select t.app_key, b.bucket, '" + stream + "', " + (stream.equals("PROBE") ? "t.id" : "0") + ", "
                            + (webhook ? "p.product, p.status" : "'', 0") + ", b.bins * 20, b.bins * 20 - (t.id + b.bins) % 3"
                            + " from healthcheck_target as t cross join " + buckets + " as b"
                            + (webhook ? " cross join (values ('JIRA', 200), ('JIRA', 500), ('CONFLUENCE', 204)) as p(product, status)" : "")
                            + " where b.level = '" + level + "'");
                    sql.execute("insert into sli_latency_" + level + " (app_key, bucket, stream, target_id, latency_bins,"
                            + " latency_counts)"
                            + " select t.app_key, b.bucket, '" + stream + "', " + (stream.equals("PROBE") ? "t.id" : "0") + ","
                            + " array(select 400 + i * 3 + (t.id % 7)::int from generate_series(1, b.bins) as i),"
                            + " array(select (20 + i % 5)::bigint from generate_series(1, b.bins) as i)"
                            + " from healthcheck_target as t cross join " + buckets + " as b where b.level = '" + level + "'");
                }
            }
            sql.execute("analyze");
        }
        System.out.printf("loaded %d apps x 6 streams x (27 day + 24 hour + 60 minute buckets) in %.0f s%n", apps,
                (System.nanoTime() - started) / 1e9);
    }

    private void measure(BenchSliApi api) throws Exception {
        // Refreshes: wait for three complete ones after the first, read what each took and the CPU sli-api used.
        Map<String, Double> first = awaitRefresh(0, Duration.ofMinutes(15));
        List<Double> refreshSeconds = new ArrayList<>();
        double last = first.get("rampart_sli_export_refreshed_timestamp_seconds");
        long cpuBefore = cpuTicks(api);
        long databaseCpuBefore = databaseCpuTicks();
        Instant wallBefore = Instant.now();
        for (int i = 0; i < 3; i++) {
            Map<String, Double> next = awaitRefresh(last, Duration.ofMinutes(15));
            refreshSeconds.add(next.get("rampart_sli_export_refresh_duration_seconds"));
            last = next.get("rampart_sli_export_refreshed_timestamp_seconds");
        }
        double cpuSeconds = (cpuTicks(api) - cpuBefore) / 100.0;
        double databaseCpuSeconds = (databaseCpuTicks() - databaseCpuBefore) / 100.0;
        double wallSeconds = Duration.between(wallBefore, Instant.now()).toMillis() / 1000.0;
        System.out.printf("export of %d apps (apps in the export: %.0f): refresh took %s s; over %.1f s of wall time"
                + " (3 refreshes) sli-api used %.1f s of CPU, PostgreSQL %.1f s: %.2f s of CPU per refresh, %.1f ms per app%n",
                apps, first.get("rampart_sli_export_apps"), refreshSeconds, wallSeconds, cpuSeconds, databaseCpuSeconds,
                (cpuSeconds + databaseCpuSeconds) / 3, (cpuSeconds + databaseCpuSeconds) / 3 / apps * 1000);

        // Scrapes: what Prometheus pays every 30 s.
        for (boolean gzip : new boolean[] {true, false}) {
            double[] millis = new double[gzip ? 30 : 10];
            long bytes = 0;
            for (int i = 0; i < millis.length; i++) {
                long started = System.nanoTime();
                HttpResponse<byte[]> answer = http.send(scrape(gzip), HttpResponse.BodyHandlers.ofByteArray());
                millis[i] = (System.nanoTime() - started) / 1e6;
                bytes = answer.body().length;
            }
            Arrays.sort(millis);
            System.out.printf("scrape (%s): %d bytes, p50 %.1f ms, max %.1f ms over %d scrapes%n", gzip ? "gzip" : "plain",
                    bytes, millis[millis.length / 2], millis[millis.length - 1], millis.length);
        }
        String text = new String(http.send(scrape(false), HttpResponse.BodyHandlers.ofByteArray()).body());
        long series = text.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).count();
        System.out.printf("series in the export: %d (%.1f per app)%n", series, (double) series / apps);

        // Reference: the per-app answers the export is made of, one app after another over HTTP.
        int sample = Math.min(200, apps);
        long started = System.nanoTime();
        for (int i = 0; i < sample; i++) {
            String app = "bench.app-" + (1 + (long) i * apps / sample);
            for (String window : List.of("1h", "28d")) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/apps/" + app
                        + "/slis?window=" + window)).header("Authorization", "Bearer " + token).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    throw new IllegalStateException("the SLI answer of " + app + " was " + answer.statusCode());
                }
            }
        }
        double perApp = (System.nanoTime() - started) / 1e9 / sample;
        double median = refreshSeconds.stream().sorted().toList().get(1);
        System.out.printf("reference: both SLI answers of one app over HTTP, one app after another: %.1f ms per app;"
                + " %d apps that way: %.0f s%n", perApp * 1000, apps, perApp * apps);
        System.out.printf("ratio: export refresh (median %.1f s) / %d apps one after another over HTTP = %.2f%n",
                median, apps, median / (perApp * apps));
    }

    private HttpRequest scrape(boolean gzip) {
        return HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/metrics/slis")).header("Authorization", "Bearer " + token)
                .header("Accept-Encoding", gzip ? "gzip" : "identity").build();
    }

    /** Polls the export until it was refreshed after {@code after} (Unix seconds); answers its own figures. */
    private Map<String, Double> awaitRefresh(double after, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> answer = http.send(scrape(false), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200) {
                Map<String, Double> figures = new HashMap<>();
                Matcher matcher = SAMPLE.matcher(answer.body());
                while (matcher.find()) {
                    figures.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
                }
                if (figures.get("rampart_sli_export_refreshed_timestamp_seconds") > after) {
                    return figures;
                }
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the export was not refreshed within " + timeout);
    }

    /** utime + stime of the benchmark's PostgreSQL: its postmaster (found by its data folder) and its children. */
    private long databaseCpuTicks() throws IOException {
        long postmaster = -1;
        Map<Long, String[]> stats = new HashMap<>();
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String stat = Files.readString(process.resolve("stat"));
                    long pid = Long.parseLong(process.getFileName().toString());
                    stats.put(pid, stat.replaceAll("^.*\\) ", "").split(" "));
                    if (Files.readString(process.resolve("cmdline")).contains("export-work/pg")) {
                        postmaster = postmaster < 0 ? pid : Math.min(postmaster, pid);
                    }
                } catch (IOException gone) {
                    // the process ended meanwhile
                }
            }
        }
        long ticks = 0;
        for (Map.Entry<Long, String[]> process : stats.entrySet()) {
            String[] fields = process.getValue();
            if (process.getKey() == postmaster || Long.parseLong(fields[1]) == postmaster) {
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        }
        return ticks;
    }

    /** utime + stime of the process, in clock ticks (1/100 s on Linux). */
    private static long cpuTicks(BenchSliApi process) throws IOException {
        String[] fields = Files.readString(Path.of("/proc/" + process.pid() + "/stat")).replaceAll("^.*\\) ", "").split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

}
