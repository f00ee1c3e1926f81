package io.rampart.sli.indicator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.indicator.SliAnswers.number;
import static io.rampart.sli.indicator.SliAnswers.summary;
import static io.rampart.sli.indicator.SliAnswers.value;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The availability policy and the lifecycle scope (docs/slis.md): applied when reading, from the
 * answer's parameter, else the app's registry setting, else the platform default; named in every answer.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ReadRulesTest {

    private final Instant base = baseHour();
    private final Instant end = base.plus(1, ChronoUnit.HOURS);

    /** Probes as the prober records them: a 200 read whole is SUCCESS, any other code HTTP_STATUS with its code. */
    private String appWithAnswers() {
        String app = registerApp("availability-policy", "prod");
        long prod = targetId(app, "prod");
        for (int i = 0; i < 3; i++) {
            probe(app, prod, base.plusSeconds(60L * i), 120, "SUCCESS", 200);
        }
        probe(app, prod, base.plusSeconds(240), 40, "HTTP_STATUS", 204);
        probe(app, prod, base.plusSeconds(300), 45, "HTTP_STATUS", 204);
        probe(app, prod, base.plusSeconds(360), 30, "HTTP_STATUS", 500);
        // a 204 whose status line came after the timeout is no answer within it
        probe(app, prod, base.plusSeconds(420), 3000, "TIMEOUT", 204);
        return app;
    }

    @Test
    void twoXxByDefaultCountsA204WithinTheTimeoutAsGood() {
        String app = appWithAnswers();

        JsonPath answer = summary(app, base, end);
        assertThat(answer.getString("availabilityPolicy")).isEqualTo("2xx");
        assertThat(number(answer, "availability_success_rate", "good")).isEqualTo(5);
        assertThat(number(answer, "availability_success_rate", "total")).isEqualTo(7);
        assertThat(value(answer, "availability_success_rate")).isCloseTo(500.0 / 7, within(1e-4));
    }

    @Test
    void http200CountsOnlyA200AndAnswersMayAskForEither() {
        String app = appWithAnswers();

        JsonPath strict = summary(app, base, end, "availabilityPolicy", "http-200");
        assertThat(strict.getString("availabilityPolicy")).isEqualTo("http-200");
        assertThat(number(strict, "availability_success_rate", "good")).isEqualTo(3);
        assertThat(number(strict, "availability_success_rate", "total")).isEqualTo(7);

        JsonPath series = series(app, "availability_success_rate", "availabilityPolicy", "http-200");
        assertThat(series.getString("availabilityPolicy")).isEqualTo("http-200");
        assertThat(series.getList("points.good", Integer.class).stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
        assertThat(series(app, "availability_success_rate").getList("points.good", Integer.class).stream()
                .mapToInt(Integer::intValue).sum()).isEqualTo(5);
    }

    @Test
    void theAppsPolicyAppliesToItsPastProbesAndAnAnswerStillOverridesIt() {
        String app = appWithAnswers();
        assertThat(number(summary(app, base, end), "availability_success_rate", "good")).isEqualTo(5);

        patch(app, "{\"availabilityPolicy\":\"http-200\"}").statusCode(200).body("availabilityPolicy", org.hamcrest.Matchers.is("http-200"));
        JsonPath afterChange = summary(app, base, end);
        assertThat(afterChange.getString("availabilityPolicy")).isEqualTo("http-200");
        assertThat(number(afterChange, "availability_success_rate", "good")).isEqualTo(3);
        assertThat(number(summary(app, base, end, "availabilityPolicy", "2xx"), "availability_success_rate", "good"))
                .isEqualTo(5);

        patch(app, "{\"availabilityPolicy\":\"default\"}").statusCode(200);
        assertThat(summary(app, base, end).getString("availabilityPolicy")).isEqualTo("2xx");
    }

    @Test
    void installedScopeCountsOnlyInstallationCallbacks() {
        String app = registerApp("lifecycle-scope");
        callback(app, base.plusSeconds(60), "INSTALLED", 200);
        callback(app, base.plusSeconds(120), "INSTALLED", 500);
        callback(app, base.plusSeconds(180), "UPDATED", 500);
        callback(app, base.plusSeconds(240), "UNINSTALLED", 204);
        callback(app, base.plusSeconds(300), "ENABLED", 503);

        JsonPath all = summary(app, base, end);
        assertThat(all.getString("lifecycleScope")).isEqualTo("all");
        assertThat(number(all, "lifecycle_success_rate", "good")).isEqualTo(2);
        assertThat(number(all, "lifecycle_success_rate", "total")).isEqualTo(5);
        assertThat(value(all, "lifecycle_failure_count")).isEqualTo(3.0);

        JsonPath installed = summary(app, base, end, "lifecycleScope", "installed");
        assertThat(installed.getString("lifecycleScope")).isEqualTo("installed");
        assertThat(number(installed, "lifecycle_success_rate", "good")).isEqualTo(1);
        assertThat(number(installed, "lifecycle_success_rate", "total")).isEqualTo(2);
        assertThat(value(installed, "lifecycle_success_rate")).isCloseTo(50.0, within(1e-4));
        assertThat(value(installed, "lifecycle_failure_count")).isEqualTo(1.0);

        patch(app, "{\"lifecycleScope\":\"installed\"}").statusCode(200);
        assertThat(number(summary(app, base, end), "lifecycle_success_rate", "total")).isEqualTo(2);
        assertThat(series(app, "lifecycle_success_rate").getString("lifecycleScope")).isEqualTo("installed");
        assertThat(number(summary(app, base, end, "lifecycleScope", "all"), "lifecycle_success_rate", "total"))
                .isEqualTo(5);
    }

    @Test
    void anUnknownPolicyOrScopeIsRefusedNamingTheField() {
        String app = registerApp("read-rules-refused");
        for (String field : new String[] {"availabilityPolicy", "lifecycleScope"}) {
            given().auth().oauth2(PlatformTokens.admin()).queryParam(field, "lenient")
                    .get("/api/v1/apps/" + app + "/slis")
                    .then().statusCode(400).body("detail", org.hamcrest.Matchers.startsWith(field + ":"));
            patch(app, "{\"" + field + "\":\"lenient\"}").statusCode(400)
                    .body("detail", org.hamcrest.Matchers.startsWith(field + ":"));
        }
    }

    private JsonPath series(String app, String sli, String... parameters) {
        var request = given().auth().oauth2(PlatformTokens.admin())
                .queryParam("from", base.toString()).queryParam("to", end.toString()).queryParam("step", "1h");
        for (int i = 0; i < parameters.length; i += 2) {
            request.queryParam(parameters[i], parameters[i + 1]);
        }
        return request.get("/api/v1/apps/" + app + "/slis/" + sli + "/series").then().statusCode(200).extract().jsonPath();
    }

    private static io.restassured.response.ValidatableResponse patch(String app, String body) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body)
                .patch("/api/v1/apps/" + app).then();
    }

    /** One lifecycle callback as event-ingest records it. */
    private static void callback(String app, Instant at, String kind, int statusCode) {
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, lifecycle)"
                + " values (?, 'LIFECYCLE', ?, 80, ?, ?)", app, Timestamp.from(at), statusCode, kind);
    }
}
