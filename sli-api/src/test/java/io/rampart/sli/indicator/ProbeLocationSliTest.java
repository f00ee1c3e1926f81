package io.rampart.sli.indicator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.indicator.SliAnswers.number;
import static io.rampart.sli.indicator.SliAnswers.summary;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Availability of an app probed from three locations: each slot counts once, by the app's
 * quorum rule, and {@code ?location=} narrows the success rate to one location's results; the
 * prober's locations, live or gone, are listed.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProbeLocationSliTest {

    private final Instant base = baseHour();
    private final Instant end = base.plus(1, ChronoUnit.HOURS);

    @Test
    void eachSlotCountsOnceByTheQuorumRuleAndALocationCanBeReadAlone() {
        String app = registerApp("located", "prod");
        long prod = targetId(app, "prod");
        setLocations(app, "{\"probeLocations\": [\"east\", \"west\", \"north\"]}", 200);
        // Slot 1: all three good. Slot 2: north down. Slot 3: west and north down.
        probe(app, prod, base, "east", "SUCCESS");
        probe(app, prod, base, "west", "SUCCESS");
        probe(app, prod, base, "north", "SUCCESS");
        Instant second = base.plusSeconds(60);
        probe(app, prod, second, "east", "SUCCESS");
        probe(app, prod, second, "west", "SUCCESS");
        probe(app, prod, second, "north", "CONNECT");
        Instant third = base.plusSeconds(120);
        probe(app, prod, third, "east", "SUCCESS");
        probe(app, prod, third, "west", "TIMEOUT");
        probe(app, prod, third, "north", "CONNECT");

        assertThat(goodAndTotal(summary(app, base, end))).as("quorum (default)").containsExactly(2L, 3L);
        setLocations(app, "{\"probeLocations\": [\"east\", \"west\", \"north\"], \"quorum\": \"any\"}", 200);
        assertThat(goodAndTotal(summary(app, base, end))).as("any").containsExactly(1L, 3L);
        setLocations(app, "{\"probeLocations\": [\"east\", \"west\", \"north\"], \"quorum\": \"all\"}", 200);
        assertThat(goodAndTotal(summary(app, base, end))).as("all").containsExactly(3L, 3L);

        assertThat(goodAndTotal(summary(app, base, end, "location", "north"))).containsExactly(1L, 3L);
        assertThat(goodAndTotal(summary(app, base, end, "location", "east"))).containsExactly(3L, 3L);
        assertThat(goodAndTotal(summary(app, base, end, "location", "nowhere"))).containsExactly(0L, 0L);
        assertThat(given().auth().oauth2(PlatformTokens.vendor(app)).get("/api/v1/apps/" + app + "/probe-locations")
                .then().statusCode(200).extract().jsonPath().getString("quorum")).isEqualTo("all");
        setLocations(app, "{\"probeLocations\": [\"east\", \"east\"]}", 400);
        setLocations(app, "{\"probeLocations\": null, \"quorum\": \"most\"}", 400);
    }

    @Test
    void anAppWithoutAListCountsItsSlotsOnceOnlyWhileSeveralLocationsAreOnRecord() {
        String app = registerApp("unlisted", "prod");
        long prod = targetId(app, "prod");
        // One slot seen by two locations (one of them down), one slot by one location.
        probe(app, prod, base, "api-south", "SUCCESS");
        probe(app, prod, base, "api-north", "CONNECT");
        probe(app, prod, base.plusSeconds(60), "api-south", "SUCCESS");
        execute("insert into prober_replica (replica_id, location, seen_at) values"
                + " ('api-south-1', 'api-south', now()), ('api-north-1', 'api-north', now())");
        try {
            assertThat(goodAndTotal(summary(app, base, end))).as("two slots, both good by the quorum rule")
                    .containsExactly(2L, 2L);
        } finally {
            execute("delete from prober_replica where location in ('api-south', 'api-north')");
        }
        // With no second location on record, an app without a list has one location: every result counts.
        assertThat(goodAndTotal(summary(app, base, end))).as("three results").containsExactly(2L, 3L);
    }

    @Test
    void theStatusPageShowsEachLocationsSuccessRateWhereThereAreSeveral() {
        String app = registerApp("located-page", "prod");
        long prod = targetId(app, "prod");
        setLocations(app, "{\"probeLocations\": [\"east\", \"north\"]}", 200);
        Instant slot = Instant.now().minusSeconds(600).truncatedTo(ChronoUnit.MINUTES);
        for (int i = 0; i < 4; i++) {
            probe(app, prod, slot.minusSeconds(60L * i), "east", "SUCCESS");
            probe(app, prod, slot.minusSeconds(60L * i), "north", i == 0 ? "CONNECT" : "SUCCESS");
        }
        String page = given().cookie("rampart_status", PlatformTokens.admin()).get("/status/" + app)
                .then().statusCode(200).extract().asString();
        assertThat(page).contains("Availability per probe location");
        assertThat(locationSuccess(page, "east")).isEqualTo(100.0);
        assertThat(locationSuccess(page, "north")).isEqualTo(75.0);

        String single = registerApp("single-page", "prod");
        probe(single, targetId(single, "prod"), slot, "local", "SUCCESS");
        assertThat(given().cookie("rampart_status", PlatformTokens.admin()).get("/status/" + single)
                .then().statusCode(200).extract().asString()).doesNotContain("Availability per probe location");
    }

    /** The success rate the status page shows for a location, as its data-value. */
    private static double locationSuccess(String page, String location) {
        java.util.regex.Matcher cell = java.util.regex.Pattern.compile("<tr data-location=\"" + location
                + "\">\\s*<th[^>]*>[^<]*</th>\\s*<td class=\"location-success\" data-value=\"([^\"]*)\"").matcher(page);
        assertThat(cell.find()).as("a row of location %s", location).isTrue();
        return Double.parseDouble(cell.group(1));
    }

    private static void setLocations(String app, String body, int status) {
        given().auth().oauth2(PlatformTokens.vendor(app)).contentType(io.restassured.http.ContentType.JSON).body(body)
                .put("/api/v1/apps/" + app + "/probe-locations").then().statusCode(status);
    }

    @Test
    void aLocationWhoseReplicasAreAllGoneIsReported() {
        execute("insert into prober_replica (replica_id, location, seen_at) values"
                + " ('api-east-1', 'api-east', now()), ('api-east-2', 'api-east', now() - interval '5 minutes'),"
                + " ('api-west-1', 'api-west', now() - interval '5 minutes')");
        try {
            JsonPath answer = given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/probe-locations")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(answer.getBoolean("locations.find { it.location == 'api-east' }.live")).isTrue();
            assertThat(answer.getInt("locations.find { it.location == 'api-east' }.replicas")).isEqualTo(2);
            assertThat(answer.getInt("locations.find { it.location == 'api-east' }.liveReplicas")).isEqualTo(1);
            assertThat(answer.getBoolean("locations.find { it.location == 'api-west' }.live")).isFalse();
            assertThat(answer.getString("locations.find { it.location == 'api-west' }.lastSeenAt")).isNotNull();
            given().auth().oauth2(PlatformTokens.vendor("com.acme.any")).get("/api/v1/probe-locations")
                    .then().statusCode(403);
        } finally {
            execute("delete from prober_replica where location in ('api-east', 'api-west')");
        }
    }

    private static long[] goodAndTotal(JsonPath answer) {
        return new long[] {number(answer, "availability_success_rate", "good"),
                number(answer, "availability_success_rate", "total")};
    }

    /** One probe result of the slot from one location, as that location's prober replica stores it. */
    private static void probe(String app, long target, Instant slot, String location, String outcome) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                        + " status_code, prober, location) values (?, ?, ?, ?, 40, ?, ?, ?, ?)",
                target, app, java.sql.Timestamp.from(slot), java.sql.Timestamp.from(slot.plusMillis(5)), outcome,
                outcome.equals("SUCCESS") ? 200 : null, location + "-1", location);
    }
}
