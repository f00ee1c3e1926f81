package io.rampart.store.schema;

import io.rampart.store.local.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The static rollup functions of V190 give the same rollups as V30's statement built at run time
 * (with V132's and V175's changes): one data set covering every stream and edge case goes through
 * the insert triggers of a database at V180 and of one at the latest version, and every rollup
 * table must be the same row for row; so after rampart_rollup_rebuild(), after host aggregates
 * (rampart_rollup_apply) and after late events.
 */
class ReadableRollupsTest {

    /** Every table the insert triggers and rampart_rollup_apply write, with its key order. */
    private static final Map<String, String> ROLLUP_TABLES = new LinkedHashMap<>();

    static {
        for (String level : new String[] {"minute", "hour", "day"}) {
            ROLLUP_TABLES.put("sli_count_" + level, "app_key, bucket, stream, target_id, product, status_code");
            ROLLUP_TABLES.put("sli_latency_" + level, "app_key, bucket, stream, target_id");
            if (!level.equals("minute")) { // no minute level of the probe phases since V210
                ROLLUP_TABLES.put("probe_phase_" + level, "app_key, bucket, phase");
            }
        }
        ROLLUP_TABLES.put("probe_certificate", "target_id");
    }

    private static final String[] APPS = {"app-a", "app-b", "app.c"};
    private static final long[][] TARGETS = {{11, 12}, {21}, {31, 32, 33}};
    private static final String[] LOCATIONS = {"eu", "us", "ap"};
    private static final String[] OUTCOMES = {"SUCCESS", "TIMEOUT", "CONNECT", "DNS", "TLS", "HTTP_STATUS",
        "BODY_TOO_LARGE", "PROTOCOL", "BLOCKED", "PROBER_FAULT"};
    private static final Integer[] PROBE_CODES = {null, 200, 204, 201, 299, 301, 302, 304, 404, 500, 503, 0};
    private static final int[] PROBE_MS = {0, 1, 87, 2999, 3000, 30000};
    private static final String[] LIFECYCLES = {"INSTALLED", "UPDATED", "UNINSTALLED", "ENABLED", "DISABLED", null};
    private static final Integer[] CALLBACK_CODES = {200, 204, 201, 202, 301, 404, 500, 503, null, 0};
    private static final String[] PRODUCTS = {"jira", "confluence", null};
    private static final Integer[] WEBHOOK_CODES = {200, 202, 204, 302, 410, 500, 503, null, 0};
    private static final Boolean[] SUCCEEDED = {true, false, null};
    private static final Integer[] IFRAME_MS = {null, 0, 1, 11999, 12000, 12001, 45000};
    private static final Integer[] VENDOR_MS = {null, 0, 250, 15000};

    /** Seconds after the base day's midnight: minute, hour and day boundaries and either side of them. */
    private static final double[] OFFSETS = {0, 0.001, 59.999, 60, 61, 119.5, 3599.999, 3600, 3660.25, 7199,
        43200, 86399.999, 86400, 86400.001, 90000, 172799.999};

    private static LocalPostgres postgres;
    private static Instant base;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = LocalPostgres.start(Files.createTempDirectory(Files.createDirectories(Path.of("target")), "pg-"), 0);
        base = LocalDate.now(ZoneOffset.UTC).minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Test
    void theStaticRollupsEqualTheOnesBuiltAtRunTime() throws Exception {
        String before = database("rollups_v180", "180");
        String after = database("rollups_latest", null);
        List<String> statements = dataSet();
        try (Connection old = connect(before); Connection now = connect(after)) {
            for (String statement : statements) {
                execute(old, statement);
                execute(now, statement);
            }
            Map<String, List<String>> triggered = assertSameRollups(old, now, "through the insert triggers");
            assertThat(triggered.get("sli_count_minute")).as("every stream is in the data set")
                    .anyMatch(row -> row.contains("PROBE")).anyMatch(row -> row.contains("IFRAME_HOST"))
                    .anyMatch(row -> row.contains("IFRAME_APP")).anyMatch(row -> row.contains("SYNTHETIC"))
                    .anyMatch(row -> row.contains("LIFECYCLE")).anyMatch(row -> row.contains("WEBHOOK"))
                    .anyMatch(row -> row.contains("LEGACY"));

            execute(old, "select rampart_rollup_rebuild()");
            execute(now, "select rampart_rollup_rebuild()");
            Map<String, List<String>> rebuilt = assertSameRollups(old, now, "after rampart_rollup_rebuild()");
            assertThat(rebuilt).as("the rebuild gives what the triggers gave").isEqualTo(triggered);

            String aggregates = hostAggregates();
            execute(old, aggregates);
            execute(now, aggregates);
            assertSameRollups(old, now, "after host aggregates");

            for (String statement : lateEvents()) {
                execute(old, statement);
                execute(now, statement);
            }
            assertSameRollups(old, now, "after late events");
        }
    }

    /** Asserts every rollup table holds the same rows in both databases; answers them. */
    private static Map<String, List<String>> assertSameRollups(Connection old, Connection now, String when)
            throws Exception {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        StringBuilder counts = new StringBuilder();
        for (Map.Entry<String, String> table : ROLLUP_TABLES.entrySet()) {
            List<String> oldRows = rows(old, table.getKey(), table.getValue());
            List<String> newRows = rows(now, table.getKey(), table.getValue());
            assertThat(newRows).as("%s %s", table.getKey(), when).containsExactlyElementsOf(oldRows);
            rows.put(table.getKey(), newRows);
            counts.append(' ').append(table.getKey()).append('=').append(newRows.size());
        }
        assertThat(rows.get("sli_count_minute")).as("rows to compare").isNotEmpty();
        System.out.println("rollups equal " + when + ":" + counts);
        return rows;
    }

    private static List<String> rows(Connection connection, String table, String key) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select t::text from " + table + " t order by " + key)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }

    /**
     * Every probe outcome with every status code and duration, and every event kind with its edge
     * cases, spread over apps, targets, locations and minute/hour/day boundaries, in statements of
     * 1 to 300 rows in a fixed shuffled order.
     */
    private static List<String> dataSet() {
        List<String> rows = new ArrayList<>();
        int i = 0;
        for (String outcome : OUTCOMES) {
            for (Integer code : PROBE_CODES) {
                for (int ms : PROBE_MS) {
                    rows.add(probe(i++, outcome, code, ms, OFFSETS[(i * 7) % OFFSETS.length]));
                }
            }
        }
        for (int repeat = 0; repeat < 4; repeat++) {
            for (Boolean succeeded : SUCCEEDED) {
                for (Integer ms : IFRAME_MS) {
                    rows.add(event(i++, "IFRAME_HOST", ms, succeeded, null, null, null));
                }
            }
        }
        for (String kind : new String[] {"IFRAME_APP", "SYNTHETIC", "LEGACY"}) {
            for (int repeat = 0; repeat < 3; repeat++) {
                for (Boolean succeeded : SUCCEEDED) {
                    for (Integer ms : VENDOR_MS) {
                        rows.add(event(i++, kind, ms, succeeded, null, null, null));
                    }
                }
            }
        }
        for (String lifecycle : LIFECYCLES) {
            for (Integer code : CALLBACK_CODES) {
                for (Integer ms : new Integer[] {null, 120, 10000}) {
                    rows.add(event(i++, "LIFECYCLE", ms, null, code, lifecycle, null));
                }
            }
        }
        for (String product : PRODUCTS) {
            for (Integer code : WEBHOOK_CODES) {
                for (Integer ms : new Integer[] {null, 40, 5000}) {
                    rows.add(event(i++, "WEBHOOK", ms, code != null && code / 100 == 2, code, null, product));
                }
            }
        }
        Collections.shuffle(rows, new Random(42));
        List<String> statements = new ArrayList<>();
        int[] sizes = {1, 7, 300, 2, 50, 120, 1, 33};
        int from = 0;
        for (int s = 0; from < rows.size(); s++) {
            int to = Math.min(rows.size(), from + sizes[s % sizes.length]);
            statements.addAll(insertStatements(rows.subList(from, to)));
            from = to;
        }
        return statements;
    }

    /** Events and probes arriving after the buckets they count in were filled, some repeated exactly. */
    private static List<String> lateEvents() {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double offset = i % 3 == 0 ? -20 * 86400 + i : OFFSETS[i % OFFSETS.length];
            rows.add(probe(i, OUTCOMES[i % OUTCOMES.length], PROBE_CODES[i % PROBE_CODES.length],
                    PROBE_MS[i % PROBE_MS.length], offset));
            rows.add(event(i, "IFRAME_HOST", IFRAME_MS[i % IFRAME_MS.length], SUCCEEDED[i % 3], null, null, null));
            rows.add(event(i, "LIFECYCLE", 300, null, CALLBACK_CODES[i % CALLBACK_CODES.length],
                    LIFECYCLES[i % LIFECYCLES.length], null));
            rows.add(event(i, "WEBHOOK", 70, true, WEBHOOK_CODES[i % WEBHOOK_CODES.length], null,
                    PRODUCTS[i % PRODUCTS.length]));
            rows.add(event(i, i % 2 == 0 ? "SYNTHETIC" : "IFRAME_APP", VENDOR_MS[i % VENDOR_MS.length],
                    SUCCEEDED[(i / 3) % 3], null, null, null));
        }
        return insertStatements(rows);
    }

    /** Cells as event-ingest's host aggregates store them, some onto the raw events' rows. */
    private static String hostAggregates() {
        StringBuilder cells = new StringBuilder();
        String[] streams = {"IFRAME_HOST", "LIFECYCLE", "WEBHOOK"};
        for (int i = 0; i < 24; i++) {
            String stream = streams[i % 3];
            String product = stream.equals("WEBHOOK") ? "jira" : stream.equals("LIFECYCLE") ? "INSTALLED" : "";
            int code = stream.equals("IFRAME_HOST") ? 0 : i % 2 == 0 ? 200 : 500;
            String bin = i % 5 == 0 ? "null" : Integer.toString(100 + i * 37);
            cells.append(cells.isEmpty() ? "" : ", ")
                    .append(String.format("row(%s, %s, '%s', 0::bigint, '%s', %d, %s, %d::bigint, %d::bigint)"
                            + "::rampart_rollup_cell", quote(APPS[i % APPS.length]),
                            timestamp(OFFSETS[(i * 5) % OFFSETS.length] - OFFSETS[(i * 5) % OFFSETS.length] % 60),
                            stream, product, code, bin, 3 + i, stream.equals("WEBHOOK") ? 0 : 1 + i % 3));
        }
        return "select rampart_rollup_apply(array[" + cells + "])";
    }

    private static String probe(int i, String outcome, Integer code, int ms, double offset) {
        int app = i % APPS.length;
        long target = TARGETS[app][(i / APPS.length) % TARGETS[app].length];
        String at = timestamp(offset);
        String phase = i % 4 == 0 ? "null, null, null, null"
                : String.format("%d, %d, %s, %d", i % 13, i % 17 + 1, i % 2 == 0 ? "null" : Integer.toString(i % 40),
                        Math.min(ms, 2000 + i % 7));
        String certificate = i % 5 == 0 ? timestamp(86400.0 * (30 + i % 60)) + ", 'CA " + (i % 3) + "'" : "null, null";
        return String.format("probe:(%d, %s, %s, %s, %d, '%s', %s, 'prober-%d', '%s', %s, %s)", target,
                quote(APPS[app]), at, at, ms, outcome, code, i % 2, LOCATIONS[(i / 3) % LOCATIONS.length], phase,
                certificate);
    }

    private static String event(int i, String kind, Integer ms, Boolean succeeded, Integer code, String lifecycle,
            String product) {
        return String.format("event:(%s, '%s', %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                quote(APPS[(i * 5) % APPS.length]), kind, timestamp(OFFSETS[(i * 11) % OFFSETS.length]), ms, succeeded,
                code, code == null && (kind.equals("LIFECYCLE") || kind.equals("WEBHOOK")) ? "'TIMEOUT'" : "null",
                lifecycle == null ? "null" : quote(lifecycle), product == null ? "null" : quote(product),
                kind.equals("WEBHOOK") ? "'issue_created'" : "null", kind.equals("WEBHOOK") ? Integer.toString(i % 90)
                        : "null", kind.equals("SYNTHETIC") ? "'checkout'" : "null");
    }

    /** One INSERT per raw table the rows go to, probes first. */
    private static List<String> insertStatements(List<String> rows) {
        List<String> probes = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (String row : rows) {
            if (row.startsWith("probe:")) {
                probes.add(row.substring("probe:".length()));
            } else {
                events.add(row.substring("event:".length()));
            }
        }
        List<String> statements = new ArrayList<>();
        if (!probes.isEmpty()) {
            statements.add("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                    + " status_code, prober, location, dns_ms, connect_ms, tls_ms, first_byte_ms, certificate_not_after,"
                    + " certificate_issuer) values " + String.join(", ", probes));
        }
        if (!events.isEmpty()) {
            statements.add("insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded, status_code,"
                    + " error_kind, lifecycle, product, webhook_event, queue_ms, check_name) values "
                    + String.join(", ", events));
        }
        return statements;
    }

    private static String timestamp(double offsetSeconds) {
        Instant at = base.plus(Duration.ofNanos(Math.round(offsetSeconds * 1_000_000) * 1000));
        return "'" + at + "'::timestamptz";
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    private static String database(String name, String target) throws Exception {
        String admin = "jdbc:postgresql://localhost:" + postgres.port() + "/postgres";
        try (Connection connection = DriverManager.getConnection(admin, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name + " owner " + LocalPostgres.USER);
        }
        String url = "jdbc:postgresql://localhost:" + postgres.port() + "/" + name;
        var flyway = Flyway.configure().dataSource(url, LocalPostgres.USER, LocalPostgres.PASSWORD)
                .locations("classpath:db/migration");
        if (target != null) {
            flyway.target(target);
        }
        flyway.load().migrate();
        return url;
    }

    private static Connection connect(String url) throws Exception {
        return DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static void execute(Connection connection, String sql) throws Exception {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
