package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.sli.alert.AlertTesting.incidents;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Alerts read the adjusted figures (docs/alerts.md, "Adjustments"). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AdjustedAlertsTest extends AlertEndToEnd {

    private final Instant now = baseHour().plus(30, ChronoUnit.MINUTES);

    /** Four good probes, then a timed-out one 3 minutes before now: the availability rule fires on the raw figures. */
    private String failingApp(String prefix) {
        String app = registerApp(prefix, "prod");
        long target = targetId(app, "prod");
        for (int i = 8; i > 4; i--) {
            probe(app, target, now.minus(i, ChronoUnit.MINUTES), 100, "SUCCESS", 200);
        }
        probe(app, target, now.minus(3, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        return app;
    }

    @Test
    void breachInsideMaintenanceOpensNoIncidentAndSendsNothing() {
        String app = failingApp("maintained-breach");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("start", now.minus(4, ChronoUnit.MINUTES).toString(),
                        "end", now.minus(2, ChronoUnit.MINUTES).toString(), "reason", "planned restart"))
                .post("/api/v1/apps/" + app + "/maintenance").then().statusCode(201);

        evaluate(now);
        dispatch(now);
        assertThat(incidents(app)).isEmpty();
        assertThat(receiver.received(channel.url())).isEmpty();
    }

    @Test
    void openIncidentCoveredByALaterPlatformFaultResolvesWithItsReasonOnce() {
        String app = failingApp("platform-fault");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        evaluate(now);
        dispatch(now);
        Map<String, Object> open = incident(app, AlertRules.AVAILABILITY);
        assertThat(open.get("status")).isEqualTo("OPEN");
        assertThat(receiver.received(channel.url())).hasSize(1);

        long fault = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("kind", "platform_fault", "start", now.minus(5, ChronoUnit.MINUTES).toString(),
                        "end", now.toString(), "reason", "prober network outage", "appKeys", List.of(app)))
                .post("/api/v1/adjustments").then().statusCode(201).extract().jsonPath().getLong("id");

        Instant next = now.plus(1, ChronoUnit.MINUTES);
        evaluate(next);
        dispatch(next);
        evaluate(next.plus(1, ChronoUnit.MINUTES));
        dispatch(next.plus(1, ChronoUnit.MINUTES));
        Map<String, Object> resolved = incident(app, AlertRules.AVAILABILITY);
        assertThat(resolved.get("id")).isEqualTo(open.get("id"));
        assertThat(resolved.get("status")).isEqualTo("RESOLVED");
        assertThat(resolved.get("resolution")).isEqualTo("excluded: platform fault " + fault);
        assertThat(receiver.received(channel.url())).hasSize(2);
        JsonObject told = new JsonObject(receiver.received(channel.url()).get(1).body());
        assertThat(told.getString("incidentStatus")).isEqualTo("RESOLVED");
        assertThat(told.getString("resolution")).isEqualTo("excluded: platform fault " + fault);
        assertThat(incidents(app)).hasSize(1);
    }
}
