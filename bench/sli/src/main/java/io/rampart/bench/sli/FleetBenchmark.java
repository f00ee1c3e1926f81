package io.rampart.bench.sli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.store.local.LocalPostgres;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet benchmark, run by bench/fleet/run: 5,000 apps with 28 days of events (at least 50
 * million), loaded set-based through the rollup triggers ingest's inserts feed; the fleet's first
 * page sorted by error budget and a month's compliance CSV through the running sli-api, next to
 * the same answers computed exactly from the raw rows in SQL, with the machine's load average.
 */
public final class FleetBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DAYS = 28;
    /**
     * Events per app and stream (probes, lifecycle, webhooks, iframe loads) in each of the four
     * minutes a day that have events, on the 26 days inside the window (read as day rollups).
     */
    private static final int[] PER_SLOT = {21, 21, 21, 21};
    /** On the first and the last day (read as hour rollups), events per app and stream in one minute of each hour. */
    private static final int PER_EDGE_HOUR = 2;
    /**
     * The first and last hours (read as minute rollups) have one event per app and stream every
     * minute, as a busy marketplace has everywhere; the last ones run on past the time of the
     * queries, so that their window ends among them.
     */
    private static final int DENSE_EDGE_HOURS = 2;

    /** Each stream's good event and each SLO, written again independently of V30 and sli-api as the exact reference. */
    private static final String EXACT_COUNTS = """
            with counted as (
                select app_key, 'availability_success_rate' as sli,
                       count(*) filter (where outcome = 'SUCCESS') as good, count(*) as total
                from probe_result where occurred_at >= ? and occurred_at < ? group by app_key
                union all
                select app_key, case kind when 'LIFECYCLE' then 'lifecycle_success_rate'
                                          when 'WEBHOOK' then 'webhook_delivery_success_rate'
                                          else 'iframe_load_success_rate' end,
                       count(*) filter (where coalesce(case kind when 'IFRAME_HOST' then succeeded and duration_ms <= 12000
                                                              else status_code in (200, 204) end, false)),
                       count(*)
                from app_event where occurred_at >= ? and occurred_at < ? group by 1, 2
            )
            select app_key, sli, target, good, total,
                   100 * (1 - ((total - good)::float8 / total) / (1 - target / 100)) as budget
            from counted join (values ('availability_success_rate', 99.9::float8), ('lifecycle_success_rate', 99),
                                      ('webhook_delivery_success_rate', 99), ('iframe_load_success_rate', 99)) as t(sli, target)
                 using (sli)
            """;

    private final int apps;
    private final long events;
    private final int requests;
    private final int loaders;
    private RunningApi api;

    private FleetBenchmark(int apps, long events, int requests, int loaders) {
        this.apps = apps;
        this.events = events;
        this.requests = requests;
        this.loaders = loaders;
    }

    public static void main(String[] args) throws Exception {
        int apps = Integer.parseInt(System.getenv().getOrDefault("BENCH_APPS", "5000"));
        long events = Long.parseLong(System.getenv().getOrDefault("BENCH_EVENTS", "50000000"));
        int requests = Integer.parseInt(System.getenv().getOrDefault("BENCH_REQUESTS", "120"));
        int loaders = Integer.parseInt(System.getenv().getOrDefault("BENCH_LOADERS", "2"));
        new FleetBenchmark(apps, events, requests, loaders).run(Path.of(args[0]), Path.of(args[1]));
    }

    private void run(Path jar, Path work) throws Exception {
        try (RunningApi running = RunningApi.start(jar, work, Map.of())) {
            api = running;
            try (Connection db = DriverManager.getConnection(running.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
                if (loaded(db)) {
                    System.out.printf("the fleet loaded by an earlier run (BENCH_KEEP_DATA): %,d events for %,d apps%n",
                            count(db, "select (select count(*) from probe_result) + (select count(*) from app_event)"),
                            count(db, "select count(*) from app"));
                } else {
                    Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(DENSE_EDGE_HOURS, ChronoUnit.HOURS);
                    register(db);
                    load(running, end);
                    try (Statement done = db.createStatement()) {
                        done.execute("create table bench_loaded as select now() as loaded_at");
                    }
                }
                measure(db);
            }
        }
    }

    /** Whether an earlier run left its loaded fleet in the work folder (kept by BENCH_KEEP_DATA). */
    private static boolean loaded(Connection db) throws Exception {
        return count(db, "select count(*) from pg_tables where tablename = 'bench_loaded'") > 0;
    }

    /** The registry's rows as the registry API writes them (an app and its probe target), registered 60 days ago. */
    private void register(Connection db) throws Exception {
        try (Statement statement = db.createStatement()) {
            statement.execute("insert into app (app_key, name, products, created_at) select 'bench.app' || lpad(n::text, 5, '0'),"
                    + " 'App ' || n, '{JIRA}', now() - interval '60 days' from generate_series(0, " + (apps - 1) + ") as n");
            statement.execute("insert into healthcheck_target (app_key, label, base_url)"
                    + " select app_key, 'prod', 'https://' || app_key || '.example' from app");
            statement.execute("create table bench_app as select row_number() over (order by t.app_key)::int - 1 as n,"
                    + " t.app_key, t.id as target_id from healthcheck_target as t");
        }
    }

    /**
     * Set-based generation, one statement per day, group of 1,000 apps and raw table: each a batch
     * of a few hundred thousand events for the statement-level rollup triggers, as ingest's batches
     * are. Each app fails at its own rate (most at 0.03 %, one in 20 at 0.5 %, one in 20 at 2 %).
     */
    private void load(RunningApi running, Instant end) throws Exception {
        Instant start = end.minus(DAYS, ChronoUnit.DAYS);
        long perApp = (DAYS - 2L) * 4 * Arrays.stream(PER_SLOT).sum() + 2L * (24 - DENSE_EDGE_HOURS) * PER_EDGE_HOUR * PER_SLOT.length
                + 2L * DENSE_EDGE_HOURS * 60 * PER_SLOT.length;
        double scale = Math.max(1.0, (double) events / (perApp * apps));
        long began = System.nanoTime();
        String times = """
                from bench_app as b,
                     generate_series(0, 23) as h,{STREAMS}
                     lateral (select ?::timestamptz + h * interval '1 hour' as hour_start) as hs,
                     lateral (select hour_start < ?::timestamptz + interval '%1$d hours'
                                     or hour_start >= ?::timestamptz - interval '%1$d hours' as dense) as d,
                     lateral (select case when dense then 60 when ?::boolean or h %% 6 = b.n %% 6 then 1 else 0 end as minutes,
                                     case when dense then 1 when ?::boolean then %2$d
                                          else ceil({PER_SLOT} * {SCALE})::int end as per_slot) as density,
                     generate_series(0, minutes - 1) as m,
                     generate_series(0, per_slot - 1) as k,
                     lateral (select hour_start + (case when dense then m else b.n %% 60 end) * interval '1 minute'
                                     + k * interval '1 second' as at,
                                     random() < case b.n %% 20 when 0 then 0.02 when 1 then 0.005 else 0.0003 end as bad,
                                     (40 + 20 * floor(random() * 30))::int as duration) as e
                where b.n >= ? and b.n < ?""".formatted(DENSE_EDGE_HOURS, PER_EDGE_HOUR).replace("{SCALE}", Double.toString(scale));
        String probes = ("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                + " status_code, prober) select b.target_id, b.app_key, at, at, duration,"
                + " case when bad then 'HTTP_STATUS' else 'SUCCESS' end, case when bad then 503 else 200 end, 'bench' "
                + times).replace("{STREAMS}", "").replace("{PER_SLOT}", Integer.toString(PER_SLOT[0]));
        String hostEvents = ("""
                insert into app_event (app_key, kind, occurred_at, received_at, duration_ms, succeeded, status_code,
                                       lifecycle, product, webhook_event)
                select b.app_key, kind, at, at, case when kind = 'IFRAME_HOST' then duration * 10 else duration end,
                       case when kind = 'IFRAME_HOST' then not bad end,
                       case when kind <> 'IFRAME_HOST' then case when bad then 500 else 200 end end,
                       case when kind = 'LIFECYCLE' then 'INSTALLED' end,
                       case when kind = 'WEBHOOK' then 'JIRA' end, case when kind = 'WEBHOOK' then 'jira:issue_created' end
                """ + times).replace("{STREAMS}", "\n (values ('LIFECYCLE', " + PER_SLOT[1] + "), ('WEBHOOK', " + PER_SLOT[2]
                + "), ('IFRAME_HOST', " + PER_SLOT[3] + ")) as s(kind, per_slot_of_stream),").replace("{PER_SLOT}", "per_slot_of_stream");
        int group = 1000;
        List<int[]> batches = new ArrayList<>();
        for (int day = 0; day < DAYS; day++) {
            for (int first = 0; first < apps; first += group) {
                batches.add(new int[] {day, first});
            }
        }
        // BENCH_LOADERS connections insert batches side by side, as several ingest replicas do
        java.util.concurrent.atomic.AtomicInteger nextBatch = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(loaders);
        List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
        for (int worker = 0; worker < loaders; worker++) {
            workers.add(pool.submit(() -> {
                try (Connection db = DriverManager.getConnection(running.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
                        PreparedStatement probe = db.prepareStatement(probes); PreparedStatement host = db.prepareStatement(hostEvents)) {
                    for (int index = nextBatch.getAndIncrement(); index < batches.size(); index = nextBatch.getAndIncrement()) {
                        int day = batches.get(index)[0];
                        int first = batches.get(index)[1];
                        for (PreparedStatement statement : List.of(probe, host)) {
                            statement.setTimestamp(1, Timestamp.from(start.plus(day, ChronoUnit.DAYS)));
                            statement.setTimestamp(2, Timestamp.from(start));
                            statement.setTimestamp(3, Timestamp.from(end));
                            statement.setBoolean(4, day == 0 || day == DAYS - 1);
                            statement.setBoolean(5, day == 0 || day == DAYS - 1);
                            statement.setInt(6, first);
                            statement.setInt(7, Math.min(apps, first + group));
                            statement.executeUpdate();
                        }
                        if ((index + 1) % Math.max(1, batches.size() / DAYS) == 0) {
                            System.out.printf("  %d of %d batches loaded after %.0f s, load average %s%n", index + 1,
                                    batches.size(), (System.nanoTime() - began) / 1e9, loadAverage());
                        }
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (java.util.concurrent.Future<?> worker : workers) {
            worker.get();
        }
        try (Connection db = DriverManager.getConnection(running.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            reportLoad(db, began);
        }
    }

    private void reportLoad(Connection db, long began) throws Exception {
        try (Statement analyze = db.createStatement()) {
            analyze.execute("vacuum analyze");
        }
        long loaded = count(db, "select (select count(*) from probe_result) + (select count(*) from app_event)");
        System.out.printf("loaded %,d events for %,d apps over %d days in %.0f s (%.0f events/s, %d connections), rollups"
                        + " kept by the insert triggers; load average %s%n", loaded, apps, DAYS, (System.nanoTime() - began) / 1e9,
                loaded / ((System.nanoTime() - began) / 1e9), loaders, loadAverage());
    }

    private void measure(Connection db) throws Exception {
        String firstPage = "/api/v1/fleet/slis?window=28d&limit=100";
        // the very first question has its ranking made while it waits; later ones are refreshed in the background
        long rankingBegan = System.nanoTime();
        HttpResponse<String> first = api.send("GET", firstPage, null, java.time.Duration.ofMinutes(10));
        if (first.statusCode() != 200) {
            throw new IllegalStateException(firstPage + " answered " + first.statusCode() + ": " + first.body());
        }
        System.out.printf("the first question of the fleet (its ranking made while it waited): %.0f ms, load average %s%n",
                (System.nanoTime() - rankingBegan) / 1e6, loadAverage());
        for (int i = 0; i < 10; i++) {
            get(firstPage);
        }
        double[] pageMs = new double[requests];
        JsonNode page = null;
        String loadDuringPages = loadAverage();
        for (int i = 0; i < requests; i++) {
            long began = System.nanoTime();
            page = JSON.readTree(get(firstPage));
            pageMs[i] = (System.nanoTime() - began) / 1e6;
        }
        loadDuringPages += " -> " + loadAverage();
        // the next page, which the cursor has read from the rollups when asked for
        String secondPage = firstPage + "&cursor=" + page.get("next").asText();
        double[] secondPageMs = new double[Math.max(1, requests / 10)];
        for (int i = 0; i < secondPageMs.length; i++) {
            long began = System.nanoTime();
            get(secondPage);
            secondPageMs[i] = (System.nanoTime() - began) / 1e6;
        }

        // the exact ranking of the same window, from the raw rows
        Timestamp from = Timestamp.from(Instant.parse(page.get("from").asText()));
        Timestamp to = Timestamp.from(Instant.parse(page.get("to").asText()));
        List<String> exactOrder = new ArrayList<>();
        Map<String, Double> exactBudget = new HashMap<>();
        long began = System.nanoTime();
        try (PreparedStatement exact = db.prepareStatement("select app_key, min(budget) as budget from (" + EXACT_COUNTS
                + ") as b group by app_key order by budget, app_key limit 100")) {
            bind(exact, from, to);
            try (ResultSet rows = exact.executeQuery()) {
                while (rows.next()) {
                    exactOrder.add(rows.getString("app_key"));
                    exactBudget.put(rows.getString("app_key"), rows.getDouble("budget"));
                }
            }
        }
        double exactPageMs = (System.nanoTime() - began) / 1e6;
        List<String> answeredOrder = new ArrayList<>();
        double largestBudgetDifference = 0;
        for (JsonNode item : page.get("items")) {
            String appKey = item.get("appKey").asText();
            answeredOrder.add(appKey);
            double least = Double.MAX_VALUE;
            for (JsonNode sli : item.get("slis")) {
                JsonNode budget = sli.path("slo").path("errorBudgetRemaining");
                if (budget.isNumber()) {
                    least = Math.min(least, budget.asDouble());
                }
            }
            Double exact = exactBudget.get(appKey);
            largestBudgetDifference = Math.max(largestBudgetDifference, exact == null ? Double.MAX_VALUE : Math.abs(least - exact));
        }

        // a month's compliance CSV for every app: the last month with events
        YearMonth month = YearMonth.from(from.toInstant().plus(14, ChronoUnit.DAYS).atOffset(ZoneOffset.UTC));
        began = System.nanoTime();
        String csv = get("/api/v1/fleet/compliance?format=csv&period=" + month);
        double csvMs = (System.nanoTime() - began) / 1e6;
        String loadAtCsv = loadAverage();
        Instant monthStart = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant monthEnd = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant csvEnd = monthEnd.isAfter(Instant.now()) ? Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES)
                : monthEnd;
        Map<String, long[]> exactMonth = new HashMap<>();
        began = System.nanoTime();
        try (PreparedStatement exact = db.prepareStatement(EXACT_COUNTS)) {
            bind(exact, Timestamp.from(monthStart), Timestamp.from(csvEnd));
            try (ResultSet rows = exact.executeQuery()) {
                while (rows.next()) {
                    exactMonth.put(rows.getString("app_key") + "," + rows.getString("sli"),
                            new long[] {rows.getLong("good"), rows.getLong("total")});
                }
            }
        }
        double exactCsvMs = (System.nanoTime() - began) / 1e6;
        int compared = 0;
        int differing = 0;
        String[] lines = csv.split("\r\n");
        for (String line : Arrays.copyOfRange(lines, 1, lines.length)) {
            String[] fields = line.split(",", -1);
            String sli = fields[1].equals("iframe_load_success_rate_effective") ? "iframe_load_success_rate" : fields[1];
            long[] exact = exactMonth.get(fields[0] + "," + sli);
            if (exact == null) {
                differing += fields[6].equals("no_data") ? 0 : 1;
                continue;
            }
            compared++;
            boolean met = 100.0 * exact[0] / exact[1] >= Double.parseDouble(fields[2]);
            if (exact[0] != Long.parseLong(fields[4]) || exact[1] != Long.parseLong(fields[5])
                    || !fields[6].equals(met ? "met" : "missed")) {
                differing++;
            }
        }

        double p50 = percentile(pageMs, 0.5);
        double p99 = percentile(pageMs, 0.99);
        System.out.printf("fleet first page (100 of %,d apps by error budget, 28 days), %d requests one after another,"
                + " load average %s:%n", apps, requests, loadDuringPages);
        System.out.printf("  p50 %.1f ms, p99 %.1f ms (goal p99 < 500 ms: %s)%n", p50, p99, p99 < 500 ? "met" : "MISSED");
        System.out.printf("  exact SQL from raw rows: %.0f ms -> %.0fx the p50, %.0fx the p99; same order: %s;"
                        + " largest budget difference %.2e percentage points%n",
                exactPageMs, exactPageMs / p50, exactPageMs / p99, answeredOrder.equals(exactOrder) ? "yes" : "NO",
                largestBudgetDifference);
        System.out.printf("  the second page (its cursor's, read from the rollups when asked), %d requests: p50 %.1f ms, max %.1f ms%n",
                secondPageMs.length, percentile(secondPageMs, 0.5), percentile(secondPageMs, 1.0));
        System.out.printf("compliance CSV of %s (%,d rows for %,d apps), load average %s:%n", month, lines.length - 1, apps, loadAtCsv);
        System.out.printf("  %.0f ms (goal < 10 s: %s)%n", csvMs, csvMs < 10_000 ? "met" : "MISSED");
        System.out.printf("  exact SQL from raw rows: %.0f ms -> %.1fx; %,d rows with data compared, %d differing%n",
                exactCsvMs, exactCsvMs / csvMs, compared, differing);
    }

    private String get(String path) throws Exception {
        HttpResponse<String> answer = api.send("GET", path, null);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return answer.body();
    }

    private static void bind(PreparedStatement statement, Timestamp from, Timestamp to) throws Exception {
        statement.setTimestamp(1, from);
        statement.setTimestamp(2, to);
        statement.setTimestamp(3, from);
        statement.setTimestamp(4, to);
    }

    private static String loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }

    private static long count(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Nearest rank. */
    private static double percentile(double[] values, double quantile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.ceil(quantile * sorted.length) - 1];
    }
}
