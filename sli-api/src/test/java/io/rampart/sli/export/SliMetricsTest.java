package io.rampart.sli.export;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.hamcrest.Matchers.startsWith;

/** The Prometheus export, read with a strict text-format reader, against the SLI API's own answers. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SliMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DASHBOARD = Path.of("../deploy/grafana/rampart-slis.json");

    @Inject
    SliExporter exporter;

    @Test
    void everyScrapedFigureEqualsTheSliApisAnswerForBothWindowsAndNothingElseIsExported() throws Exception {
        String appKey = registerApp("export", "prod");
        String quiet = registerApp("export-quiet", "prod");
        long target = targetId(appKey, "prod");
        Instant now = Instant.now();
        for (int i = 0; i < 20; i++) {
            Instant recent = now.minus(5 + i, ChronoUnit.MINUTES);
            Instant older = now.minus(2, ChronoUnit.DAYS).minus(i, ChronoUnit.MINUTES);
            probe(appKey, target, recent, 100 + 10 * i, i % 8 == 0 ? "HTTP_STATUS" : "SUCCESS", i % 8 == 0 ? 503 : 200);
            probe(appKey, target, older, 300 + i, i % 3 == 0 ? "TIMEOUT" : "SUCCESS", i % 3 == 0 ? null : 200);
            event(appKey, "SYNTHETIC", recent, 900 + i, i % 5 != 0, null, null, null);
            event(appKey, "WEBHOOK", older, 50 + i, null, i % 4 == 0 ? 500 : 204, null, "JIRA");
            event(appKey, "LIFECYCLE", recent, 120, null, i == 7 ? 500 : 200, null, null);
        }

        exporter.refresh().await().indefinitely();
        String text = given().auth().oauth2(PlatformTokens.statuspage()).get("/api/v1/metrics/slis")
                .then().statusCode(200).contentType(startsWith("text/plain; version=0.0.4")).extract().asString();
        PrometheusText.Exposition exposition = PrometheusText.parse(text);

        assertThat(exposition.types()).containsEntry(SliMetrics.RATIO, "gauge").containsEntry(SliMetrics.GOOD, "gauge")
                .containsEntry(SliMetrics.TOTAL, "gauge").containsEntry(SliMetrics.LATENCY, "gauge")
                .containsEntry(SliMetrics.BUDGET, "gauge");
        Map<String, Double> scraped = new HashMap<>();
        exposition.samples().stream().filter(sample -> appKey.equals(sample.labels().get("app_key")))
                .forEach(sample -> assertThat(scraped.put(key(sample.name(), sample.labels()), sample.value()))
                        .as("one sample per series").isNull());
        Map<String, Double> expected = new HashMap<>();
        for (String window : SliExporter.WINDOWS) {
            // Read with Jackson: RestAssured's JsonPath reads numbers as floats.
            JsonNode answer = JSON.readTree(given().auth().oauth2(PlatformTokens.admin()).queryParam("window", window)
                    .get("/api/v1/apps/" + appKey + "/slis").then().statusCode(200).extract().asString());
            for (JsonNode sli : answer.path("slis")) {
                Map<String, String> labels = Map.of("app_key", appKey, "sli", sli.path("id").asText(), "window", window);
                if (sli.hasNonNull("quantile")) {
                    if (sli.hasNonNull("value")) {
                        Map<String, String> latency = new HashMap<>(labels);
                        latency.put("quantile", "0.9");
                        expected.put(key(SliMetrics.LATENCY, latency), sli.path("value").doubleValue());
                    }
                } else if ("%".equals(sli.path("unit").asText()) && sli.path("total").asLong() > 0) {
                    expected.put(key(SliMetrics.RATIO, labels), sli.path("value").doubleValue() / 100);
                    expected.put(key(SliMetrics.GOOD, labels), sli.path("good").doubleValue());
                    expected.put(key(SliMetrics.TOTAL, labels), sli.path("total").doubleValue());
                    JsonNode budget = sli.path("slo").path("errorBudgetRemaining");
                    if (budget.isNumber()) {
                        expected.put(key(SliMetrics.BUDGET, labels), budget.doubleValue() / 100);
                    }
                }
            }
        }
        assertThat(scraped.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((series, value) -> assertThat(scraped.get(series)).as(series).isCloseTo(value, within(1e-12)));
        // The figures cover what the test recorded: 1 h holds the recent events only, 28 d all of them.
        assertThat(expected).containsEntry(key(SliMetrics.TOTAL, Map.of("app_key", appKey,
                "sli", "synthetic_check_success_rate_app_server", "window", "1h")), 20.0);
        assertThat(expected).containsEntry(key(SliMetrics.TOTAL, Map.of("app_key", appKey,
                "sli", "availability_success_rate", "window", "28d")), 40.0);
        assertThat(expected.keySet()).noneMatch(series -> series.contains("webhook") && series.contains("window=1h"));
        assertThat(exposition.samples()).noneMatch(sample -> quiet.equals(sample.labels().get("app_key")));
        assertThat(exposition.samples()).anyMatch(sample -> sample.name().equals(SliMetrics.APPS) && sample.value() >= 2);
    }

    @Test
    void gzipIsServedToThoseWhoAskAndTheFiguresAreTheSame() {
        exporter.refresh().await().indefinitely();
        String plain = given().auth().oauth2(PlatformTokens.admin()).header("Accept-Encoding", "identity")
                .get("/api/v1/metrics/slis").then().statusCode(200).extract().asString();

        String gzipped = given().auth().oauth2(PlatformTokens.admin()).header("Accept-Encoding", "gzip")
                .get("/api/v1/metrics/slis").then().statusCode(200).header("Content-Encoding", "gzip").extract().asString();

        assertThat(gzipped).isEqualTo(plain);
    }

    @Test
    void onlyAdminsAndStatuspageMayScrape() {
        given().get("/api/v1/metrics/slis").then().statusCode(401);
        given().auth().oauth2(PlatformTokens.vendor("com.acme.any")).get("/api/v1/metrics/slis").then().statusCode(403);
        given().auth().oauth2(PlatformTokens.host()).get("/api/v1/metrics/slis").then().statusCode(403);
    }

    @Test
    void theGrafanaDashboardQueriesOnlyMetricsAndLabelsTheExportServes() throws Exception {
        exporter.refresh().await().indefinitely();
        PrometheusText.Exposition served = PrometheusText.parse(given().auth().oauth2(PlatformTokens.admin())
                .get("/api/v1/metrics/slis").then().statusCode(200).extract().asString());
        Set<String> servedLabels = Set.of("app_key", "sli", "window", "quantile");
        JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
        dashboard.findValues("definition").forEach(definition -> queries.add(definition.asText()));

        Set<String> metrics = new TreeSet<>();
        Set<String> labels = new TreeSet<>();
        for (String query : queries) {
            PromQl.read(query, metrics, labels);
        }

        assertThat(queries).hasSizeGreaterThan(5);
        assertThat(metrics).isNotEmpty().isSubsetOf(served.types().keySet())
                .contains(SliMetrics.RATIO, SliMetrics.GOOD, SliMetrics.TOTAL, SliMetrics.LATENCY, SliMetrics.BUDGET);
        assertThat(labels).isSubsetOf(servedLabels);
    }

    private static String key(String name, Map<String, String> labels) {
        return name + new TreeMap<>(labels);
    }

}
