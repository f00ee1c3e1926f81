package io.rampart.bench.sli;

import io.rampart.store.local.LocalPostgres;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The status page flood benchmark, run by bench/status-flood/run: the SLI API's latency while
 * idle, and while 200 anonymous viewers load one public status page as fast as they can, from
 * one address (what a flood from one client looks like). Prints both p99s and their ratio; the
 * target is a ratio of at most 1.5.
 */
public final class StatusFloodBenchmark {

    private static final String APP = "bench.flood";
    private static final int API_CLIENTS = 4;
    private static final String[] RANGES = {"day", "week", "month"};

    private final RunningApi api;
    private final Duration phase;
    /** API requests that did not answer 200 (counted in their phase's latencies too). */
    private final AtomicInteger apiFailures = new AtomicInteger();

    private StatusFloodBenchmark(RunningApi api, Duration phase) {
        this.api = api;
        this.phase = phase;
    }

    public static void main(String[] args) throws Exception {
        int viewers = Integer.parseInt(System.getenv().getOrDefault("BENCH_VIEWERS", "200"));
        Duration phase = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("BENCH_SECONDS", "30")));
        Map<String, String> environment = new TreeMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("RAMPART_STATUS_PAGE_")) {
                environment.put(name, value);
            }
        });
        try (RunningApi api = RunningApi.start(Path.of(args[0]), Path.of(args[1]), environment)) {
            new StatusFloodBenchmark(api, phase).run(viewers, environment);
        }
    }

    private void run(int viewers, Map<String, String> environment) throws Exception {
        register();
        seed();
        String api = "/api/v1/apps/" + APP + "/slis?window=1d";
        // Warm-up: plans cached, connections open.
        measure(api, Duration.ofSeconds(5), null);
        apiFailures.set(0);
        List<Double> idle = measure(api, phase, null);
        int idleFailures = apiFailures.getAndSet(0);
        Map<Integer, AtomicInteger> views = new ConcurrentHashMap<>();
        List<Double> flooded = measure(api, phase, () -> flood(viewers, views));
        double idleP99 = percentile(idle, 0.99);
        double floodP99 = percentile(flooded, 0.99);
        System.out.printf("status page flood: settings %s, %d anonymous viewers of one public page for %d s%n",
                environment.isEmpty() ? "defaults" : environment, viewers, phase.toSeconds());
        System.out.printf("  viewer answers by status: %s%n", new TreeMap<>(views));
        System.out.printf("  SLI API (GET %s, %d clients): idle p50 %.1f ms p99 %.1f ms (%d requests);"
                        + " under the flood p50 %.1f ms p99 %.1f ms (%d requests); not 200: idle %d, flood %d%n", api,
                API_CLIENTS, percentile(idle, 0.5), idleP99, idle.size(), percentile(flooded, 0.5), floodP99,
                flooded.size(), idleFailures, apiFailures.get());
        System.out.printf("  ratio of p99 under the flood to idle: %.2f (target at most 1.5: %s)%n", floodP99 / idleP99,
                floodP99 / idleP99 <= 1.5 ? "met" : "MISSED");
    }

    private void register() throws Exception {
        String body = "{\"appKey\": \"" + APP + "\", \"name\": \"Flooded\", \"healthcheckPath\": \"/health\","
                + " \"baseUrls\": [{\"url\": \"https://acme.example\", \"label\": \"prod\"},"
                + " {\"url\": \"https://eu.acme.example\", \"label\": \"eu\"}]}";
        HttpResponse<String> answer = api.send("POST", "/api/v1/apps", body);
        if (answer.statusCode() != 201) {
            throw new IllegalStateException("registering the app answered " + answer.statusCode() + " " + answer.body());
        }
        if (api.send("PATCH", "/api/v1/apps/" + APP, "{\"statusPagePublic\": true}").statusCode() != 200) {
            throw new IllegalStateException("the app's page could not be made public");
        }
    }

    /** Four weeks of probes (every minute, both targets) and webhook deliveries: a page worth building. */
    private void seed() throws Exception {
        try (Connection db = DriverManager.getConnection(api.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
             Statement seed = db.createStatement()) {
            seed.execute("""
                    insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,
                        status_code, prober)
                    select t.id, t.app_key, at, at, 80 + (random() * 400)::int,
                           case when random() < 0.002 then 'TIMEOUT' else 'SUCCESS' end, 200, 'bench'
                    from healthcheck_target t,
                         generate_series(now() - interval '28 days', now(), interval '1 minute') as at
                    where t.app_key = '%s'""".formatted(APP));
            seed.execute("""
                    insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, product)
                    select '%s', 'WEBHOOK', at, 50 + (random() * 300)::int,
                           case when random() < 0.01 then 500 else 200 end, 'JIRA'
                    from generate_series(now() - interval '28 days', now(), interval '20 seconds') as at"""
                    .formatted(APP));
        }
    }

    /** Runs {@code during} (if any) while API clients measure for one phase; answers every latency in ms. */
    private List<Double> measure(String path, Duration length, Runnable during) throws Exception {
        long end = System.nanoTime() + length.toNanos();
        List<Double> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread background = during == null ? null : started(during);
        CountDownLatch done = new CountDownLatch(API_CLIENTS);
        for (int client = 0; client < API_CLIENTS; client++) {
            started(() -> {
                try {
                    while (System.nanoTime() < end) {
                        long started = System.nanoTime();
                        try {
                            if (api.send("GET", path, null).statusCode() != 200) {
                                apiFailures.incrementAndGet();
                            }
                        } catch (Exception timedOutOrRefused) {
                            // Counted, with the time it took: a request that fails is the slowest kind.
                            apiFailures.incrementAndGet();
                        }
                        latencies.add((System.nanoTime() - started) / 1e6);
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        if (background != null) {
            background.join();
        }
        return latencies;
    }

    /**
     * {@code viewers} anonymous viewers loading the page until the phase ends, in a process of
     * their own, pinned to {@code bench.viewerCpu} when set (bench/status-flood/run sets it): the
     * viewers would run on their own machines, so their own CPU must not count against the server.
     */
    private void flood(int viewers, Map<Integer, AtomicInteger> views) {
        List<String> command = new ArrayList<>();
        String viewerCpu = System.getProperty("bench.viewerCpu", "");
        if (!viewerCpu.isEmpty()) {
            command.addAll(List.of("taskset", "-c", viewerCpu));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Viewers.class.getName(),
                api.baseUrl + "/status/" + APP, Integer.toString(viewers), Long.toString(phase.toSeconds())));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            // The viewers' last line: "status=count" pairs.
            String counts = new String(process.getInputStream().readAllBytes()).strip();
            if (process.waitFor() != 0 || counts.isEmpty()) {
                throw new IllegalStateException("the viewers' process failed: " + counts);
            }
            for (String pair : counts.split(" ")) {
                String[] statusAndCount = pair.split("=");
                views.put(Integer.parseInt(statusAndCount[0]), new AtomicInteger(Integer.parseInt(statusAndCount[1])));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The viewers' process: arguments page URL, viewers, seconds; prints "status=count ..." (-1: no answer). */
    public static final class Viewers {

        public static void main(String[] args) throws InterruptedException {
            String page = args[0];
            int viewers = Integer.parseInt(args[1]);
            long end = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            Map<Integer, AtomicInteger> views = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(viewers);
            for (int viewer = 0; viewer < viewers; viewer++) {
                int first = viewer;
                started(() -> {
                    try {
                        // Day, week and month pages in turn, as fast as answers come.
                        for (int view = first; System.nanoTime() < end; view++) {
                            HttpRequest request = HttpRequest.newBuilder(URI.create(page + "?range="
                                    + RANGES[view % RANGES.length])).timeout(Duration.ofSeconds(30)).build();
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            views.computeIfAbsent(status, code -> new AtomicInteger()).incrementAndGet();
                        }
                    } catch (Exception e) {
                        views.computeIfAbsent(-1, code -> new AtomicInteger()).incrementAndGet();
                    } finally {
                        done.countDown();
                    }
                });
            }
            done.await();
            StringBuilder counts = new StringBuilder();
            new TreeMap<>(views).forEach((status, count) -> counts.append(status).append('=').append(count).append(' '));
            System.out.println(counts.toString().strip());
        }
    }

    private static Thread started(Runnable work) {
        Thread thread = new Thread(work);
        thread.start();
        return thread;
    }

    private static double percentile(List<Double> values, double quantile) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1)];
    }
}
