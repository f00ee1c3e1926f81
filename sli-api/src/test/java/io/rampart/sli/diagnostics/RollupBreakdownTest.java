package io.rampart.sli.diagnostics;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.diagnostics.DiagnosticsTest.causes;
import static io.rampart.sli.diagnostics.DiagnosticsTest.webhook;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * Breakdowns from the rollups (docs/sli-api.md, "Why it failed"): a window older than the raw
 * retention, the agreement of both sources on what both hold, and the adjustments, against
 * hand-computed counts.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RollupBreakdownTest {

    /** 50 days ago: older than the raw retention (40 days), inside the largest window (90 days). */
    private final Instant old = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(50, ChronoUnit.DAYS);
    private final Instant base = baseHour();

    /**
     * prod: 3 x 200, 4 x 503, a timeout, a 204; eu: 2 x 503, a refused connection. Under the 2xx
     * policy bad are the 6 x 503, the timeout and the refused connection: 8 of 12.
     */
    private void probes(String app, Instant at) {
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        int second = 0;
        for (int i = 0; i < 3; i++) {
            probe(app, prod, at.plusSeconds(second += 10), 100, "SUCCESS", 200);
        }
        for (int i = 0; i < 4; i++) {
            probe(app, prod, at.plusSeconds(second += 10), 40, "HTTP_STATUS", 503);
        }
        probe(app, prod, at.plusSeconds(second += 10), 3000, "TIMEOUT", null);
        probe(app, prod, at.plusSeconds(second += 10), 40, "HTTP_STATUS", 204);
        probe(app, eu, at.plusSeconds(second += 10), 40, "HTTP_STATUS", 503);
        probe(app, eu, at.plusSeconds(second += 10), 40, "HTTP_STATUS", 503);
        probe(app, eu, at.plusSeconds(second += 10), 5, "CONNECT", null);
    }

    /** Jira 2 x 200 and a 500, Confluence a 201 and a timeout: under normalized 3 of 5 bad. */
    private static void webhooks(String app, Instant at) {
        webhook(app, at.plusSeconds(1), "JIRA", "jira:issue_created", 200, null, null);
        webhook(app, at.plusSeconds(2), "JIRA", "jira:issue_updated", 200, null, null);
        webhook(app, at.plusSeconds(3), "JIRA", "jira:issue_created", 500, null, null);
        webhook(app, at.plusSeconds(4), "CONFLUENCE", "page_created", 201, null, null);
        webhook(app, at.plusSeconds(5), "CONFLUENCE", "page_created", null, "TIMEOUT", null);
    }

    @Test
    void aWindowOlderThanTheRawEventsIsAnsweredFromTheRollupsWithExactStatusCodes() {
        String app = registerApp("breakdown-rollups-old", "prod", "eu");
        probes(app, old);
        webhooks(app, old);
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, lifecycle) values"
                + " (?, 'LIFECYCLE', ?, 50, 200, 'INSTALLED'), (?, 'LIFECYCLE', ?, 50, 503, 'INSTALLED'),"
                + " (?, 'LIFECYCLE', ?, 50, null, 'UPDATED')",
                app, Timestamp.from(old.plusSeconds(1)), app, Timestamp.from(old.plusSeconds(2)),
                app, Timestamp.from(old.plusSeconds(3)));
        // The raw events are gone, as their partitions would be: only the rollups can answer.
        execute("delete from probe_result where app_key = ?", app);
        execute("delete from app_event where app_key = ?", app);

        JsonPath probes = breakdown(app, "availability_success_rate", old);
        assertThat(probes.getString("source")).isEqualTo("rollups");
        assertThat(probes.getInt("rawRetentionDays")).isEqualTo(40);
        assertThat(probes.getList("missingDimensions")).containsExactly("outcome", "location");
        assertThat(probes.getLong("total")).isEqualTo(12);
        assertThat(probes.getLong("bad")).isEqualTo(8);
        assertThat(causes(probes)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "503 prod", List.of(4L, 0L),
                "200 prod", List.of(3L, 3L),
                "204 prod", List.of(1L, 1L),
                "prod", List.of(1L, 0L),
                "503 eu", List.of(2L, 0L),
                "eu", List.of(1L, 0L)));
        assertThat(probes.getList("causes.count", Long.class).stream().mapToLong(Long::longValue).sum()).isEqualTo(12);
        assertThat(probes.getMap("causes[0].dimensions")).containsEntry("statusCode", 503).containsEntry("target", "prod");
        // http-200: the 204 is bad too
        assertThat(breakdown(app, "availability_success_rate", old, "availabilityPolicy", "http-200").getLong("bad")).isEqualTo(9);

        JsonPath deliveries = breakdown(app, "webhook_delivery_success_rate", old);
        assertThat(deliveries.getList("missingDimensions")).containsExactly("event", "errorKind", "site");
        assertThat(deliveries.getLong("total")).isEqualTo(5);
        assertThat(deliveries.getLong("bad")).isEqualTo(3);
        assertThat(causes(deliveries)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "jira 200", List.of(2L, 2L), "jira 500", List.of(1L, 0L),
                "confluence 201", List.of(1L, 0L), "confluence", List.of(1L, 0L)));

        JsonPath lifecycle = breakdown(app, "lifecycle_success_rate", old);
        assertThat(causes(lifecycle)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "installed 200", List.of(1L, 1L), "installed 503", List.of(1L, 0L), "updated", List.of(1L, 0L)));
        JsonPath installed = breakdown(app, "lifecycle_success_rate", old, "lifecycleScope", "installed");
        assertThat(installed.getLong("total")).isEqualTo(2);
        assertThat(installed.getLong("bad")).isEqualTo(1);

        // Raw events of such a window are refused, saying why.
        request(old).queryParam("source", "raw_events")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/breakdown").then().statusCode(400)
                .body("detail", containsString("raw events are kept 40 days"));
        request(old).queryParam("source", "everything")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/breakdown").then().statusCode(400)
                .body("detail", containsString("source"));
    }

    @Test
    void withinTheRawRetentionTheRawEventsSplitByOutcomeAndAgreeWithTheRollups() {
        String app = registerApp("breakdown-rollups-recent", "prod", "eu");
        probes(app, base);
        webhooks(app, base);

        JsonPath raw = breakdown(app, "availability_success_rate", base);
        assertThat(raw.getString("source")).isEqualTo("raw_events");
        assertThat(raw.getList("missingDimensions")).isNull();
        assertThat(causes(raw)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "HTTP_STATUS 503 prod local", List.of(4L, 0L),
                "SUCCESS 200 prod local", List.of(3L, 3L),
                "HTTP_STATUS 204 prod local", List.of(1L, 1L),
                "TIMEOUT prod local", List.of(1L, 0L),
                "HTTP_STATUS 503 eu local", List.of(2L, 0L),
                "CONNECT eu local", List.of(1L, 0L)));

        JsonPath rollups = breakdown(app, "availability_success_rate", base, "source", "rollups");
        assertThat(rollups.getString("source")).isEqualTo("rollups");
        assertThat(rollups.getLong("total")).isEqualTo(raw.getLong("total")).isEqualTo(12);
        assertThat(rollups.getLong("bad")).isEqualTo(raw.getLong("bad")).isEqualTo(8);
        // The raw causes merged on what the rollups keep (status code, target) are the rollups' causes.
        assertThat(causes(raw, "statusCode", "target")).isEqualTo(causes(rollups, "statusCode", "target"))
                .hasSize(6);

        JsonPath rawDeliveries = breakdown(app, "webhook_delivery_success_rate", base);
        assertThat(causes(rawDeliveries)).containsEntry("confluence page_created TIMEOUT", List.of(1L, 0L))
                .containsEntry("jira jira:issue_updated 200", List.of(1L, 1L));
        JsonPath rollupDeliveries = breakdown(app, "webhook_delivery_success_rate", base, "source", "rollups");
        assertThat(causes(rawDeliveries, "product", "statusCode")).isEqualTo(causes(rollupDeliveries, "product", "statusCode"))
                .containsEntry("jira 200", List.of(2L, 2L)).hasSize(4);
        assertThat(rollupDeliveries.getLong("bad")).isEqualTo(rawDeliveries.getLong("bad")).isEqualTo(3);
    }

    /**
     * 10 good probes (minutes 0-9), 5 answered 500 (minutes 30-34), 5 good (minutes 40-44); a host
     * iframe load that failed at minute 32 and one that connected at minute 50. A maintenance over
     * minutes 30-34 leaves out the five 500s and the failed load.
     */
    @Test
    void adjustmentsLeaveTheirMinutesOutAndAreListedUnlessAskedForNone() {
        String app = registerApp("breakdown-maintained", "prod");
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
        long id = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("start", base.plus(30, ChronoUnit.MINUTES).plusSeconds(10).toString(),
                        "end", base.plus(34, ChronoUnit.MINUTES).plusSeconds(30).toString(), "reason", "database upgrade"))
                .post("/api/v1/apps/" + app + "/maintenance").then().statusCode(201).extract().jsonPath().getLong("id");

        for (String source : new String[] {"raw_events", "rollups"}) {
            JsonPath adjusted = breakdown(app, "availability_success_rate", base, "source", source);
            assertThat(adjusted.getLong("total")).as(source).isEqualTo(15);
            assertThat(adjusted.getLong("bad")).as(source).isZero();
            assertThat(adjusted.getLong("excluded")).as(source).isEqualTo(5);
            assertThat(adjusted.getList("adjustments.id", Long.class)).as(source).containsExactly(id);
            assertThat(adjusted.getString("adjustments[0].reason")).isEqualTo("database upgrade");
            assertThat(adjusted.getList("causes.count", Long.class)).as(source).containsExactly(15L);

            JsonPath loads = breakdown(app, "iframe_load_success_rate", base, "source", source);
            assertThat(loads.getLong("total")).as(source).isEqualTo(1);
            assertThat(loads.getLong("bad")).as(source).isZero();
            assertThat(loads.getLong("excluded")).as(source).isEqualTo(1);

            JsonPath everything = breakdown(app, "availability_success_rate", base, "source", source, "adjustments", "none");
            assertThat(everything.getLong("total")).as(source).isEqualTo(20);
            assertThat(everything.getLong("bad")).as(source).isEqualTo(5);
            assertThat(everything.getLong("excluded")).as(source).isZero();
            assertThat(everything.getList("adjustments")).as(source).isEmpty();
            assertThat(everything.getMap("causes[0].dimensions")).as(source).containsEntry("statusCode", 500);
            assertThat(everything.getLong("causes[0].count")).as(source).isEqualTo(5);
        }
        // The failures list keeps them, marked as not counted, and names the adjustment.
        JsonPath failures = given().auth().oauth2(PlatformTokens.admin()).queryParam("limit", "10")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath();
        assertThat(failures.getList("failures.sli")).containsExactly("availability_success_rate",
                "availability_success_rate", "availability_success_rate", "iframe_load_success_rate",
                "availability_success_rate", "availability_success_rate");
        assertThat(failures.getList("failures.excluded", Boolean.class)).containsOnly(true).hasSize(6);
        assertThat(failures.getList("adjustments.id", Long.class)).containsExactly(id);
        JsonPath unmarked = given().auth().oauth2(PlatformTokens.admin()).queryParam("adjustments", "none")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath();
        assertThat(unmarked.getList("failures.excluded")).hasSize(6).containsOnlyNulls();
        assertThat(unmarked.getList("adjustments")).isEmpty();
        // The same figures as the summary's, with and without the adjustments.
        JsonPath summary = request(base).get("/api/v1/apps/" + app + "/slis").then().statusCode(200).extract().jsonPath();
        assertThat(((Number) summary.get("slis.find { it.id == 'availability_success_rate' }.total")).longValue())
                .isEqualTo(15);
        request(base).queryParam("adjustments", "all")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/breakdown").then().statusCode(400);
    }

    /** A maintenance of one target marks that target's failures of its minutes, not another's nor later ones. */
    @Test
    void failuresInMinutesAnAdjustmentLeavesOutAreMarkedNotCounted() {
        String app = registerApp("failures-maintained", "prod", "eu");
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        probe(app, prod, base.plus(5, ChronoUnit.MINUTES), 40, "HTTP_STATUS", 503);
        probe(app, eu, base.plus(5, ChronoUnit.MINUTES).plusSeconds(1), 40, "HTTP_STATUS", 503);
        probe(app, eu, base.plus(20, ChronoUnit.MINUTES), 5, "CONNECT", null);
        long id = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("start", base.toString(), "end", base.plus(10, ChronoUnit.MINUTES).toString(),
                        "reason", "eu region move", "targets", List.of("eu")))
                .post("/api/v1/apps/" + app + "/maintenance").then().statusCode(201).extract().jsonPath().getLong("id");

        JsonPath failures = given().auth().oauth2(PlatformTokens.admin()).queryParam("sli", "availability_success_rate")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath();
        assertThat(failures.getList("failures.target")).containsExactly("eu", "eu", "prod");
        assertThat(failures.getList("failures.outcome")).containsExactly("CONNECT", "HTTP_STATUS", "HTTP_STATUS");
        assertThat(failures.getList("failures.excluded", Boolean.class)).containsExactly(null, true, null);
        assertThat(failures.getList("adjustments.id", Long.class)).containsExactly(id);
        given().auth().oauth2(PlatformTokens.admin()).queryParam("adjustments", "some")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(400).body("detail", containsString("adjustments"));
    }

    private static RequestSpecification request(Instant from) {
        return given().auth().oauth2(PlatformTokens.admin()).queryParam("from", from.toString())
                .queryParam("to", from.plus(1, ChronoUnit.HOURS).toString());
    }

    /** The breakdown of the hour from {@code from}, with the query parameters given as name, value, ... */
    private static JsonPath breakdown(String app, String sli, Instant from, String... parameters) {
        RequestSpecification request = request(from);
        for (int i = 0; i < parameters.length; i += 2) {
            request.queryParam(parameters[i], parameters[i + 1]);
        }
        return request.get("/api/v1/apps/" + app + "/slis/" + sli + "/breakdown").then().statusCode(200)
                .extract().jsonPath();
    }
}
