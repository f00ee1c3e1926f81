package io.rampart.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.local.ServiceProcess;
import io.rampart.store.local.LocalPostgres;
import io.rampart.store.local.LocalReplication;

import java.io.IOException;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Marketplace scale (docs/scale.md): host traffic of 1 billion events a day for 5,000 apps is
 * 11,574 events/s, about 139 events per app and minute. A measured slice of it (some apps, some
 * minutes, the same per-app rate) goes once through {@code POST /api/v1/host-events} (raw, each
 * event with an id) and once, for as many other apps, through {@code POST /api/v1/host-aggregates}
 * (per app, minute and type); for each the CPU time of event-ingest and of PostgreSQL, the
 * database's growth and the WAL written are measured per event, then extrapolated to a day (the
 * extrapolation is linear and says so). Two apps get the same events both ways and their SLI
 * answers from sli-api are compared.
 *
 * <p>{@code java -cp ... io.rampart.reliability.ScaleBenchmark [apps in the slice] [minutes]}
 */
public final class ScaleBenchmark {

    static final double EVENTS_PER_DAY = 1e9;
    static final int MARKETPLACE_APPS = 5000;
    static final int EVENTS_PER_APP_MINUTE = (int) Math.round(EVENTS_PER_DAY / MARKETPLACE_APPS / 1440);
    private static final int EVENTS_PER_REQUEST = 500;
    private static final int AGGREGATES_PER_REQUEST = 100;
    private static final int SENDERS = 6;
    private static final double GAMMA = 1.01 / 0.99;
    private static final long CLOCK_TICKS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one path cost for the slice. */
    record Cost(long events, double seconds, double ingestCpuSeconds, double postgresCpuSeconds, long databaseBytes,
            long walBytes) {

        String perEvent() {
            return String.format("%,d events in %.1f s (%.0f events/s); per event: ingest CPU %.1f µs, PostgreSQL CPU"
                    + " %.1f µs, database %.1f bytes, WAL %.1f bytes", events, seconds, events / seconds,
                    ingestCpuSeconds / events * 1e6, postgresCpuSeconds / events * 1e6,
                    (double) databaseBytes / events, (double) walBytes / events);
        }

        String perDay() {
            double scale = EVENTS_PER_DAY / events;
            return String.format("ingest %.2f cores, PostgreSQL %.2f cores, database +%.1f GB/day, WAL %.1f GB/day",
                    ingestCpuSeconds * scale / 86400, postgresCpuSeconds * scale / 86400, databaseBytes * scale / 1e9,
                    walBytes * scale / 1e9);
        }
    }

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int minutes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Path.of(System.getProperty("rampart.project", ".")).toAbsolutePath().normalize();
        Path home = Files.createTempDirectory("rampart-scale-");
        int port = Ports.free();
        try (LocalPostgres postgres = LocalPostgres.start(home.resolve("postgres"), port, LocalReplication.DURABLE);
                Cluster cluster = Cluster.onDatabase(root, home, port, List.of("event-ingest", "sli-api"), 1, Map.of())) {
            String url = "jdbc:postgresql://localhost:" + port + "/" + LocalPostgres.DATABASE;
            String token = cluster.keys().token("scale", "host", List.of(), Duration.ofHours(4));
            String admin = cluster.keys().token("scale-admin", "admin", List.of(), Duration.ofHours(4));
            String ingest = cluster.urls("event-ingest").get(0);
            ServiceProcess ingestProcess = cluster.replicas("event-ingest").get(0);
            Instant start = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);
            List<String> rawApps = register(url, "raw", apps);
            List<String> aggregatedApps = register(url, "agg", apps);

            System.out.printf("Scale slice: %d apps x %d minutes at %d events per app and minute (1e9 events/day over"
                    + " %,d apps), host mix of iframe loads, webhooks and lifecycle callbacks%n", apps, minutes,
                    EVENTS_PER_APP_MINUTE, MARKETPLACE_APPS);
            Cost raw = measure(ingestProcess, postgres, () -> sendRaw(ingest, token, rawApps, start, minutes));
            Cost aggregated = measure(ingestProcess, postgres,
                    () -> sendAggregates(ingest, token, aggregatedApps, start, minutes));
            System.out.println("raw host events:  " + raw.perEvent());
            System.out.println("aggregates:       " + aggregated.perEvent());
            System.out.println("extrapolated linearly to 1e9 events/day:");
            System.out.println("  raw host events: " + raw.perDay());
            System.out.println("  aggregates:      " + aggregated.perDay());
            System.out.printf("ratio aggregates / raw: ingest CPU %.3f, PostgreSQL CPU %.3f, database growth %.3f,"
                    + " WAL %.3f%n", perEvent(aggregated.ingestCpuSeconds(), aggregated) / perEvent(raw.ingestCpuSeconds(), raw),
                    perEvent(aggregated.postgresCpuSeconds(), aggregated) / perEvent(raw.postgresCpuSeconds(), raw),
                    perEvent(aggregated.databaseBytes(), aggregated) / perEvent(raw.databaseBytes(), raw),
                    perEvent(aggregated.walBytes(), aggregated) / perEvent(raw.walBytes(), raw));
            printSizes(url, apps * 2L);
            compareSlis(cluster.urls("sli-api").get(0), admin, rawApps.get(0), aggregatedApps.get(0), start, minutes);
        }
    }

    private static double perEvent(double value, Cost cost) {
        return value / cost.events();
    }

    private interface Slice {
        long send() throws Exception;
    }

    private static final String DATABASE_SIZE = "select pg_database_size('" + LocalPostgres.DATABASE + "')";

    private static Cost measure(ServiceProcess ingest, LocalPostgres postgres, Slice slice) throws Exception {
        // As the superuser: a checkpoint before each reading, so the sizes hold what was written.
        try (Connection connection = postgres.superuser(); Statement statement = connection.createStatement()) {
            statement.execute("checkpoint");
            long size = single(statement, DATABASE_SIZE);
            String lsn = text(statement, "select pg_current_wal_lsn()");
            double ingestCpu = cpuSeconds(ingest.pid(), false);
            double postgresCpu = cpuSeconds(postgres.postmaster().pid(), true);
            long started = System.nanoTime();
            long events = slice.send();
            double seconds = (System.nanoTime() - started) / 1e9;
            double ingestUsed = cpuSeconds(ingest.pid(), false) - ingestCpu;
            double postgresUsed = cpuSeconds(postgres.postmaster().pid(), true) - postgresCpu;
            statement.execute("checkpoint");
            return new Cost(events, seconds, ingestUsed, postgresUsed,
                    single(statement, DATABASE_SIZE) - size,
                    single(statement, "select pg_current_wal_lsn() - '" + lsn + "'::pg_lsn"));
        }
    }

    /** User and system CPU of a process (and, for PostgreSQL, of its processes and those that ended), from /proc. */
    private static double cpuSeconds(long pid, boolean withChildren) throws IOException {
        long ticks = ticks(pid, withChildren);
        if (withChildren) {
            for (ProcessHandle child : ProcessHandle.of(pid).orElseThrow().descendants().toList()) {
                ticks += ticks(child.pid(), false);
            }
        }
        return (double) ticks / CLOCK_TICKS;
    }

    private static long ticks(long pid, boolean endedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11..14]: utime, stime, cutime, cstime (man 5 proc, counted from the state field)
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return endedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
        } catch (IOException e) {
            return 0;
        }
    }

    private static List<String> register(String url, String prefix, int apps) throws SQLException {
        List<String> keys = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                Statement statement = connection.createStatement()) {
            for (int a = 0; a < apps; a++) {
                String key = "com.example.scale-" + prefix + "-" + a;
                statement.execute("insert into app (app_key, name) values ('" + key + "', 'Scale " + a + "')");
                keys.add(key);
            }
        }
        return keys;
    }

    /** One host event of the slice: the same for app index {@code a} whichever path sends it. */
    private record HostEvent(String type, Instant at, int durationMs, String answer, String product, boolean connected) {

        String json(String appKey, String eventId) {
            String head = "{\"type\": \"" + type + "\", \"appKey\": \"" + appKey + "\", \"occurredAt\": \"" + at
                    + "\", \"durationMs\": " + durationMs + ", \"eventId\": \"" + eventId + "\", ";
            return switch (type) {
                case "IFRAME_LOAD" -> head + "\"connected\": " + connected + "}";
                case "LIFECYCLE" -> head + "\"lifecycle\": \"updated\", " + answer + "}";
                default -> head + "\"product\": \"" + product + "\", \"event\": \"jira:issue_created\", \"queueMs\": 20, "
                        + answer + "}";
            };
        }

        /** How the host counts it: the outcome row it adds to, and the latency it bins (the 12 s rule for iframes). */
        String outcomeRow() {
            return switch (type) {
                case "IFRAME_LOAD" -> "\"result\": \"" + (!connected ? "never" : durationMs <= 12_000 ? "connected" : "late") + "\"";
                case "LIFECYCLE" -> answer;
                default -> "\"product\": \"" + product + "\", " + answer;
            };
        }

        int observedMs() {
            return type.equals("IFRAME_LOAD") && !(connected && durationMs <= 12_000) ? 12_000 : durationMs;
        }
    }

    private static List<HostEvent> events(int app, Instant start, int minutes) {
        Random random = new Random(app);
        List<HostEvent> events = new ArrayList<>();
        for (int m = 0; m < minutes; m++) {
            for (int i = 0; i < EVENTS_PER_APP_MINUTE; i++) {
                Instant at = start.plus(m, ChronoUnit.MINUTES).plusMillis(random.nextInt(60_000));
                int duration = 20 + (int) Math.round(Math.exp(random.nextGaussian() * 0.8 + 6));
                String answer = random.nextInt(30) == 0 ? "\"statusCode\": 500"
                        : random.nextInt(200) == 0 ? "\"errorKind\": \"TIMEOUT\"" : "\"statusCode\": 200";
                events.add(switch (i % 3) {
                    case 0 -> new HostEvent("IFRAME_LOAD", at, duration * 3, null, null, random.nextInt(40) != 0);
                    case 1 -> new HostEvent("WEBHOOK", at, duration, answer, random.nextBoolean() ? "jira" : "confluence", false);
                    default -> new HostEvent("LIFECYCLE", at, duration, answer, null, false);
                });
            }
        }
        return events;
    }

    private static long sendRaw(String ingest, String token, List<String> apps, Instant start, int minutes)
            throws Exception {
        List<String> bodies = new ArrayList<>();
        long count = 0;
        for (int a = 0; a < apps.size(); a++) {
            List<HostEvent> events = events(a, start, minutes);
            for (int from = 0; from < events.size(); from += EVENTS_PER_REQUEST) {
                StringBuilder body = new StringBuilder("{\"events\": [");
                for (int i = from; i < Math.min(events.size(), from + EVENTS_PER_REQUEST); i++) {
                    body.append(i == from ? "" : ",").append(events.get(i).json(apps.get(a), "e-" + a + "-" + i));
                }
                bodies.add(body.append("]}").toString());
            }
            count += events.size();
        }
        send(ingest + "/api/v1/host-events", token, bodies);
        return count;
    }

    private static long sendAggregates(String ingest, String token, List<String> apps, Instant start, int minutes)
            throws Exception {
        List<String> aggregates = new ArrayList<>();
        long count = 0;
        for (int a = 0; a < apps.size(); a++) {
            List<HostEvent> events = events(a, start, minutes);
            count += events.size();
            aggregates.addAll(aggregates(apps.get(a), events));
        }
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < aggregates.size(); from += AGGREGATES_PER_REQUEST) {
            bodies.add("{\"aggregates\": [" + String.join(",",
                    aggregates.subList(from, Math.min(aggregates.size(), from + AGGREGATES_PER_REQUEST))) + "]}");
        }
        send(ingest + "/api/v1/host-aggregates", token, bodies);
        return count;
    }

    /** What a host sends for these events: per minute and type, counts by outcome and by latency bin. */
    static List<String> aggregates(String appKey, List<HostEvent> events) {
        Map<String, List<HostEvent>> groups = events.stream().collect(Collectors.groupingBy(
                event -> event.at().truncatedTo(ChronoUnit.MINUTES) + " " + event.type(), TreeMap::new, Collectors.toList()));
        List<String> aggregates = new ArrayList<>();
        groups.forEach((key, group) -> {
            Map<String, Long> outcomes = group.stream().collect(Collectors.groupingBy(HostEvent::outcomeRow,
                    TreeMap::new, Collectors.counting()));
            Map<Integer, Long> bins = group.stream().collect(Collectors.groupingBy(event -> bin(event.observedMs()),
                    TreeMap::new, Collectors.counting()));
            String[] parts = key.split(" ");
            aggregates.add("{\"appKey\": \"" + appKey + "\", \"minute\": \"" + parts[0] + "\", \"type\": \"" + parts[1]
                    + "\", \"idempotencyKey\": \"host-1/" + parts[0] + "\", \"outcomes\": ["
                    + outcomes.entrySet().stream().map(row -> "{" + row.getKey() + ", \"count\": " + row.getValue() + "}")
                    .collect(Collectors.joining(",")) + "], \"latency\": {\"bins\": " + bins.keySet() + ", \"counts\": "
                    + bins.values() + "}}");
        });
        return aggregates;
    }

    /** The published bin scheme (docs/slis.md). */
    private static int bin(int durationMs) {
        return durationMs <= 0 ? 0 : 1 + (int) Math.ceil(Math.log(durationMs) / Math.log(GAMMA));
    }

    private static void send(String url, String token, List<String> bodies) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            senders.submit(() -> {
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    while (true) {
                        try {
                            int status = http.send(HttpRequest.newBuilder(URI.create(url))
                                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)))
                                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status == 200) {
                                break;
                            }
                            if (status / 100 == 4 && status != 429) {
                                refused.incrementAndGet();
                                break;
                            }
                        } catch (IOException e) {
                            // sent again
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
        }
        senders.shutdown();
        senders.awaitTermination(2, TimeUnit.HOURS);
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " requests to " + url + " were refused");
        }
    }

    /** Rows and bytes per table after the slice (tables, indexes and TOAST). */
    private static void printSizes(String url, long apps) throws SQLException {
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("""
                        select t.name, coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes,
                               coalesce(sum(c.reltuples) filter (where c.reltuples > 0), 0)::bigint as estimated_rows
                        from (values ('app_event'), ('app_event_id'), ('host_aggregate_receipt'), ('sli_count_minute'),
                                     ('sli_count_hour'), ('sli_count_day'), ('sli_latency_minute'), ('sli_latency_hour'),
                                     ('sli_latency_day')) as t(name)
                        left join pg_class c on c.relname = t.name or c.oid in (
                            select inhrelid from pg_inherits where inhparent = to_regclass(t.name))
                        group by t.name order by 1""")) {
            System.out.printf("tables after the slice (%d apps), bytes with indexes and TOAST:%n", apps);
            while (rows.next()) {
                System.out.printf("  %-24s %,14d bytes%n", rows.getString(1), rows.getLong(2));
            }
        }
    }

    /** The same events, raw for one app and aggregated for another: every SLI of the two answers side by side. */
    private static void compareSlis(String sliApi, String admin, String rawApp, String aggregatedApp, Instant start,
            int minutes) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String window = "?from=" + start + "&to=" + start.plus(minutes, ChronoUnit.MINUTES);
        JsonNode raw = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(sliApi + "/api/v1/apps/" + rawApp + "/slis"
                + window)).header("Authorization", "Bearer " + admin).build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode aggregated = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(sliApi + "/api/v1/apps/"
                + aggregatedApp + "/slis" + window)).header("Authorization", "Bearer " + admin).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        int compared = 0;
        List<String> different = new ArrayList<>();
        for (int i = 0; i < raw.path("slis").size(); i++) {
            JsonNode one = raw.path("slis").get(i);
            JsonNode other = aggregated.path("slis").get(i);
            compared++;
            for (String field : List.of("id", "value", "good", "total", "count")) {
                if (!one.path(field).equals(other.path(field))) {
                    different.add(one.path("id").asText() + "." + field + ": " + one.path(field) + " vs " + other.path(field));
                }
            }
        }
        System.out.printf("SLIs of the same events, raw vs aggregated: %d SLIs compared (value, good, total, count), %s%n",
                compared, different.isEmpty() ? "all equal" : "different: " + different);
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static String text(Statement statement, String sql) throws SQLException {
        try (ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
