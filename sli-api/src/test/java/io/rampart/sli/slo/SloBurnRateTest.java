package io.rampart.sli.slo;

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
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Error budget and multi-window burn rates (SRE workbook) against hand-computed figures. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SloBurnRateTest {

    private final Instant to = baseHour().plus(1, ChronoUnit.HOURS);

    private static JsonPath summary(String app, Instant from, Instant to) {
        return given().auth().oauth2(PlatformTokens.admin()).queryParam("from", from.toString())
                .queryParam("to", to.toString()).get("/api/v1/apps/" + app + "/slis").then().statusCode(200)
                .extract().jsonPath();
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    @Test
    void errorBudgetAndBurnRatesFollowTheSreWorkbook() {
        String app = registerApp("burn", "prod");
        long prod = targetId(app, "prod");
        // 1000 good probes in the last 4 minutes, 10 failed ones 50 minutes before the end
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, prober)"
                + " select ?, ?, t, t, 100, 'SUCCESS', 'test' from generate_series(0, 999) as i,"
                + " lateral (select ?::timestamptz - interval '4 minutes' + i * interval '239 milliseconds' as t) as at",
                prod, app, Timestamp.from(to));
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, prober)"
                + " select ?, ?, t, t, 3000, 'TIMEOUT', 'test' from generate_series(1, 10) as i,"
                + " (select ?::timestamptz - interval '50 minutes' as t) as at", prod, app, Timestamp.from(to));

        JsonPath answer = summary(app, to.minus(1, ChronoUnit.HOURS), to);
        Map<String, Object> sli = answer.getMap("slis.find { it.id == 'availability_success_rate' }");
        assertThat(sli.get("total")).isEqualTo(1010);
        Map<String, Object> slo = answer.getMap("slis.find { it.id == 'availability_success_rate' }.slo");
        double burn = (10.0 / 1010) / 0.001;
        assertThat(number(slo.get("target"))).isCloseTo(99.9, within(1e-4));
        assertThat(number(slo.get("errorBudgetRemaining"))).isCloseTo(100 * (1 - burn), within(1e-2));
        Map<String, Object> rates = answer.getMap("slis.find { it.id == 'availability_success_rate' }.slo.burnRates");
        assertThat(rates.keySet()).containsExactly("5m", "30m", "1h", "2h", "6h", "1d", "3d");
        assertThat(number(rates.get("5m"))).isZero();
        assertThat(number(rates.get("30m"))).isZero();
        for (String window : List.of("1h", "2h", "6h", "1d", "3d")) {
            assertThat(number(rates.get(window))).as(window).isCloseTo(burn, within(1e-3));
        }
        assertThat(answer.getList("slis.find { it.id == 'availability_success_rate' }.slo.alerts.firing"))
                .containsExactly(false, false, true, true);

        // a per-app override changes target, budget and rates
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"sloOverrides\": {\"availability_success_rate\": 99}}").patch("/api/v1/apps/" + app)
                .then().statusCode(200);
        Map<String, Object> overridden = summary(app, to.minus(1, ChronoUnit.HOURS), to)
                .getMap("slis.find { it.id == 'availability_success_rate' }.slo");
        assertThat(number(overridden.get("target"))).isCloseTo(99.0, within(1e-4));
        assertThat(number(overridden.get("errorBudgetRemaining"))).isCloseTo(100 * (1 - burn / 10), within(1e-2));
    }

    @Test
    void defaultTargetsComeFromDesignAndSyntheticChecksHaveNone() {
        JsonPath answer = summary(registerApp("defaults"), to.minus(1, ChronoUnit.HOURS), to);
        Map<String, Double> expected = Map.of("availability_success_rate", 99.9, "webhook_delivery_success_rate", 99.0,
                "lifecycle_success_rate", 99.0, "iframe_load_success_rate", 99.0,
                "iframe_load_success_rate_app_server", 99.0, "iframe_load_success_rate_effective", 99.0);
        expected.forEach((id, target) -> assertThat(number(answer.get("slis.find { it.id == '" + id + "' }.slo.target")))
                .as(id).isCloseTo(target, within(1e-4)));
        assertThat(answer.getMap("slis.find { it.id == 'synthetic_check_success_rate_app_server' }")).doesNotContainKey("slo");
        assertThat(answer.getMap("slis.find { it.id == 'webhook_latency' }")).doesNotContainKey("slo");
    }
}
