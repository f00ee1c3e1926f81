package io.rampart.sli.adjustment;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The adjustment rules of docs/slis.md, against hand-computed figures; a refusal's detail starts with its field. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AdjustmentRulesTest {

    private final Instant base = baseHour();
    private final Instant end = base.plus(1, ChronoUnit.HOURS);

    /**
     * 10 good probes of 100 ms (minutes 0-9), 5 bad ones of 900 ms (minutes 30-34), 5 good ones of
     * 300 ms (minutes 40-44): raw 75 % and P90 900 ms (rank 18 of 20); without minutes 30-34,
     * 100 % and P90 300 ms (rank 14 of 15).
     */
    private String appWithOutage() {
        String app = registerApp("maintained", "prod");
        long prod = targetId(app, "prod");
        for (int i = 0; i < 10; i++) {
            probe(app, prod, base.plus(i, ChronoUnit.MINUTES), 100, "SUCCESS", 200);
        }
        for (int i = 30; i < 35; i++) {
            probe(app, prod, base.plus(i, ChronoUnit.MINUTES).plusSeconds(20), 900, "HTTP_STATUS", 500);
        }
        for (int i = 40; i < 45; i++) {
            probe(app, prod, base.plus(i, ChronoUnit.MINUTES), 300, "SUCCESS", 200);
        }
        event(app, "IFRAME_HOST", base.plus(32, ChronoUnit.MINUTES), 800, false, null, null, null);
        event(app, "IFRAME_HOST", base.plus(50, ChronoUnit.MINUTES), 800, true, null, null, null);
        return app;
    }

    @Test
    void maintenanceLeavesOutTheEventsOfItsMinutes() {
        String app = appWithOutage();
        // 10 s past minute 30 to 30 s into minute 34: it covers minutes 30 to 34 whole.
        long id = declareMaintenance(app, PlatformTokens.admin(), Map.of("start", at(30, 10), "end", at(34, 30),
                "reason", "database upgrade")).statusCode(201).extract().jsonPath().getLong("id");

        JsonPath adjusted = summary(app);
        assertThat(value(adjusted, "availability_success_rate")).isCloseTo(100.0, within(1e-9));
        assertThat(number(adjusted, "availability_success_rate", "total")).isEqualTo(15);
        assertThat(number(adjusted, "availability_success_rate", "excluded")).isEqualTo(5);
        assertThat(value(adjusted, "availability_latency")).isCloseTo(300.0, withinPercentage(1));
        assertThat(number(adjusted, "availability_latency", "count")).isEqualTo(15);
        assertThat(number(adjusted, "availability_latency", "excluded")).isEqualTo(5);
        assertThat(value(adjusted, "iframe_load_success_rate")).isCloseTo(100.0, within(1e-9));
        assertThat(number(adjusted, "iframe_load_success_rate", "excluded")).isEqualTo(1);
        assertThat(number(adjusted, "webhook_delivery_success_rate", "excluded")).isZero();
        assertThat(adjusted.getList("adjustments.id", Long.class)).containsExactly(id);
        assertThat(adjusted.getString("adjustments[0].kind")).isEqualTo("maintenance");
        assertThat(adjusted.getString("adjustments[0].reason")).isEqualTo("database upgrade");
        // No bad event is left: the whole budget remains.
        assertThat(((Number) adjusted.get("slis.find { it.id == 'availability_success_rate' }.slo.errorBudgetRemaining"))
                .doubleValue()).isCloseTo(100.0, within(1e-9));

        JsonPath raw = summary(app, "adjustments", "none");
        assertThat(value(raw, "availability_success_rate")).isCloseTo(75.0, within(1e-9));
        assertThat(value(raw, "availability_latency")).isCloseTo(900.0, withinPercentage(1));
        assertThat(number(raw, "availability_success_rate", "excluded")).isZero();
        assertThat(raw.getList("adjustments")).isEmpty();

        JsonPath series = given().auth().oauth2(PlatformTokens.admin()).queryParam("from", base.toString())
                .queryParam("to", end.toString()).queryParam("step", "5m")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/series").then().statusCode(200)
                .extract().jsonPath();
        assertThat(series.getList("points.value")).hasSize(12);
        assertThat((Object) series.get("points[6].value")).isNull();
        assertThat(series.getInt("points[6].total")).isZero();
        assertThat(series.getList("adjustments.id", Long.class)).containsExactly(id);

        given().auth().oauth2(PlatformTokens.admin()).delete("/api/v1/adjustments/" + id).then().statusCode(204);
        JsonPath withdrawn = summary(app);
        assertThat(value(withdrawn, "availability_success_rate")).isCloseTo(75.0, within(1e-9));
        assertThat(value(withdrawn, "availability_latency")).isCloseTo(900.0, withinPercentage(1));
        assertThat(withdrawn.getList("adjustments")).isEmpty();
        // Withdrawal keeps the history: who and when.
        JsonPath history = given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/adjustments/" + id)
                .then().statusCode(200).extract().jsonPath();
        assertThat(history.getString("withdrawnBy")).isNotBlank();
        assertThat(history.getString("withdrawnAt")).isNotBlank();
        assertThat(history.getString("createdBy")).isNotBlank();
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/adjustments/999999999").then().statusCode(404);
        given().auth().oauth2(PlatformTokens.admin()).delete("/api/v1/adjustments/999999999").then().statusCode(404);
    }

    @Test
    void maintenanceLimitedToSlisAndTargetsLeavesTheOthersAlone() {
        String app = registerApp("narrowed", "prod", "eu");
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        probe(app, prod, base.plus(10, ChronoUnit.MINUTES), 100, "HTTP_STATUS", 503);
        probe(app, eu, base.plus(10, ChronoUnit.MINUTES), 100, "HTTP_STATUS", 503);
        probe(app, prod, base.plus(20, ChronoUnit.MINUTES), 100, "SUCCESS", 200);
        probe(app, eu, base.plus(20, ChronoUnit.MINUTES), 100, "SUCCESS", 200);
        event(app, "IFRAME_HOST", base.plus(10, ChronoUnit.MINUTES), 800, false, null, null, null);
        declareMaintenance(app, PlatformTokens.admin(), Map.of("start", at(10, 0), "end", at(11, 0),
                "reason", "eu region move", "targets", List.of("eu"))).statusCode(201);
        declareMaintenance(app, PlatformTokens.admin(), Map.of("start", at(10, 0), "end", at(11, 0),
                "reason", "latency only", "slis", List.of("lifecycle_latency"))).statusCode(201);

        JsonPath answer = summary(app);
        // eu's failed probe is left out, prod's counts: 2 good of 3.
        assertThat(number(answer, "availability_success_rate", "total")).isEqualTo(3);
        assertThat(value(answer, "availability_success_rate")).isCloseTo(200.0 / 3, within(1e-4));
        assertThat(number(answer, "availability_success_rate", "excluded")).isEqualTo(1);
        // the iframe load is of no target and no listed SLI: it stays
        assertThat(number(answer, "iframe_load_success_rate", "total")).isEqualTo(1);
        assertThat(number(answer, "iframe_load_success_rate", "excluded")).isZero();
        JsonPath euOnly = summary(app, "target", "eu");
        assertThat(value(euOnly, "availability_success_rate")).isCloseTo(100.0, within(1e-9));
        JsonPath prodOnly = summary(app, "target", "prod");
        assertThat(value(prodOnly, "availability_success_rate")).isCloseTo(50.0, within(1e-9));
        assertThat(number(prodOnly, "availability_success_rate", "excluded")).isZero();
    }

    @Test
    void weeklyRecurrenceKeepsItsLocalTimeAcrossDaylightSaving() {
        String app = registerApp("weekly", "prod");
        long prod = targetId(app, "prod");
        // Saturdays 22:00-23:00 in Paris: 20:00Z in summer time; 21:00Z after 25 October 2026.
        probe(app, prod, Instant.parse("2026-10-24T20:30:00Z"), 100, "CONNECT", null);   // inside (summer time)
        probe(app, prod, Instant.parse("2026-10-31T20:30:00Z"), 100, "SUCCESS", 200);    // outside (winter time)
        probe(app, prod, Instant.parse("2026-10-31T21:30:00Z"), 100, "CONNECT", null);   // inside (winter time)
        declareMaintenance(app, PlatformTokens.admin(), Map.of("start", "2026-10-17T20:00:00Z",
                "end", "2026-10-17T21:00:00Z", "reason", "weekly release",
                "recurrence", Map.of("frequency", "weekly", "timeZone", "Europe/Paris"))).statusCode(201);

        JsonPath answer = summaryOver(app, "2026-10-24T00:00:00Z", "2026-11-01T00:00:00Z");
        assertThat(value(answer, "availability_success_rate")).isCloseTo(100.0, within(1e-9));
        assertThat(number(answer, "availability_success_rate", "excluded")).isEqualTo(2);
        assertThat(answer.getList("adjustments.start", String.class))
                .containsExactly("2026-10-24T20:00:00Z", "2026-10-31T21:00:00Z");
    }

    @Test
    void vendorsDeclareOnlyAheadOfTimeWithinLimits() {
        String app = registerApp("vendor-window", "prod");
        String other = registerApp("someone-else", "prod");
        String vendor = PlatformTokens.vendor(app);
        Instant soon = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES);
        Instant later = Instant.now().plus(3, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);

        declareMaintenance(app, vendor, Map.of("start", soon.toString(), "end", soon.plus(1, ChronoUnit.HOURS).toString(),
                "reason", "too soon")).statusCode(400).body("detail", startsWith("start:"));
        declareMaintenance(app, vendor, Map.of("start", later.toString(), "end", later.plus(5, ChronoUnit.HOURS).toString(),
                "reason", "too long")).statusCode(400).body("detail", startsWith("end:"));
        declareMaintenance(app, vendor, Map.of("start", later.toString(), "end", later.toString(),
                "reason", "empty")).statusCode(400).body("detail", startsWith("end:"));
        // weekly 3 h: 12 h in 28 days, over the 8 h allowance
        declareMaintenance(app, vendor, Map.of("start", later.toString(), "end", later.plus(3, ChronoUnit.HOURS).toString(),
                "reason", "weekly", "recurrence", Map.of("frequency", "weekly", "timeZone", "UTC")))
                .statusCode(400).body("detail", startsWith("recurrence:"));
        declareMaintenance(app, vendor, Map.of("start", later.toString(), "end", later.plus(1, ChronoUnit.HOURS).toString(),
                "reason", "bad zone", "recurrence", Map.of("frequency", "weekly", "timeZone", "Mars/Olympus")))
                .statusCode(400).body("detail", startsWith("recurrence:"));
        declareMaintenance(app, vendor, Map.of("start", later.toString(), "end", later.plus(1, ChronoUnit.HOURS).toString(),
                "reason", "unknown sli", "slis", List.of("happiness"))).statusCode(400).body("detail", startsWith("slis:"));
        declareMaintenance(app, vendor, Map.of("start", later.toString(), "end", later.plus(1, ChronoUnit.HOURS).toString(),
                "reason", "unknown target", "targets", List.of("moon"))).statusCode(400).body("detail", startsWith("targets:"));
        declareMaintenance(other, vendor, Map.of("start", later.toString(), "end", later.plus(1, ChronoUnit.HOURS).toString(),
                "reason", "not mine")).statusCode(403);
        given().auth().oauth2(vendor).contentType(ContentType.JSON)
                .body(Map.of("kind", "platform_fault", "start", base.toString(), "end", end.toString(), "reason", "no"))
                .post("/api/v1/adjustments").then().statusCode(403);

        // weekly 2 h: 8 h in any 28 days, within the allowance; then one more hour is over it
        long id = declareMaintenance(app, vendor, Map.of("start", later.toString(),
                "end", later.plus(2, ChronoUnit.HOURS).toString(), "reason", "weekly patching",
                "recurrence", Map.of("frequency", "weekly", "timeZone", "Europe/Berlin")))
                .statusCode(201).extract().jsonPath().getLong("id");
        Instant dayAfter = later.plus(1, ChronoUnit.DAYS);
        declareMaintenance(app, vendor, Map.of("start", dayAfter.toString(),
                "end", dayAfter.plus(1, ChronoUnit.HOURS).toString(), "reason", "one more"))
                .statusCode(400).body("detail", startsWith("end:"));
        given().auth().oauth2(vendor).get("/api/v1/apps/" + app + "/maintenance").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.contains((int) id));
        given().auth().oauth2(PlatformTokens.vendor(other)).delete("/api/v1/apps/" + app + "/maintenance/" + id)
                .then().statusCode(403);
        given().auth().oauth2(PlatformTokens.vendor(other)).delete("/api/v1/apps/" + other + "/maintenance/" + id)
                .then().statusCode(404);
        given().auth().oauth2(vendor).delete("/api/v1/apps/" + app + "/maintenance/" + id).then().statusCode(204);
        // an admin has no limits, also after the fact
        declareMaintenance(app, PlatformTokens.admin(), Map.of("start", base.toString(),
                "end", base.plus(6, ChronoUnit.HOURS).toString(), "reason", "found afterwards")).statusCode(201);
    }

    @Test
    void platformFaultOfOneProductCoversOnlyItsApps() {
        String jira = registerApp("jira-app", "prod");
        String confluence = registerApp("confluence-app", "prod");
        products(jira, "jira");
        products(confluence, "confluence");
        probe(jira, targetId(jira, "prod"), base.plus(5, ChronoUnit.MINUTES), 100, "CONNECT", null);
        probe(jira, targetId(jira, "prod"), base.plus(15, ChronoUnit.MINUTES), 100, "SUCCESS", 200);
        probe(confluence, targetId(confluence, "prod"), base.plus(5, ChronoUnit.MINUTES), 100, "CONNECT", null);
        probe(confluence, targetId(confluence, "prod"), base.plus(15, ChronoUnit.MINUTES), 100, "SUCCESS", 200);

        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("kind", "platform_fault", "start", at(5, 0), "end", at(6, 0), "reason", "jira outage",
                        "product", "jira", "appKeys", List.of(jira)))
                .post("/api/v1/adjustments").then().statusCode(400).body("detail", startsWith("product:"));
        long id = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("kind", "platform_fault", "start", at(5, 0), "end", at(6, 0), "reason", "jira outage",
                        "product", "Jira", "reference", "https://tickets.example/INC-1"))
                .post("/api/v1/adjustments").then().statusCode(201).body("product", equalTo("jira"))
                .extract().jsonPath().getLong("id");

        JsonPath jiraAnswer = summary(jira);
        assertThat(value(jiraAnswer, "availability_success_rate")).isCloseTo(100.0, within(1e-9));
        assertThat(jiraAnswer.getList("adjustments.id", Long.class)).containsExactly(id);
        assertThat(jiraAnswer.getString("adjustments[0].kind")).isEqualTo("platform_fault");
        JsonPath confluenceAnswer = summary(confluence);
        assertThat(value(confluenceAnswer, "availability_success_rate")).isCloseTo(50.0, within(1e-9));
        assertThat(confluenceAnswer.getList("adjustments")).isEmpty();
        given().auth().oauth2(PlatformTokens.admin()).queryParam("appKey", jira).queryParam("kind", "platform_fault")
                .get("/api/v1/adjustments").then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem((int) id));
    }

    private static void products(String app, String product) {
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("products", List.of(product))).patch("/api/v1/apps/" + app).then().statusCode(200);
    }

    private String at(int minute, int second) {
        return base.plus(minute, ChronoUnit.MINUTES).plusSeconds(second).toString();
    }

    private static ValidatableResponse declareMaintenance(String app, String token, Map<String, Object> body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/apps/" + app + "/maintenance").then();
    }

    private JsonPath summary(String app, String... parameters) {
        var request = given().auth().oauth2(PlatformTokens.admin())
                .queryParam("from", base.toString()).queryParam("to", end.toString());
        for (int i = 0; i < parameters.length; i += 2) {
            request.queryParam(parameters[i], parameters[i + 1]);
        }
        return request.get("/api/v1/apps/" + app + "/slis").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath summaryOver(String app, String from, String to) {
        return given().auth().oauth2(PlatformTokens.admin()).queryParam("from", from).queryParam("to", to)
                .get("/api/v1/apps/" + app + "/slis").then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> sli(JsonPath summary, String id) {
        return summary.getMap("slis.find { it.id == '" + id + "' }");
    }

    private static Double value(JsonPath summary, String id) {
        Object value = sli(summary, id).get("value");
        return value == null ? null : ((Number) value).doubleValue();
    }

    private static long number(JsonPath summary, String id, String field) {
        return ((Number) sli(summary, id).get(field)).longValue();
    }
}
