package io.rampart.sli.indicator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.sli.SliId;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.indicator.SliAnswers.number;
import static io.rampart.sli.indicator.SliAnswers.sli;
import static io.rampart.sli.indicator.SliAnswers.summary;
import static io.rampart.sli.indicator.SliAnswers.value;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

/** One test per rule of DESIGN.md's SLI table, against hand-computed expectations. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SliRulesTest {

    private final Instant base = baseHour();
    private final Instant end = base.plus(1, ChronoUnit.HOURS);

    @Test
    void availabilityCountsA2xxWithin3sAsGoodAndNoRedirect() {
        String app = registerApp("availability", "prod");
        long prod = targetId(app, "prod");
        for (int i = 0; i < 3; i++) {
            probe(app, prod, base.plusSeconds(60L * i), 120, "SUCCESS", 200);
        }
        probe(app, prod, base.plusSeconds(300), 80, "HTTP_STATUS", 301);
        probe(app, prod, base.plusSeconds(360), 3000, "TIMEOUT", null);

        JsonPath answer = summary(app, base, end);
        assertThat(value(answer, "availability_success_rate")).isCloseTo(60.0, within(1e-9));
        assertThat(number(answer, "availability_success_rate", "good")).isEqualTo(3);
        assertThat(number(answer, "availability_success_rate", "total")).isEqualTo(5);
    }

    @Test
    void timedOutProbeCountsInLatencyAtItsTimeout() {
        String app = registerApp("probe-timeout", "prod");
        long prod = targetId(app, "prod");
        for (int i = 0; i < 9; i++) {
            probe(app, prod, base.plusSeconds(60L * i), 100, "SUCCESS", 200);
        }
        probe(app, prod, base.plusSeconds(600), 3000, "TIMEOUT", null);

        JsonPath p90 = summary(app, base, end);
        assertThat(value(p90, "availability_latency")).isCloseTo(100.0, withinPercentage(1));
        assertThat(number(p90, "availability_latency", "count")).isEqualTo(10);
        assertThat(sli(p90, "availability_latency").get("quantile")).isEqualTo("p90");
        // rank ceil(0.99 * 10) = 10: the timeout itself
        assertThat(value(summary(app, base, end, "quantile", "p99"), "availability_latency"))
                .isCloseTo(3000.0, withinPercentage(1));
    }

    @Test
    void availabilityIsPerTargetAndTheAppCoversAllTargets() {
        String app = registerApp("per-target", "prod", "eu");
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        for (int i = 0; i < 4; i++) {
            probe(app, prod, base.plusSeconds(60L * i), 100, "SUCCESS", 200);
        }
        probe(app, eu, base, 900, "SUCCESS", 200);
        for (int i = 1; i <= 3; i++) {
            probe(app, eu, base.plusSeconds(60L * i), 50, "CONNECT", null);
        }

        assertThat(value(summary(app, base, end), "availability_success_rate")).isCloseTo(62.5, within(1e-9));
        JsonPath euOnly = summary(app, base, end, "target", "eu");
        assertThat(euOnly.getString("target")).isEqualTo("eu");
        assertThat(value(euOnly, "availability_success_rate")).isCloseTo(25.0, within(1e-9));
        assertThat(value(summary(app, base, end, "target", "prod"), "availability_success_rate")).isEqualTo(100.0);
        given().auth().oauth2(PlatformTokens.admin()).queryParam("target", "nowhere")
                .get("/api/v1/apps/" + app + "/slis").then().statusCode(404);
    }

    @Test
    void iframeLoadIsGoodOnlyWhenConnectedWithin12Seconds() {
        String app = registerApp("iframe-12s");
        event(app, "IFRAME_HOST", base, 500, true, null, null, null);
        event(app, "IFRAME_HOST", base, 12000, true, null, null, null);
        event(app, "IFRAME_HOST", base, 12001, true, null, null, null); // a later connect is a failure
        event(app, "IFRAME_HOST", base, 800, false, null, null, null);

        JsonPath answer = summary(app, base, end);
        assertThat(value(answer, "iframe_load_success_rate")).isCloseTo(50.0, within(1e-9));
        assertThat(number(answer, "iframe_load_success_rate", "good")).isEqualTo(2);
    }

    @Test
    void iframeLoadLatencyCountsFailedLoadsAtTheTimeout() {
        String app = registerApp("iframe-latency");
        event(app, "IFRAME_HOST", base, 1000, true, null, null, null);
        event(app, "IFRAME_HOST", base, 1000, true, null, null, null);
        event(app, "IFRAME_HOST", base, 300, false, null, null, null);    // never connected: 12000
        event(app, "IFRAME_HOST", base, 20000, true, null, null, null);   // connected late: 12000

        JsonPath p90 = summary(app, base, end);
        assertThat(number(p90, "iframe_load_latency", "count")).isEqualTo(4);
        assertThat(value(p90, "iframe_load_latency")).isCloseTo(12000.0, withinPercentage(1));
        assertThat(value(summary(app, base, end, "quantile", "p50"), "iframe_load_latency"))
                .isCloseTo(1000.0, withinPercentage(1));
    }

    @Test
    void appServerFiguresCountStatusSuccessAsGood() {
        String app = registerApp("app-server");
        event(app, "IFRAME_APP", base, 100, true, null, null, null);
        event(app, "IFRAME_APP", base, 200, true, null, null, null);
        event(app, "IFRAME_APP", base, 300, true, null, null, null);
        event(app, "IFRAME_APP", base, 40000, false, null, null, null);
        event(app, "SYNTHETIC", base, 700, true, null, null, null);
        event(app, "SYNTHETIC", base, null, false, null, null, null);

        JsonPath answer = summary(app, base, end);
        assertThat(value(answer, "iframe_load_success_rate_app_server")).isCloseTo(75.0, within(1e-9));
        assertThat(value(answer, "iframe_load_latency_app_server")).isCloseTo(40000.0, withinPercentage(1));
        assertThat(value(answer, "synthetic_check_success_rate_app_server")).isCloseTo(50.0, within(1e-9));
        // a run without durationInMillis counts in the rate but has no latency
        assertThat(number(answer, "synthetic_check_latency_app_server", "count")).isEqualTo(1);
        assertThat(value(answer, "synthetic_check_latency_app_server")).isCloseTo(700.0, withinPercentage(1));
    }

    @Test
    void effectiveIframeFigurePrefersTheAppServerWhereItSentAny() {
        String app = registerApp("effective");
        event(app, "IFRAME_HOST", base, 500, true, null, null, null);
        event(app, "IFRAME_HOST", base, 500, false, null, null, null);
        for (boolean succeeded : new boolean[] {true, true, true, false}) {
            event(app, "IFRAME_APP", base.plusSeconds(1800), 100, succeeded, null, null, null);
        }

        JsonPath answer = summary(app, base, end);
        assertThat(value(answer, "iframe_load_success_rate")).isCloseTo(50.0, within(1e-9));
        assertThat(value(answer, "iframe_load_success_rate_effective")).isCloseTo(75.0, within(1e-9));
        // the first half hour has no app-server data: the built-in figure stands
        assertThat(value(summary(app, base, base.plusSeconds(1800)), "iframe_load_success_rate_effective"))
                .isCloseTo(50.0, within(1e-9));
    }

    @Test
    void lifecycleCallbackIsGoodOnlyWhenAnswered200Or204() {
        String app = registerApp("lifecycle");
        for (int status : new int[] {200, 204, 201, 500}) {
            event(app, "LIFECYCLE", base, 100, null, status, null, null);
        }
        event(app, "LIFECYCLE", base, 10000, null, null, "CONNECT", null);

        JsonPath answer = summary(app, base, end);
        assertThat(value(answer, "lifecycle_success_rate")).isCloseTo(40.0, within(1e-9));
        assertThat(value(answer, "lifecycle_failure_count")).isEqualTo(3.0);
        assertThat(number(answer, "lifecycle_failure_count", "count")).isEqualTo(3);
        assertThat(number(answer, "lifecycle_failure_count", "total")).isEqualTo(5);
        assertThat(number(answer, "lifecycle_latency", "count")).isEqualTo(5);
    }

    @Test
    void webhookPoliciesNormalizedAndPerProduct() {
        String app = registerApp("webhooks");
        for (int status : new int[] {200, 204, 302, 500}) {
            event(app, "WEBHOOK", base, 100, null, status, null, "JIRA");
        }
        for (int status : new int[] {200, 201, 404}) {
            event(app, "WEBHOOK", base, 100, null, status, null, "CONFLUENCE");
        }
        event(app, "WEBHOOK", base, 10000, null, null, "TIMEOUT", "JIRA");

        JsonPath normalized = summary(app, base, end);
        assertThat(normalized.getString("webhookPolicy")).isEqualTo("normalized");
        assertThat(value(normalized, "webhook_delivery_success_rate")).isCloseTo(37.5, within(1e-9));
        JsonPath perProduct = summary(app, base, end, "webhookPolicy", "per-product");
        assertThat(perProduct.getString("webhookPolicy")).isEqualTo("per-product");
        // Jira: any response (4 of 5); Confluence: 2xx (2 of 3)
        assertThat(value(perProduct, "webhook_delivery_success_rate")).isCloseTo(75.0, within(1e-9));
        given().auth().oauth2(PlatformTokens.admin()).queryParam("webhookPolicy", "lenient")
                .get("/api/v1/apps/" + app + "/slis").then().statusCode(400);
    }

    @Test
    void emptyWindowHasNoValueNot100Percent() {
        String app = registerApp("empty", "prod");
        JsonPath answer = summary(app, base, end);
        assertThat(answer.getList("slis.id")).containsExactlyElementsOf(
                Arrays.stream(SliId.values()).map(SliId::id).toList());
        for (SliId sli : SliId.values()) {
            assertThat(sli(answer, sli.id())).containsEntry("value", null);
        }
        assertThat(number(answer, "availability_success_rate", "total")).isZero();
        @SuppressWarnings("unchecked")
        var slo = (java.util.Map<String, Object>) sli(answer, "availability_success_rate").get("slo");
        assertThat(((Number) slo.get("target")).doubleValue()).isCloseTo(99.9, within(1e-4));
        assertThat(slo).containsEntry("errorBudgetRemaining", null);
    }

    @Test
    void lateEventsLandInTheBucketOfTheirOccurrence() {
        String app = registerApp("late");
        event(app, "SYNTHETIC", base.plus(2, ChronoUnit.HOURS), 100, true, null, null, null);
        summary(app, base, end);
        // arrives after newer events, for a minute three days ago
        event(app, "SYNTHETIC", base.plusSeconds(330), 100, false, null, null, null);

        assertThat(value(summary(app, base, end), "synthetic_check_success_rate_app_server")).isEqualTo(0.0);
        assertThat(value(summary(app, base.plusSeconds(300), base.plusSeconds(360)),
                "synthetic_check_success_rate_app_server")).isEqualTo(0.0);
        assertThat(value(summary(app, base.plusSeconds(360), base.plus(3, ChronoUnit.HOURS)),
                "synthetic_check_success_rate_app_server")).isEqualTo(100.0);
        assertThat(value(summary(app, base.minus(2, ChronoUnit.DAYS), base.plus(1, ChronoUnit.DAYS)),
                "synthetic_check_success_rate_app_server")).isEqualTo(50.0);
    }

    @Test
    void ratiosAreTrafficWeightedNotAnAverageOfBuckets() {
        String app = registerApp("weighted");
        // hour 1: 1 failure; hour 2: 99 successes -> 99 %, where an average of hours would say 50 %
        event(app, "SYNTHETIC", base, 100, false, null, null, null);
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded)"
                + " select ?, 'SYNTHETIC', ?::timestamptz + make_interval(secs => i), 100, true from generate_series(1, 99) as i",
                app, java.sql.Timestamp.from(end));

        JsonPath answer = summary(app, base, end.plus(1, ChronoUnit.HOURS));
        assertThat(value(answer, "synthetic_check_success_rate_app_server")).isCloseTo(99.0, within(1e-9));
        assertThat(number(answer, "synthetic_check_success_rate_app_server", "total")).isEqualTo(100);
    }

    @Test
    void quantileIsTheNearestRankWithin1Percent() {
        String app = registerApp("quantile");
        // 1..1000 ms, one every 7 s across two hours, so that buckets merge
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, product)"
                + " select ?, 'WEBHOOK', ?::timestamptz + make_interval(secs => i * 7), i, 200, 'JIRA'"
                + " from generate_series(1, 1000) as i",
                app, java.sql.Timestamp.from(base.minusSeconds(3000)));
        Instant from = base.minus(1, ChronoUnit.HOURS);
        Instant to = base.plus(2, ChronoUnit.HOURS);
        for (String quantile : new String[] {"p50", "p90", "p99", "p99.9", "p100"}) {
            double exact = ((Number) query("select percentile_disc(?::float8) within group (order by duration_ms) as exact"
                    + " from app_event where app_key = ?", Double.parseDouble(quantile.substring(1)) / 100, app)
                    .get("exact")).doubleValue();
            assertThat(value(summary(app, from, to, "quantile", quantile), "webhook_latency"))
                    .as(quantile).isCloseTo(exact, withinPercentage(1));
        }
        assertThat(value(summary(app, from, to), "webhook_latency")).isCloseTo(900.0, withinPercentage(1));
    }

    @Test
    void everyLatencyReadsWithin1PercentOfItsHistogramBin() throws Exception {
        // the bins are made in SQL (V30) and read in Java: the two halves must agree
        try (var connection = java.sql.DriverManager.getConnection(PostgresResource.jdbcUrl(),
                io.rampart.store.local.LocalPostgres.USER, io.rampart.store.local.LocalPostgres.PASSWORD);
                var rows = connection.createStatement().executeQuery("select v, rampart_latency_bin(v) from"
                        + " (select generate_series(0, 100000) as v union all"
                        + " select (1.37 ^ i)::int from generate_series(30, 60) as i) as values")) {
            int checked = 0;
            while (rows.next()) {
                int latency = rows.getInt(1);
                assertThat(LatencyHistogram.value(rows.getInt(2))).as("%d ms", latency)
                        .isCloseTo((double) latency, within(latency * LatencyHistogram.RELATIVE_ACCURACY));
                checked++;
            }
            assertThat(checked).isEqualTo(100_032);
        }
    }
}
