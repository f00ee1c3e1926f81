package io.rampart.sli.export.statuspage;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.indicator.SliService;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The exporter against a fake Statuspage on loopback: backfill, rate limit, backoff and a single runner. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StatuspageExportTest {

    private static final Duration STEP = Duration.ofMinutes(5);
    private static final JsonPathConfig EXACT = JsonPathConfig.jsonPathConfig()
            .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE);

    @Inject
    StatuspageExporter exporter;
    @Inject
    StatuspageRepository repository;
    @Inject
    SliService slis;
    @Inject
    StatuspageClient client;
    @Inject
    SecretSealer sealer;
    @Inject
    StatuspageConfig config;

    private FakeStatuspage statuspage;
    private final List<String> configured = new ArrayList<>();
    private final List<StatuspageExporter> replicas = new ArrayList<>();

    @BeforeEach
    void startFakeStatuspage() {
        statuspage = new FakeStatuspage();
        replicas.add(exporter);
    }

    @AfterEach
    void cleanUp() {
        for (String app : configured) {
            given().auth().oauth2(PlatformTokens.admin()).delete("/api/v1/apps/" + app + "/statuspage");
        }
        for (StatuspageExporter replica : replicas) {
            replica.release().await().atMost(Duration.ofSeconds(10));
        }
        statuspage.close();
    }

    @Test
    void aNewConfigurationIsBackfilled28DaysBackAtMostOneRequestPerSecond() {
        Instant now = Instant.now();
        String app = appWithTraffic(now);
        String key = configure(app);

        run(exporter);

        List<FakeStatuspage.Received> requests = statuspage.received();
        // 28 days of 5-minute steps (8064) in stretches of at most 1000 points per metric; a stretch
        // without events needs no request, the three with events (10, 3 and 2 days ago, today) do.
        assertThat(requests).hasSizeGreaterThanOrEqualTo(3);
        for (FakeStatuspage.Received request : requests) {
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/v1/pages/page1/metrics/data");
            assertThat(request.authorization()).isEqualTo("OAuth " + key);
        }
        for (int i = 1; i < requests.size(); i++) {
            assertThat(Duration.between(requests.get(i - 1).at(), requests.get(i).at()))
                    .as("requests with the same key are at least a second apart")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        Map<Long, Double> sent = points(requests, "avail1");
        // Every complete step with events in the last 28 days, with the SLI API's value; 30 days ago is too old.
        Map<Long, Double> expected = apiSeries(app, "availability_success_rate",
                floor(now).minus(28, ChronoUnit.DAYS), floor(now));
        assertThat(sent).isEqualTo(expected);
        assertThat(sent).containsKey(floor(now.minus(10, ChronoUnit.DAYS)).getEpochSecond());
        assertThat(points(requests, "hooks1")).isNotEmpty();

        JsonPath state = state(app);
        assertThat(state.getString("lastSuccessAt")).isNotNull();
        assertThat(state.getString("metrics.find { it.sliId == 'availability_success_rate' }.lastPointAt"))
                .isEqualTo(Instant.ofEpochSecond(sent.keySet().stream().max(Long::compare).orElseThrow()).toString());
        assertThat(state.getString("apiKey")).isNull();
        assertThat(state.prettify()).doesNotContain(key);

        // Up to date: another pass has nothing to send.
        int before = statuspage.received().size();
        run(exporter);
        assertThat(statuspage.received()).hasSize(before);
    }

    @Test
    void a429OrA5xxBacksTheAppOffAndTheSamePointsAreSentAfterwards() {
        Instant now = Instant.now();
        String app = appWithTraffic(now);
        configure(app);
        statuspage.answer(429, 500);

        run(exporter);
        assertThat(statuspage.received()).hasSize(1);
        JsonPath state = state(app);
        assertThat(state.getString("lastError")).isEqualTo("HTTP 429 (rate limited)");
        assertThat(state.getInt("failures")).isEqualTo(1);
        Duration firstWait = Duration.between(Instant.now(), Instant.parse(state.getString("nextAttemptAt")));
        assertThat(firstWait).isBetween(Duration.ofSeconds(20), Duration.ofSeconds(30));

        run(exporter);
        assertThat(statuspage.received()).as("no request while backing off").hasSize(1);

        endBackoff(app);
        run(exporter);
        assertThat(statuspage.received()).hasSize(2);
        state = state(app);
        assertThat(state.getString("lastError")).isEqualTo("HTTP 500");
        assertThat(state.getInt("failures")).isEqualTo(2);
        Duration secondWait = Duration.between(Instant.now(), Instant.parse(state.getString("nextAttemptAt")));
        assertThat(secondWait).as("the wait doubles").isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));

        endBackoff(app);
        run(exporter);
        List<FakeStatuspage.Received> requests = statuspage.received();
        assertThat(requests.size()).isGreaterThan(2);
        assertThat(requests.get(2).body()).as("the refused points are sent again").isEqualTo(requests.get(0).body());
        state = state(app);
        assertThat(state.getInt("failures")).isZero();
        assertThat(state.getString("nextAttemptAt")).isNull();
        assertThat(state.getString("lastSuccessAt")).isNotNull();
    }

    @Test
    void onlyTheReplicaHoldingTheLeaseExports() {
        Instant now = Instant.now();
        String first = appWithTraffic(now);
        configure(first);
        StatuspageExporter other = new StatuspageExporter(repository, slis, client, new KeyRateLimiter(config), sealer,
                config);
        replicas.add(other);

        Uni.join().all(exporter.runOnce(), other.runOnce()).andFailFast().await().atMost(Duration.ofMinutes(1));
        List<FakeStatuspage.Received> requests = statuspage.received();
        Set<String> sentPoints = new HashSet<>();
        int pointCount = 0;
        for (FakeStatuspage.Received request : requests) {
            for (String metric : request.body().getJsonObject("data").fieldNames()) {
                for (JsonObject point : request.points(metric)) {
                    sentPoints.add(metric + "@" + point.getLong("timestamp"));
                    pointCount++;
                }
            }
        }
        assertThat(pointCount).as("no point sent twice").isEqualTo(sentPoints.size()).isPositive();

        // One replica holds the lease: a second app waits until it is released.
        String second = appWithTraffic(now);
        configure(second);
        Object holderId = io.rampart.store.testing.TestApps.query("select holder from statuspage_lease").get("holder");
        assertThat(holderId).isIn(exporter.holder(), other.holder());
        StatuspageExporter holder = holderId.equals(exporter.holder()) ? exporter : other;
        StatuspageExporter waiting = holder == exporter ? other : exporter;
        int before = statuspage.received().size();
        run(waiting);
        assertThat(statuspage.received()).as("the replica without the lease sends nothing").hasSize(before);
        holder.release().await().atMost(Duration.ofSeconds(10));
        run(waiting);
        assertThat(statuspage.received().size()).isGreaterThan(before);
        assertThat(state(second).getString("lastSuccessAt")).isNotNull();
    }

    @Test
    void theConfigurationIsAdminOnlyAndNeverAnswersTheKey() {
        String app = registerApp("statuspage-api", "prod");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"pageId\": \"page1\", \"metrics\": {\"availability_success_rate\": \"m1\"}}")
                .put("/api/v1/apps/" + app + "/statuspage").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("apiKey:"));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"pageId\": \"page1\", \"apiKey\": \"k\", \"metrics\": {\"no_such_sli\": \"m1\"}}")
                .put("/api/v1/apps/" + app + "/statuspage").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("metrics.no_such_sli:"));
        given().auth().oauth2(PlatformTokens.vendor(app)).get("/api/v1/apps/" + app + "/statuspage")
                .then().statusCode(403);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/statuspage")
                .then().statusCode(404);

        String key = configure(app);
        String answer = given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/statuspage")
                .then().statusCode(200).body("apiBaseUrl", org.hamcrest.Matchers.equalTo(statuspage.baseUrl()))
                .body("apiKeySet", org.hamcrest.Matchers.equalTo(true)).extract().asString();
        assertThat(answer).doesNotContain(key);
        assertThat(String.valueOf(sealedKey(app))).doesNotContain(key);

        // Changing the page without a key keeps the stored one.
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"apiBaseUrl\": \"" + statuspage.baseUrl() + "\", \"pageId\": \"page2\","
                        + " \"metrics\": {\"availability_success_rate\": \"avail1\"}}")
                .put("/api/v1/apps/" + app + "/statuspage").then().statusCode(200)
                .body("pageId", org.hamcrest.Matchers.equalTo("page2"));
        probe(app, targetId(app, "prod"), Instant.now().minus(1, ChronoUnit.HOURS), 100, "SUCCESS", 200);
        run(exporter);
        assertThat(statuspage.received()).isNotEmpty().allSatisfy(request -> {
            assertThat(request.path()).isEqualTo("/v1/pages/page2/metrics/data");
            assertThat(request.authorization()).isEqualTo("OAuth " + key);
        });

        given().auth().oauth2(PlatformTokens.admin()).delete("/api/v1/apps/" + app + "/statuspage")
                .then().statusCode(204);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/statuspage")
                .then().statusCode(404);
    }

    private static Object sealedKey(String app) {
        return io.rampart.store.testing.TestApps.query("select encode(api_key_sealed, 'escape') as sealed from statuspage_config"
                + " where app_key = ?", app).get("sealed");
    }

    /** An app with probes 30 and 10 days ago, 2 days ago and an hour ago, and a few webhook deliveries. */
    private String appWithTraffic(Instant now) {
        String app = registerApp("statuspage", "prod");
        long target = targetId(app, "prod");
        for (int daysAgo : new int[] {30, 10, 2}) {
            Instant at = now.minus(daysAgo, ChronoUnit.DAYS);
            probe(app, target, at, 120, "SUCCESS", 200);
            probe(app, target, at.plusSeconds(5), 3000, "TIMEOUT", null);
        }
        Instant hourAgo = now.minus(1, ChronoUnit.HOURS);
        probe(app, target, hourAgo, 100, "SUCCESS", 200);
        event(app, "WEBHOOK", hourAgo, 80, null, 204, null, "JIRA");
        event(app, "WEBHOOK", now.minus(3, ChronoUnit.DAYS), 80, null, 500, null, "JIRA");
        return app;
    }

    /** Configures the app to publish two SLIs to the fake Statuspage; answers its API key. */
    private String configure(String app) {
        String key = "key-" + UUID.randomUUID();
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"apiBaseUrl\": \"" + statuspage.baseUrl() + "\", \"pageId\": \"page1\", \"apiKey\": \"" + key
                        + "\", \"metrics\": {\"availability_success_rate\": \"avail1\","
                        + " \"webhook_delivery_success_rate\": \"hooks1\"}}")
                .put("/api/v1/apps/" + app + "/statuspage").then().statusCode(200);
        configured.add(app);
        return key;
    }

    private static void run(StatuspageExporter replica) {
        replica.runOnce().await().atMost(Duration.ofMinutes(1));
    }

    private static void endBackoff(String app) {
        execute("update statuspage_config set next_attempt_at = now() - interval '1 second' where app_key = ?", app);
    }

    private static JsonPath state(String app) {
        return given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/statuspage")
                .then().statusCode(200).extract().jsonPath(EXACT);
    }

    /** The SLI API's 5-minute series, timestamp (epoch seconds) to value, steps with a value only. */
    private static Map<Long, Double> apiSeries(String app, String sliId, Instant from, Instant to) {
        Map<Long, Double> points = new HashMap<>();
        // A series answers at most 2000 points: ask a few days at a time.
        for (Instant start = from; start.isBefore(to); start = start.plus(5, ChronoUnit.DAYS)) {
            Instant end = start.plus(5, ChronoUnit.DAYS).isBefore(to) ? start.plus(5, ChronoUnit.DAYS) : to;
            JsonPath series = given().auth().oauth2(PlatformTokens.admin()).queryParam("from", start.toString())
                    .queryParam("to", end.toString()).queryParam("step", "5m")
                    .get("/api/v1/apps/" + app + "/slis/" + sliId + "/series").then().statusCode(200).extract()
                    .jsonPath(EXACT);
            List<Map<String, Object>> list = series.getList("points");
            for (Map<String, Object> point : list) {
                if (point.get("value") != null) {
                    points.put(Instant.parse((String) point.get("timestamp")).getEpochSecond(),
                            ((Number) point.get("value")).doubleValue());
                }
            }
        }
        return points;
    }

    private static Map<Long, Double> points(List<FakeStatuspage.Received> requests, String metricId) {
        Map<Long, Double> points = new HashMap<>();
        for (FakeStatuspage.Received request : requests) {
            for (JsonObject point : request.points(metricId)) {
                points.put(point.getLong("timestamp"), point.getDouble("value"));
            }
        }
        return points;
    }

    private static Instant floor(Instant instant) {
        long step = STEP.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), step) * step);
    }
}
