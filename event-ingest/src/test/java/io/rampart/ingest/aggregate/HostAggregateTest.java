package io.rampart.ingest.aggregate;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Aggregated host ingest: one data set sent raw to one app and as per-minute aggregates to
 * another gives both the same rollups, minute, hour and day (the only rows every SLI is read
 * from: ratios equal exactly, and quantiles too, since the bins are the same); a resend with the
 * same key counts nothing; a bad aggregate is refused naming its field, and nothing of it is kept.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostAggregateTest {

    private static final String SECRET = "aggregate-test-secret-0123456789ab";
    private static final String[] ROLLUPS = {"sli_count_minute", "sli_count_hour", "sli_count_day",
            "sli_latency_minute", "sli_latency_hour", "sli_latency_day"};
    private static final double GAMMA = 1.01 / 0.99;

    @Inject
    SecretSealer sealer;

    /** One host event of the data set, as the host observed it. */
    private record Observed(String type, Instant at, int durationMs, String outcomeKey, Map<String, Object> outcome,
            String wire) {
    }

    @Test
    void theSameEventsSentRawAndAsAggregatesGiveTheSameRollupsSoTheSameSlis() throws SQLException {
        String raw = TestApps.register(sealer, "aggraw", SECRET);
        String aggregated = TestApps.register(sealer, "aggsum", SECRET);
        List<Observed> events = dataSet(new Random(20), Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES));

        for (int from = 0; from < events.size(); from += 200) {
            String batch = events.subList(from, Math.min(events.size(), from + 200)).stream()
                    .map(event -> event.wire().formatted(raw)).collect(Collectors.joining(","));
            post("/api/v1/host-events", "{\"events\": [" + batch + "]}").statusCode(200);
        }
        List<String> aggregates = aggregates(events, aggregated);
        post("/api/v1/host-aggregates", "{\"aggregates\": [" + String.join(",", aggregates) + "]}")
                .statusCode(200).body("accepted", equalTo(aggregates.size())).body("duplicates", equalTo(0));

        for (String rollup : ROLLUPS) {
            List<String> rawRows = rollupRows(rollup, raw);
            assertThat(rawRows).as(rollup).isNotEmpty();
            assertThat(rollupRows(rollup, aggregated)).as(rollup).isEqualTo(rawRows);
        }
    }

    @Test
    void aResendWithTheSameKeyIsNotCountedTwice() throws SQLException {
        String appKey = TestApps.register(sealer, "aggresend", SECRET);
        String aggregate = webhookAggregate(appKey, "batch-1", "\"bins\": [1, 400], \"counts\": [2, 3]");
        post("/api/v1/host-aggregates", "{\"aggregates\": [" + aggregate + "]}")
                .statusCode(200).body("accepted", equalTo(1)).body("duplicates", equalTo(0));
        List<String> once = rollupRows("sli_count_minute", appKey);

        post("/api/v1/host-aggregates", "{\"aggregates\": [" + aggregate + ", " + aggregate + "]}")
                .statusCode(200).body("accepted", equalTo(0)).body("duplicates", equalTo(2));
        assertThat(rollupRows("sli_count_minute", appKey)).isEqualTo(once).singleElement().asString().contains("|5|0");
        // Another key for the same minute and stream is more events.
        post("/api/v1/host-aggregates", "{\"aggregates\": [" + webhookAggregate(appKey, "batch-2",
                "\"bins\": [1], \"counts\": [5]") + "]}").statusCode(200).body("accepted", equalTo(1));
        assertThat(rollupRows("sli_count_minute", appKey)).singleElement().asString().contains("|10|0");
    }

    @Test
    void aBadAggregateIsRefusedNamingItsFieldAndNothingOfTheRequestIsKept() throws SQLException {
        String appKey = TestApps.register(sealer, "aggbad", SECRET);
        String good = webhookAggregate(appKey, "good", "\"bins\": [1, 400], \"counts\": [2, 3]");
        Map<String, String> refusals = Map.of(
                webhookAggregate(appKey, "sum", "\"bins\": [1, 400], \"counts\": [2, 2]"), "aggregates[1].latency.counts",
                webhookAggregate(appKey, "order", "\"bins\": [400, 1], \"counts\": [2, 3]"), "aggregates[1].latency.bins[1]",
                webhookAggregate(appKey, "range", "\"bins\": [1, 99999], \"counts\": [2, 3]"), "aggregates[1].latency.bins[1]",
                webhookAggregate(appKey, "minute", "\"bins\": [1, 400], \"counts\": [2, 3]").replace(":00Z", ":30Z"),
                "aggregates[1].minute",
                good.replace("\"statusCode\": 500", "\"errorKind\": \"TIMEOUT\", \"statusCode\": 500"),
                "aggregates[1].outcomes[0].errorKind");
        refusals.forEach((bad, field) -> post("/api/v1/host-aggregates", "{\"aggregates\": [" + good + ", " + bad + "]}")
                .statusCode(400).body("error", equalTo("invalid_item")).body("index", equalTo(1))
                .body("field", equalTo(field.substring("aggregates[1].".length()))));
        assertThat(TestApps.count("select count(*) from host_aggregate_receipt where app_key = ?", appKey)).isZero();
        assertThat(rollupRows("sli_count_minute", appKey)).isEmpty();
        post("/api/v1/host-aggregates", "{\"aggregates\": [" + good.replace(appKey, "test.aggbad.unknown") + "]}")
                .statusCode(404);
        given().auth().oauth2(PlatformTokens.admin()).contentType("application/json").body("{\"aggregates\": []}")
                .when().post("/api/v1/host-aggregates").then().statusCode(403);
    }

    private static ValidatableResponse post(String path, String body) {
        return given().auth().oauth2(PlatformTokens.host()).contentType("application/json").body(body)
                .when().post(path).then();
    }

    /** One minute an hour ago, the same for every aggregate of the class: two of them built a minute apart would not add up. */
    private static final Instant MINUTE = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);

    private static String webhookAggregate(String appKey, String key, String latency) {
        return """
                {"appKey": "%s", "minute": "%s", "type": "WEBHOOK", "idempotencyKey": "%s",
                 "outcomes": [{"product": "jira", "statusCode": 500, "count": 5}], "latency": {%s}}"""
                .formatted(appKey, MINUTE, key, latency);
    }

    /**
     * Host events over 90 minutes (two hours, so hour and day rollups have several sources):
     * iframe loads connected, late and never; lifecycle callbacks answered or not reached;
     * webhooks to both products with many status codes and errors; durations over four decades.
     */
    private static List<Observed> dataSet(Random random, Instant start) {
        List<Observed> events = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            Instant at = start.plusSeconds(random.nextInt(90 * 60));
            int duration = (int) Math.round(Math.exp(random.nextDouble() * Math.log(20_000)));
            String prefix = "{\"appKey\": \"%s\", \"occurredAt\": \"" + at + "\", \"durationMs\": " + duration + ", ";
            switch (random.nextInt(3)) {
                case 0 -> {
                    boolean connected = random.nextInt(10) > 0;
                    String result = !connected ? "never" : duration <= 12_000 ? "connected" : "late";
                    events.add(new Observed("IFRAME_LOAD", at, result.equals("connected") ? duration : 12_000,
                            result, Map.of("result", result),
                            prefix + "\"type\": \"IFRAME_LOAD\", \"connected\": " + connected + "}"));
                }
                case 1 -> {
                    int status = new int[] {200, 204, 500, 404, 0}[random.nextInt(5)];
                    String answer = status == 0 ? "\"errorKind\": \"TIMEOUT\"" : "\"statusCode\": " + status;
                    events.add(new Observed("LIFECYCLE", at, duration, answer,
                            status == 0 ? Map.of("errorKind", "TIMEOUT") : Map.of("statusCode", status),
                            prefix + "\"type\": \"LIFECYCLE\", \"lifecycle\": \"installed\", " + answer + "}"));
                }
                default -> {
                    String product = random.nextBoolean() ? "jira" : "confluence";
                    int status = new int[] {200, 204, 202, 302, 500, 503, 0}[random.nextInt(7)];
                    String answer = status == 0 ? "\"errorKind\": \"DNS\"" : "\"statusCode\": " + status;
                    events.add(new Observed("WEBHOOK", at, duration, product + answer,
                            status == 0 ? Map.of("product", product, "errorKind", "DNS")
                                    : Map.of("product", product, "statusCode", status),
                            prefix + "\"type\": \"WEBHOOK\", \"product\": \"" + product + "\", \"event\": \"jira:issue_created\", "
                                    + answer + "}"));
                }
            }
        }
        return events;
    }

    /** What a host sends for the data set: per minute and type, counts by outcome and by latency bin. */
    private static List<String> aggregates(List<Observed> events, String appKey) {
        Map<String, List<Observed>> byMinuteAndType = events.stream().collect(Collectors.groupingBy(
                event -> event.at().truncatedTo(ChronoUnit.MINUTES) + " " + event.type(), TreeMap::new, Collectors.toList()));
        List<String> aggregates = new ArrayList<>();
        byMinuteAndType.forEach((key, group) -> {
            Map<String, Long> outcomeCounts = group.stream().collect(Collectors.groupingBy(Observed::outcomeKey,
                    TreeMap::new, Collectors.counting()));
            Map<String, Map<String, Object>> outcomes = group.stream().collect(Collectors.toMap(Observed::outcomeKey,
                    Observed::outcome, (a, b) -> a));
            Map<Integer, Long> bins = group.stream().collect(Collectors.groupingBy(event -> bin(event.durationMs()),
                    TreeMap::new, Collectors.counting()));
            String outcomeJson = outcomeCounts.entrySet().stream().map(entry -> {
                StringBuilder row = new StringBuilder("{");
                outcomes.get(entry.getKey()).forEach((field, value) -> row.append('"').append(field).append("\": ")
                        .append(value instanceof String ? "\"" + value + "\"" : value).append(", "));
                return row.append("\"count\": ").append(entry.getValue()).append('}').toString();
            }).collect(Collectors.joining(", "));
            aggregates.add("""
                    {"appKey": "%s", "minute": "%s", "type": "%s", "idempotencyKey": "host-1/%s",
                     "outcomes": [%s], "latency": {"bins": %s, "counts": %s}}"""
                    .formatted(appKey, key.split(" ")[0], key.split(" ")[1], key.replace(' ', '/'), outcomeJson,
                            bins.keySet(), bins.values()));
        });
        return aggregates;
    }

    /** The published bin scheme (docs/slis.md): 0 for 0 ms, else 1 + ceil(log_gamma(ms)). */
    private static int bin(int durationMs) {
        return durationMs <= 0 ? 0 : 1 + (int) Math.ceil(Math.log(durationMs) / Math.log(GAMMA));
    }

    /**
     * Every row of a rollup table for the app, its key and figures as text, app key left out. A
     * lifecycle count's kind (kept in {@code product}) and status code are left out too: aggregates
     * carry neither, and count under the lifecycle scope {@code all} only (docs/slis.md).
     */
    private static List<String> rollupRows(String table, String appKey) throws SQLException {
        String query = table.startsWith("sli_count")
                ? "select concat_ws('|', bucket, stream, target_id, product, status_code, sum(total), sum(good)) from"
                        + " (select bucket, stream, target_id, case when stream = 'LIFECYCLE' then '' else product end"
                        + " as product, case when stream = 'LIFECYCLE' then 0 else status_code end as status_code, total,"
                        + " good from " + table + " where app_key = ?) as row"
                        + " group by bucket, stream, target_id, product, status_code order by 1"
                : "select concat_ws('|', bucket, stream, target_id, latency_bins, latency_counts) from " + table
                        + " where app_key = ? order by 1";
        try (Connection connection = DriverManager.getConnection(PostgresResource.jdbcUrl(), "rampart", "rampart");
                PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setString(1, appKey);
            List<String> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
            return rows;
        }
    }
}
