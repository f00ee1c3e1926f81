package io.rampart.sli.adjustment;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Suspected platform faults (docs/alerts.md): many apps failing availability in the same minute. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SuspectedPlatformFaultTest {

    /** Minutes of a day no other test writes probes in. */
    private static final Instant DAY = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.DAYS);

    @Inject
    SuspectedFaultService suspected;

    /** 25 apps probed in the minute, the first {@code failing} of them failing; answers their keys. */
    private static List<String> minute(Instant minute, int failing) {
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String app = registerApp("fleet", "prod");
            boolean fails = i < failing;
            probe(app, targetId(app, "prod"), minute.plusSeconds(10), fails ? 3000 : 100, fails ? "TIMEOUT" : "SUCCESS",
                    fails ? null : 200);
            apps.add(app);
        }
        return apps;
    }

    @Test
    void fifteenOfTwentyFiveAppsFailingInOneMinuteOpenASuspectedFaultThatAnAdminConfirms() {
        Instant minute = DAY.plus(17, ChronoUnit.MINUTES);
        List<String> apps = minute(minute, 15);

        SuspectedFault opened = suspected.detect(minute.plus(1, ChronoUnit.MINUTES).plusSeconds(5))
                .await().atMost(Duration.ofSeconds(30));
        assertThat(opened).isNotNull();
        assertThat(opened.failing()).isEqualTo(15);
        assertThat(opened.apps()).isEqualTo(25);
        assertThat(opened.summary()).isEqualTo("suspected platform-wide fault: 15 of 25 apps failing");
        assertThat(opened.appKeys()).containsExactlyInAnyOrderElementsOf(apps.subList(0, 15));
        // found once, whoever looks again
        assertThat(suspected.detect(minute.plus(1, ChronoUnit.MINUTES)).await().atMost(Duration.ofSeconds(30))).isNull();

        given().auth().oauth2(PlatformTokens.vendor(apps.get(0))).get("/api/v1/suspected-platform-faults")
                .then().statusCode(403);
        JsonPath open = given().auth().oauth2(PlatformTokens.admin()).queryParam("status", "open")
                .get("/api/v1/suspected-platform-faults").then().statusCode(200).extract().jsonPath();
        assertThat(open.getList("id", Long.class)).contains(opened.id());

        long fault = given().auth().oauth2(PlatformTokens.admin()).contentType(io.restassured.http.ContentType.JSON).body("{}")
                .post("/api/v1/suspected-platform-faults/" + opened.id() + "/confirm").then().statusCode(201)
                .extract().jsonPath().getLong("id");
        given().auth().oauth2(PlatformTokens.admin())
                .post("/api/v1/suspected-platform-faults/" + opened.id() + "/dismiss").then().statusCode(409);
        // The failing app's minute is left out; the app that did not fail keeps its probe.
        JsonPath failingApp = summary(apps.get(0), minute);
        assertThat(failingApp.getList("adjustments.id", Long.class)).containsExactly(fault);
        assertThat(((Number) failingApp.get("slis.find { it.id == 'availability_success_rate' }.total")).longValue()).isZero();
        JsonPath healthyApp = summary(apps.get(20), minute);
        assertThat(healthyApp.getList("adjustments")).isEmpty();
        assertThat(((Number) healthyApp.get("slis.find { it.id == 'availability_success_rate' }.total")).longValue())
                .isEqualTo(1);
    }

    @Test
    void fiveOfTwentyFiveAppsFailingOpenNothing() {
        Instant minute = DAY.plus(19, ChronoUnit.MINUTES);
        minute(minute, 5);
        assertThat(suspected.detect(minute.plus(1, ChronoUnit.MINUTES)).await().atMost(Duration.ofSeconds(30))).isNull();
    }

    private static JsonPath summary(String app, Instant minute) {
        return given().auth().oauth2(PlatformTokens.admin()).queryParam("from", minute.toString())
                .queryParam("to", minute.plus(1, ChronoUnit.MINUTES).toString())
                .get("/api/v1/apps/" + app + "/slis").then().statusCode(200).extract().jsonPath();
    }
}
