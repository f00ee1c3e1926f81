package io.rampart.bench.sli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.store.local.LocalPostgres;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLI API benchmark, run by bench/sli/run: one app, 10 million events over 28 days
 * (every SLI kind), the 28-day summary and a 7-day hourly series through the running sli-api,
 * against the same figures computed exactly by SQL from the raw rows.
 */
public final class SliBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APP = "bench.timesheets";
    private static final int DAYS = 28;
    private static final int PROBE_INTERVAL_SECONDS = 10;
    private static final String SERIES_SLI = "iframe_load_latency";
    /** Adjustments in the 28-day window for the adjusted summary's figure. */
    private static final int ADJUSTMENTS = 20;
    /** Raw-event stream of each latency SLI, for the exact SQL. */
    private static final Map<String, String> LATENCY_STREAMS = Map.of(
            "availability_latency", "PROBE", "iframe_load_latency", "IFRAME_HOST",
            "iframe_load_latency_app_server", "IFRAME_APP", "lifecycle_latency", "LIFECYCLE",
            "webhook_latency", "WEBHOOK", "synthetic_check_latency_app_server", "SYNTHETIC");

    /** The iframe rule and each stream's good event, written again independently of V30 as the exact reference. */
    private static final String EXACT_EVENTS = """
            select 'PROBE' as stream, occurred_at, outcome = 'SUCCESS' as good, duration_ms as latency
            from probe_result where app_key = ? and occurred_at >= ? and occurred_at < ?
            union all
            select kind, occurred_at,
                   coalesce(case kind when 'IFRAME_HOST' then succeeded and duration_ms <= 12000
                                      when 'LIFECYCLE' then status_code in (200, 204)
                                      when 'WEBHOOK' then status_code in (200, 204)
                                      else succeeded end, false),
                   case when kind = 'IFRAME_HOST' and not coalesce(succeeded and duration_ms <= 12000, false)
                        then 12000 else duration_ms end
            from app_event where app_key = ? and occurred_at >= ? and occurred_at < ?
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int events;
    private final int requests;
    private String baseUrl;
    /** sli-api's management interface: its readiness. */
    private String token;

    private SliBenchmark(int events, int requests) {
        this.events = events;
        this.requests = requests;
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(System.getenv().getOrDefault("BENCH_EVENTS", "10000000"));
        int requests = Integer.parseInt(System.getenv().getOrDefault("BENCH_REQUESTS", "200"));
        new SliBenchmark(events, requests).run(Path.of(args[0]), Path.of(args[1]));
    }

    private void run(Path jar, Path work) throws Exception {
        try (RunningApi api = RunningApi.start(jar, work, Map.of())) {
            baseUrl = api.baseUrl;
            token = api.adminToken;
            try (Connection db = DriverManager.getConnection(api.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
                register();
                load(db);
                measure(db);
                measureAdjusted(db);
            }
        }
    }

    private void register() throws Exception {
        String body = "{\"appKey\": \"" + APP + "\", \"name\": \"Timesheets\", \"healthcheckPath\": \"/health\","
                + " \"baseUrls\": [{\"url\": \"https://acme.example\", \"label\": \"prod\"},"
                + " {\"url\": \"https://eu.acme.example\", \"label\": \"eu\"}]}";
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/apps"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("registering the app answered " + answer.statusCode());
        }
    }

    /** Set-based generation, one statement per day and table: the rollup triggers see each as one batch. */
    private void load(Connection db) throws Exception {
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant start = end.minus(DAYS, ChronoUnit.DAYS);
        long probesPerDay = 2L * 86_400 / PROBE_INTERVAL_SECONDS;
        long eventsPerDay = (events - probesPerDay * DAYS) / DAYS;
        long began = System.nanoTime();
        try (Statement seed = db.createStatement()) {
            seed.execute("select setseed(0.5)");
        }
        try (PreparedStatement probes = db.prepareStatement("""
                insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, status_code, prober)
                select t.id, t.app_key, at, at, case when r < 0.003 then 3000 else (40 + 400 * random() ^ 3)::int end,
                       case when r < 0.003 then 'TIMEOUT' when r < 0.005 then 'HTTP_STATUS' else 'SUCCESS' end,
                       case when r < 0.003 then null when r < 0.005 then 503 else 200 end, 'bench'
                from healthcheck_target as t,
                     generate_series(?::timestamptz, ?::timestamptz - interval '1 second', make_interval(secs => ?)) as at,
                     lateral (select random() + 0 * extract(epoch from at) as r) as draw
                where t.app_key = ?""");
                PreparedStatement appEvents = db.prepareStatement("""
                insert into app_event (app_key, kind, occurred_at, received_at, duration_ms, succeeded, status_code,
                                       error_kind, lifecycle, product, webhook_event, queue_ms)
                select ?, kind, at, at, duration, succeeded, status, error_kind,
                       case when kind = 'LIFECYCLE' then 'INSTALLED' end,
                       case when kind = 'WEBHOOK' then case when i % 2 = 0 then 'JIRA' else 'CONFLUENCE' end end,
                       case when kind = 'WEBHOOK' then 'jira:issue_created' end,
                       case when kind = 'WEBHOOK' then (random() * 50)::int end
                from generate_series(0, ? - 1) as i,
                     lateral (select ?::timestamptz + i * (interval '1 day' / ?) as at,
                                     case when i % 20 < 7 then 'IFRAME_HOST' when i % 20 < 11 then 'IFRAME_APP'
                                          when i % 20 < 12 then 'SYNTHETIC' when i % 20 < 13 then 'LIFECYCLE'
                                          else 'WEBHOOK' end as kind,
                                     random() as r,
                                     -- log-normal latencies: exp(N(ln median, 0.8))
                                     exp(0.8 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) as spread) as draw,
                     lateral (select
                         case kind when 'IFRAME_HOST' then (1500 * spread)::int when 'IFRAME_APP' then (300 * spread)::int
                                   when 'SYNTHETIC' then (800 * spread)::int when 'LIFECYCLE' then (400 * spread)::int
                                   else case when r >= 0.99 then 10000 else (250 * spread)::int end end as duration,
                         case when kind in ('IFRAME_HOST', 'IFRAME_APP', 'SYNTHETIC') then r < 0.985 end as succeeded,
                         case when kind = 'LIFECYCLE' then case when r < 0.97 then 200 when r < 0.99 then 204 else 500 end
                              when kind = 'WEBHOOK' then case when r < 0.95 then 200 when r < 0.96 then 204
                                   when r < 0.97 then 500 when r < 0.98 then 302 when r < 0.99 then 404 end end as status,
                         case when kind = 'WEBHOOK' and r >= 0.99 then 'TIMEOUT' end as error_kind) as outcome""")) {
            for (int day = 0; day < DAYS; day++) {
                Timestamp from = Timestamp.from(start.plus(day, ChronoUnit.DAYS));
                Timestamp to = Timestamp.from(start.plus(day + 1L, ChronoUnit.DAYS));
                probes.setTimestamp(1, from);
                probes.setTimestamp(2, to);
                probes.setInt(3, PROBE_INTERVAL_SECONDS);
                probes.setString(4, APP);
                probes.executeUpdate();
                appEvents.setString(1, APP);
                appEvents.setLong(2, eventsPerDay);
                appEvents.setTimestamp(3, from);
                appEvents.setLong(4, eventsPerDay);
                appEvents.executeUpdate();
            }
        }
        try (Statement analyze = db.createStatement()) {
            analyze.execute("vacuum analyze");
        }
        long loaded = count(db, "select (select count(*) from probe_result) + (select count(*) from app_event)");
        System.out.printf("loaded %,d events (probes every %d s on 2 targets, the rest host and vendor events)"
                        + " over %d days in %.1f s, rollups kept by the triggers%n",
                loaded, PROBE_INTERVAL_SECONDS, DAYS, (System.nanoTime() - began) / 1e9);
    }

    private void measure(Connection db) throws Exception {
        String summaryPath = "/api/v1/apps/" + APP + "/slis?window=28d";
        String seriesPath = "/api/v1/apps/" + APP + "/slis/" + SERIES_SLI + "/series?window=7d&step=1h";
        for (int i = 0; i < 20; i++) {
            get(summaryPath);
            get(seriesPath);
        }
        double[] summaryMs = new double[requests];
        double[] seriesMs = new double[requests];
        JsonNode summary = null;
        JsonNode series = null;
        for (int i = 0; i < requests; i++) {
            long began = System.nanoTime();
            summary = get(summaryPath);
            summaryMs[i] = (System.nanoTime() - began) / 1e6;
            began = System.nanoTime();
            series = get(seriesPath);
            seriesMs[i] = (System.nanoTime() - began) / 1e6;
        }

        Timestamp from = Timestamp.from(Instant.parse(summary.get("from").asText()));
        Timestamp to = Timestamp.from(Instant.parse(summary.get("to").asText()));
        Map<String, Double> exactP90 = new HashMap<>();
        Map<String, long[]> exactCounts = new HashMap<>();
        double exactSummaryMs = timeExact(() -> {
            try (PreparedStatement exact = db.prepareStatement("select stream, count(*) as total,"
                    + " count(*) filter (where good) as good,"
                    + " percentile_disc(0.9) within group (order by latency) as p90"
                    + " from (" + EXACT_EVENTS + ") as e group by stream")) {
                bindWindow(exact, from, to);
                try (ResultSet rows = exact.executeQuery()) {
                    while (rows.next()) {
                        exactP90.put(rows.getString("stream"), rows.getDouble("p90"));
                        exactCounts.put(rows.getString("stream"), new long[] {rows.getLong("good"), rows.getLong("total")});
                    }
                }
            }
        });

        Timestamp seriesFrom = Timestamp.from(Instant.parse(series.get("from").asText()));
        Timestamp seriesTo = Timestamp.from(Instant.parse(series.get("to").asText()));
        Map<Instant, Double> exactSeries = new HashMap<>();
        double exactSeriesMs = timeExact(() -> {
            try (PreparedStatement exact = db.prepareStatement("select date_trunc('hour', occurred_at) as hour,"
                    + " percentile_disc(0.9) within group (order by latency) as p90"
                    + " from (" + EXACT_EVENTS + ") as e where stream = 'IFRAME_HOST' group by 1")) {
                bindWindow(exact, seriesFrom, seriesTo);
                try (ResultSet rows = exact.executeQuery()) {
                    while (rows.next()) {
                        exactSeries.put(rows.getTimestamp("hour").toInstant(), rows.getDouble("p90"));
                    }
                }
            }
        });

        double maxError = 0;
        String worst = "";
        for (JsonNode sli : summary.get("slis")) {
            String stream = LATENCY_STREAMS.get(sli.get("id").asText());
            if (stream != null) {
                double error = relativeError(sli.get("value").asDouble(), exactP90.get(stream));
                if (error > maxError) {
                    maxError = error;
                    worst = sli.get("id").asText() + " (28d)";
                }
            }
        }
        int seriesPoints = 0;
        for (JsonNode point : series.get("points")) {
            Double exact = exactSeries.get(Instant.parse(point.get("timestamp").asText()));
            if (exact != null) {
                seriesPoints++;
                double error = relativeError(point.get("value").asDouble(), exact);
                if (error > maxError) {
                    maxError = error;
                    worst = SERIES_SLI + " at " + point.get("timestamp").asText();
                }
            }
        }
        boolean countsMatch = true;
        for (JsonNode sli : summary.get("slis")) {
            String id = sli.get("id").asText();
            String stream = Map.of("availability_success_rate", "PROBE", "iframe_load_success_rate", "IFRAME_HOST",
                    "webhook_delivery_success_rate", "WEBHOOK", "lifecycle_success_rate", "LIFECYCLE").get(id);
            if (stream != null) {
                long[] exact = exactCounts.get(stream);
                countsMatch &= exact[0] == sli.get("good").asLong() && exact[1] == sli.get("total").asLong();
            }
        }

        System.out.printf("load average (1, 5, 15 min) after the requests: %s%n", loadAverage());
        double summaryP50 = percentile(summaryMs, 0.50);
        double summaryP99 = percentile(summaryMs, 0.99);
        double seriesP50 = percentile(seriesMs, 0.50);
        double seriesP99 = percentile(seriesMs, 0.99);
        System.out.printf("28-day summary (all %d SLIs + SLOs + burn rates, over HTTP, %d requests): p50 %.1f ms, p99 %.1f ms%n",
                summary.get("slis").size(), requests, summaryP50, summaryP99);
        System.out.printf("  exact SQL from raw rows (counts + percentile_disc, median of 3): %.0f ms -> %.0fx faster at p50, %.0fx at p99%n",
                exactSummaryMs, exactSummaryMs / summaryP50, exactSummaryMs / summaryP99);
        System.out.printf("7-day hourly series of %s (%d points, over HTTP): p50 %.1f ms, p99 %.1f ms%n",
                SERIES_SLI, series.get("points").size(), seriesP50, seriesP99);
        System.out.printf("  exact SQL from raw rows (median of 3): %.0f ms -> %.0fx faster at p50, %.0fx at p99%n",
                exactSeriesMs, exactSeriesMs / seriesP50, exactSeriesMs / seriesP99);
        System.out.printf("largest relative P90 error against percentile_disc: %.3f %% (%s; 6 summary P90s and %d series points)%n",
                100 * maxError, worst, seriesPoints);
        System.out.printf("good/total of the ratio SLIs equal the exact counts: %s%n", countsMatch ? "yes" : "NO");
        System.out.printf("targets: summary p99 < 50 ms: %s; >= 100x exact: %s; P90 error <= 1 %%: %s%n",
                summaryP99 < 50 ? "met" : "MISSED", exactSummaryMs / summaryP99 >= 100 ? "met" : "MISSED",
                maxError <= 0.01 ? "met" : "MISSED");
    }

    /**
     * 20 adjustments in the window (maintenance windows on whole hours, platform faults on odd
     * minutes), then the 28-day summary with them and with {@code ?adjustments=none}, interleaved
     * so that both see the same load; the adjusted probe count is checked against SQL over the raw rows.
     */
    private void measureAdjusted(Connection db) throws Exception {
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        List<Instant[]> spans = new ArrayList<>();
        for (int i = 0; i < ADJUSTMENTS; i++) {
            boolean maintenance = i % 2 == 0;
            Instant start = end.minus(26L * 24 * (i + 1) / ADJUSTMENTS, ChronoUnit.HOURS)
                    .plus(maintenance ? 0 : 17 + i, ChronoUnit.MINUTES);
            Instant stop = start.plus(maintenance ? 120 : 37, ChronoUnit.MINUTES);
            spans.add(new Instant[] {start, stop});
            String body = maintenance
                    ? "{\"kind\": \"maintenance\", \"appKeys\": [\"" + APP + "\"], \"start\": \"" + start
                            + "\", \"end\": \"" + stop + "\", \"reason\": \"bench maintenance\"}"
                    : "{\"kind\": \"platform_fault\", \"start\": \"" + start + "\", \"end\": \"" + stop
                            + "\", \"reason\": \"bench platform fault\"}";
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/adjustments"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 201) {
                throw new IllegalStateException("declaring an adjustment answered " + answer.statusCode() + ": " + answer.body());
            }
        }
        String adjustedPath = "/api/v1/apps/" + APP + "/slis?window=28d";
        String rawPath = adjustedPath + "&adjustments=none";
        for (int i = 0; i < 20; i++) {
            get(adjustedPath);
            get(rawPath);
        }
        double[] adjustedMs = new double[requests];
        double[] rawMs = new double[requests];
        JsonNode adjusted = null;
        String loadBefore = loadAverage();
        for (int i = 0; i < requests; i++) {
            long began = System.nanoTime();
            get(rawPath);
            rawMs[i] = (System.nanoTime() - began) / 1e6;
            began = System.nanoTime();
            adjusted = get(adjustedPath);
            adjustedMs[i] = (System.nanoTime() - began) / 1e6;
        }
        String loadAfter = loadAverage();
        long exactProbes;
        StringBuilder outside = new StringBuilder();
        for (Instant[] span : spans) {
            outside.append(" and not (occurred_at >= '").append(span[0]).append("' and occurred_at < '")
                    .append(span[1]).append("')");
        }
        try (PreparedStatement exact = db.prepareStatement("select count(*) from probe_result where app_key = ?"
                + " and occurred_at >= ? and occurred_at < ?" + outside)) {
            exact.setString(1, APP);
            exact.setTimestamp(2, Timestamp.from(Instant.parse(adjusted.get("from").asText())));
            exact.setTimestamp(3, Timestamp.from(Instant.parse(adjusted.get("to").asText())));
            try (ResultSet rows = exact.executeQuery()) {
                rows.next();
                exactProbes = rows.getLong(1);
            }
        }
        long answeredProbes = 0;
        long excluded = 0;
        for (JsonNode sli : adjusted.get("slis")) {
            if (sli.get("id").asText().equals("availability_success_rate")) {
                answeredProbes = sli.get("total").asLong();
                excluded = sli.get("excluded").asLong();
            }
        }
        double rawP99 = percentile(rawMs, 0.99);
        double adjustedP99 = percentile(adjustedMs, 0.99);
        System.out.printf("28-day summary with %d adjustments applied (%d listed; interleaved with ?adjustments=none,"
                        + " %d requests each): p50 %.1f ms, p99 %.1f ms; without: p50 %.1f ms, p99 %.1f ms"
                        + " -> %.2fx at p99, %.2fx at p50 (load average %s before, %s after)%n",
                ADJUSTMENTS, adjusted.get("adjustments").size(), requests, percentile(adjustedMs, 0.50), adjustedP99,
                percentile(rawMs, 0.50), rawP99, adjustedP99 / rawP99,
                percentile(adjustedMs, 0.50) / percentile(rawMs, 0.50), loadBefore, loadAfter);
        System.out.printf("  probes left after the adjustments: %,d answered, %,d by SQL over the raw rows (%,d excluded): %s%n",
                answeredProbes, exactProbes, excluded, answeredProbes == exactProbes ? "equal" : "DIFFERENT");
        System.out.printf("target: adjusted summary p99 <= 1.5x without: %s%n", adjustedP99 <= 1.5 * rawP99 ? "met" : "MISSED");
    }

    /** The 1-, 5- and 15-minute load averages of the machine: it is shared, so every figure carries them. */
    private static String loadAverage() throws Exception {
        String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    private interface SqlWork {
        void run() throws Exception;
    }

    private static double timeExact(SqlWork work) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long began = System.nanoTime();
            work.run();
            times.add((System.nanoTime() - began) / 1e6);
        }
        times.sort(Double::compare);
        return times.get(1);
    }

    private static void bindWindow(PreparedStatement statement, Timestamp from, Timestamp to) throws Exception {
        statement.setString(1, APP);
        statement.setTimestamp(2, from);
        statement.setTimestamp(3, to);
        statement.setString(4, APP);
        statement.setTimestamp(5, from);
        statement.setTimestamp(6, to);
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static double relativeError(double value, double exact) {
        return exact == 0 ? Math.abs(value) : Math.abs(value - exact) / exact;
    }

    /** Nearest rank. */
    private static double percentile(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(quantile * sorted.length) - 1];
    }
}
