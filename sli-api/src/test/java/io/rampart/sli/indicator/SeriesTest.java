package io.rampart.sli.indicator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.event;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.hamcrest.Matchers.containsString;

/** Series for graphs: one point per step on round times, oldest first, each a window of its own. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SeriesTest {

    private final Instant base = baseHour();

    private static JsonPath series(String app, String sli, Instant from, Instant to, String step) {
        return given().auth().oauth2(PlatformTokens.admin()).queryParam("from", from.toString())
                .queryParam("to", to.toString()).queryParam("step", step)
                .get("/api/v1/apps/" + app + "/slis/" + sli + "/series").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void ratioSeriesHasOnePointPerStepAndNullForAnEmptyStep() {
        String app = registerApp("series");
        event(app, "SYNTHETIC", base.plusSeconds(60), 100, true, null, null, null);
        event(app, "SYNTHETIC", base.plusSeconds(120), 100, false, null, null, null);
        event(app, "SYNTHETIC", base.plus(2, ChronoUnit.HOURS), 100, true, null, null, null);

        JsonPath answer = series(app, "synthetic_check_success_rate_app_server", base, base.plus(3, ChronoUnit.HOURS), "1h");
        assertThat(answer.getString("step")).isEqualTo("1h");
        assertThat(answer.getString("webhookPolicy")).isEqualTo("normalized");
        assertThat(answer.getList("points.timestamp")).containsExactly(base.toString(),
                base.plus(1, ChronoUnit.HOURS).toString(), base.plus(2, ChronoUnit.HOURS).toString());
        assertThat(answer.getList("points.value")).containsExactly(50.0f, null, 100.0f);
        assertThat(answer.getList("points.total")).containsExactly(2, 0, 1);
        assertThat(answer.getList("points.good")).containsExactly(1, 0, 1);
    }

    @Test
    void pointsStartOnMultiplesOfTheStepAndTheFirstCoversOnlyTheWindow() {
        String app = registerApp("series-align");
        event(app, "SYNTHETIC", base.plusSeconds(60), 100, false, null, null, null);
        event(app, "SYNTHETIC", base.plus(40, ChronoUnit.MINUTES), 100, true, null, null, null);

        JsonPath answer = series(app, "synthetic_check_success_rate_app_server", base.plus(30, ChronoUnit.MINUTES),
                base.plus(90, ChronoUnit.MINUTES), "1h");
        assertThat(answer.getList("points.timestamp")).containsExactly(base.toString(), base.plus(1, ChronoUnit.HOURS).toString());
        assertThat(answer.getList("points.value")).containsExactly(100.0f, null);
    }

    @Test
    void latencySeriesGivesTheQuantileOfEachStep() {
        String app = registerApp("series-latency");
        for (int ms : new int[] {100, 200, 300, 400, 500, 600, 700, 800, 900, 1000}) {
            event(app, "LIFECYCLE", base.plusSeconds(ms / 10), ms, null, 200, null, null);
        }
        event(app, "LIFECYCLE", base.plus(5, ChronoUnit.MINUTES), 50, null, 200, null, null);

        JsonPath answer = series(app, "lifecycle_latency", base, base.plus(10, ChronoUnit.MINUTES), "5m");
        assertThat(answer.getString("quantile")).isEqualTo("p90");
        List<Float> values = answer.getList("points.value");
        assertThat(values).hasSize(2);
        assertThat(values.get(0).doubleValue()).isCloseTo(900.0, withinPercentage(1));
        assertThat(values.get(1).doubleValue()).isCloseTo(50.0, withinPercentage(1));
        assertThat(answer.getList("points.count")).containsExactly(10, 1);
    }

    @Test
    void effectiveIframeSeriesAppliesThePrecedencePerStep() {
        String app = registerApp("series-effective");
        event(app, "IFRAME_HOST", base.plusSeconds(60), 100, false, null, null, null);
        event(app, "IFRAME_HOST", base.plus(65, ChronoUnit.MINUTES), 100, false, null, null, null);
        event(app, "IFRAME_APP", base.plus(70, ChronoUnit.MINUTES), 100, true, null, null, null);

        JsonPath answer = series(app, "iframe_load_success_rate_effective", base, base.plus(2, ChronoUnit.HOURS), "1h");
        assertThat(answer.getList("points.value")).containsExactly(0.0f, 100.0f);
    }

    @Test
    void badSeriesRequestsAre400Or404() {
        String app = registerApp("series-bad");
        String path = "/api/v1/apps/" + app + "/slis/";
        for (String[] bad : Arrays.asList(new String[] {"step", "5s"}, new String[] {"window", "-1h"},
                new String[] {"from", "yesterday"}, new String[] {"quantile", "p0"})) {
            given().auth().oauth2(PlatformTokens.admin()).queryParam(bad[0], bad[1]).get(path + "webhook_latency/series")
                    .then().statusCode(400).body("detail", containsString(bad[0] + ":"));
        }
        given().auth().oauth2(PlatformTokens.admin()).queryParam("window", "28d").queryParam("step", "1m")
                .get(path + "webhook_latency/series").then().statusCode(400).body("detail", containsString("step:"));
        given().auth().oauth2(PlatformTokens.admin()).get(path + "no_such_sli/series").then().statusCode(404);
    }
}
