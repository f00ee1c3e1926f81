package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.sli.alert.AlertTesting.incidents;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The no-data rules (docs/alerts.md, "No-data rules"): their incidents open and resolve. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class NoDataRulesTest extends AlertEndToEnd {

    /** Four days ago, a few minutes past an hour: no other test evaluates there. */
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(4, ChronoUnit.DAYS)
            .plus(5, ChronoUnit.MINUTES);

    private static List<Object> rules(String app) {
        return incidents(app).stream().map(incident -> incident.get("rule")).toList();
    }

    @Test
    void syntheticChecksStaleOpensAfterTwoHoursWithoutAResultAndResolvesWithTheNextOne() {
        String app = registerApp("synthetic-stale");
        String silent = registerApp("synthetic-never");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        Instant last = BASE;
        event(app, "SYNTHETIC", last, 800, true, null, null, null);

        evaluate(last.plus(119, ChronoUnit.MINUTES));
        assertThat(rules(app)).doesNotContain(NoDataRules.SYNTHETIC_STALE);

        Instant stale = last.plus(2, ChronoUnit.HOURS);
        evaluate(stale);
        dispatch(stale);
        Map<String, Object> open = incident(app, NoDataRules.SYNTHETIC_STALE);
        assertThat(open).containsEntry("status", "OPEN").containsEntry("severity", "ticket")
                .containsEntry("metricName", "synthetic_check_success_rate_app_server")
                .containsEntry("measurementDurationSeconds", 7200);
        // The vendor's own incident: its channels hear of it and it sees it.
        assertThat(receiver.received(channel.url())).singleElement().satisfies(told -> {
            JsonObject body = new JsonObject(told.body());
            assertThat(body.getString("rule")).isEqualTo(NoDataRules.SYNTHETIC_STALE);
            assertThat(body.getString("incidentStatus")).isEqualTo("ANOMALOUS");
        });
        assertThat(given().auth().oauth2(PlatformTokens.vendor(app)).get("/api/v1/apps/" + app + "/incidents")
                .then().statusCode(200).extract().jsonPath().getList("rule", String.class))
                .contains(NoDataRules.SYNTHETIC_STALE);
        // An app that never sent a synthetic result is not stale.
        assertThat(rules(silent)).doesNotContain(NoDataRules.SYNTHETIC_STALE);

        Instant next = stale.plus(30, ChronoUnit.MINUTES);
        event(app, "SYNTHETIC", next, 900, false, null, null, null);
        evaluate(next.plus(1, ChronoUnit.MINUTES));
        dispatch(next.plus(1, ChronoUnit.MINUTES));
        Map<String, Object> resolved = incident(app, NoDataRules.SYNTHETIC_STALE);
        assertThat(resolved.get("id")).isEqualTo(open.get("id"));
        assertThat(resolved.get("status")).isEqualTo("RESOLVED");
        assertThat(receiver.received(channel.url())).hasSize(2);
        assertThat(new JsonObject(receiver.received(channel.url()).get(1).body()).getString("incidentStatus"))
                .isEqualTo("RESOLVED");
    }

    @Test
    void anAppSetsItsOwnTimeWithoutSyntheticResults() {
        String app = registerApp("synthetic-own-time");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("syntheticStaleAfterMinutes", 0))
                .patch("/api/v1/apps/" + app).then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("syntheticStaleAfterMinutes:"));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("syntheticStaleAfterMinutes", 30))
                .patch("/api/v1/apps/" + app).then().statusCode(200)
                .body("syntheticStaleAfterMinutes", org.hamcrest.Matchers.equalTo(30));
        Instant last = BASE.plus(10, ChronoUnit.HOURS);
        event(app, "SYNTHETIC", last, 800, true, null, null, null);

        evaluate(last.plus(29, ChronoUnit.MINUTES));
        assertThat(rules(app)).doesNotContain(NoDataRules.SYNTHETIC_STALE);
        evaluate(last.plus(30, ChronoUnit.MINUTES));
        assertThat(incident(app, NoDataRules.SYNTHETIC_STALE)).containsEntry("status", "OPEN")
                .containsEntry("measurementDurationSeconds", 1800);
    }

    @Test
    void probesMissingForFiveIntervalsOpensAnIncidentForAdminsOnlyAndResolvesWithTheNextResult() {
        String app = registerApp("probes-missing", "prod");
        long target = targetId(app, "prod");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        Instant probed = BASE.plus(20, ChronoUnit.HOURS);
        // The target was registered well before: the rule counts from its registration otherwise.
        execute("update healthcheck_target set created_at = ? where id = ?",
                Timestamp.from(probed.minus(1, ChronoUnit.HOURS)), target);
        probe(app, target, probed, 100, "SUCCESS", 200);

        // Interval 60 s: 4 minutes after the last result it is not missing yet, after 5 it is.
        evaluate(probed.plus(4, ChronoUnit.MINUTES));
        assertThat(rules(app)).doesNotContain(NoDataRules.PROBES_MISSING);
        Instant missing = probed.plus(5, ChronoUnit.MINUTES);
        evaluate(missing);
        dispatch(missing);
        Map<String, Object> open = incident(app, NoDataRules.PROBES_MISSING);
        assertThat(open).containsEntry("status", "OPEN").containsEntry("measurementDurationSeconds", 300);
        assertThat(open.get("notifications")).asList().isEmpty();
        assertThat(receiver.received(channel.url())).isEmpty();
        // Ours, not the vendor's: the vendor neither lists nor opens nor acknowledges it.
        assertThat(given().auth().oauth2(PlatformTokens.vendor(app)).get("/api/v1/apps/" + app + "/incidents")
                .then().statusCode(200).extract().jsonPath().getList("rule", String.class))
                .doesNotContain(NoDataRules.PROBES_MISSING);
        given().auth().oauth2(PlatformTokens.vendor(app)).get("/api/v1/apps/" + app + "/incidents/" + open.get("id"))
                .then().statusCode(404);
        given().auth().oauth2(PlatformTokens.vendor(app)).post("/api/v1/apps/" + app + "/incidents/" + open.get("id") + "/ack")
                .then().statusCode(404);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/incidents/" + open.get("id"))
                .then().statusCode(200).body("rule", org.hamcrest.Matchers.equalTo(NoDataRules.PROBES_MISSING));

        Instant next = missing.plus(1, ChronoUnit.MINUTES);
        probe(app, target, next, 100, "SUCCESS", 200);
        evaluate(next);
        dispatch(next);
        Map<String, Object> resolved = incident(app, NoDataRules.PROBES_MISSING);
        assertThat(resolved.get("id")).isEqualTo(open.get("id"));
        assertThat(resolved.get("status")).isEqualTo("RESOLVED");
        assertThat(receiver.received(channel.url())).isEmpty();
    }
}
