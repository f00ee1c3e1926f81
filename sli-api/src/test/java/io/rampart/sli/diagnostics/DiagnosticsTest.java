package io.rampart.sli.diagnostics;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Breakdowns by cause and recent failures (docs/sli-api.md, "Why it failed") against hand-computed counts. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class DiagnosticsTest {

    private final Instant base = baseHour();
    private final Instant end = base.plus(1, ChronoUnit.HOURS);

    @Test
    void probeBreakdownGroupsByOutcomeStatusCodeAndTargetAddingUpToTheTotal() {
        String app = registerApp("breakdown-probes", "prod", "eu");
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        int second = 0;
        for (int i = 0; i < 3; i++) {
            probe(app, prod, base.plusSeconds(second += 10), 100, "SUCCESS", 200);
        }
        for (int i = 0; i < 4; i++) {
            probe(app, prod, base.plusSeconds(second += 10), 40, "HTTP_STATUS", 503);
        }
        probe(app, prod, base.plusSeconds(second += 10), 3000, "TIMEOUT", null);
        probe(app, eu, base.plusSeconds(second += 10), 90, "SUCCESS", 200);
        probe(app, eu, base.plusSeconds(second += 10), 40, "HTTP_STATUS", 503);
        probe(app, eu, base.plusSeconds(second += 10), 40, "HTTP_STATUS", 204);
        probe(app, eu, base.plusSeconds(second += 10), 5, "CONNECT", null);

        JsonPath answer = breakdown(app, "availability_success_rate", PlatformTokens.admin());
        assertThat(answer.getLong("total")).isEqualTo(12);
        // 2xx: bad are 5 x 503, the timeout and the refused connection
        assertThat(answer.getLong("bad")).isEqualTo(7);
        assertThat(answer.getString("availabilityPolicy")).isEqualTo("2xx");
        assertThat(answer.getString("source")).isEqualTo("raw_events");
        assertThat(causes(answer)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "HTTP_STATUS 503 prod local", List.of(4L, 0L),
                "TIMEOUT prod local", List.of(1L, 0L),
                "SUCCESS 200 prod local", List.of(3L, 3L),
                "SUCCESS 200 eu local", List.of(1L, 1L),
                "HTTP_STATUS 503 eu local", List.of(1L, 0L),
                "HTTP_STATUS 204 eu local", List.of(1L, 1L),
                "CONNECT eu local", List.of(1L, 0L)));
        assertThat(answer.getMap("causes[0].dimensions")).containsEntry("outcome", "HTTP_STATUS")
                .containsEntry("statusCode", 503).containsEntry("target", "prod");
        assertThat(answer.getList("causes.count", Long.class).stream().mapToLong(Long::longValue).sum()).isEqualTo(12);

        JsonPath strict = given().auth().oauth2(PlatformTokens.admin()).queryParam("from", base.toString())
                .queryParam("to", end.toString()).queryParam("availabilityPolicy", "http-200")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/breakdown").then().statusCode(200)
                .extract().jsonPath();
        assertThat(strict.getLong("bad")).isEqualTo(8);
    }

    @Test
    void webhookLifecycleIframeAndVendorBreakdownsHaveTheirOwnCauses() {
        String app = registerApp("breakdown-events");
        int second = 0;
        for (int i = 0; i < 3; i++) {
            webhook(app, base.plusSeconds(second += 10), "JIRA", "jira:issue_created", 200, null, null);
        }
        webhook(app, base.plusSeconds(second += 10), "JIRA", "jira:issue_created", 500, null, null);
        webhook(app, base.plusSeconds(second += 10), "JIRA", "jira:issue_created", 500, null, null);
        webhook(app, base.plusSeconds(second += 10), "CONFLUENCE", "page_created", 201, null, null);
        webhook(app, base.plusSeconds(second += 10), "CONFLUENCE", "page_created", null, "TIMEOUT", null);
        JsonPath webhooks = breakdown(app, "webhook_delivery_success_rate", PlatformTokens.admin());
        assertThat(webhooks.getLong("total")).isEqualTo(7);
        assertThat(webhooks.getLong("bad")).isEqualTo(4);
        assertThat(causes(webhooks)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "jira jira:issue_created 200", List.of(3L, 3L),
                "jira jira:issue_created 500", List.of(2L, 0L),
                "confluence page_created 201", List.of(1L, 0L),
                "confluence page_created TIMEOUT", List.of(1L, 0L)));

        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, lifecycle) values"
                + " (?, 'LIFECYCLE', ?, 50, 200, 'INSTALLED'), (?, 'LIFECYCLE', ?, 50, 503, 'INSTALLED'),"
                + " (?, 'LIFECYCLE', ?, 50, 503, 'UPDATED')",
                app, Timestamp.from(base.plusSeconds(1)), app, Timestamp.from(base.plusSeconds(2)),
                app, Timestamp.from(base.plusSeconds(3)));
        JsonPath lifecycle = breakdown(app, "lifecycle_success_rate", PlatformTokens.admin());
        assertThat(causes(lifecycle)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "installed 200", List.of(1L, 1L), "installed 503", List.of(1L, 0L), "updated 503", List.of(1L, 0L)));
        JsonPath installed = given().auth().oauth2(PlatformTokens.admin()).queryParam("from", base.toString())
                .queryParam("to", end.toString()).queryParam("lifecycleScope", "installed")
                .get("/api/v1/apps/" + app + "/slis/lifecycle_success_rate/breakdown").then().statusCode(200)
                .extract().jsonPath();
        assertThat(installed.getLong("total")).isEqualTo(2);
        assertThat(installed.getString("lifecycleScope")).isEqualTo("installed");

        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded) values"
                + " (?, 'IFRAME_HOST', ?, 900, true), (?, 'IFRAME_HOST', ?, 800, true), (?, 'IFRAME_HOST', ?, 13000, true),"
                + " (?, 'IFRAME_HOST', ?, 12000, false)",
                app, Timestamp.from(base.plusSeconds(1)), app, Timestamp.from(base.plusSeconds(2)),
                app, Timestamp.from(base.plusSeconds(3)), app, Timestamp.from(base.plusSeconds(4)));
        assertThat(causes(breakdown(app, "iframe_load_success_rate", PlatformTokens.admin())))
                .containsExactlyInAnyOrderEntriesOf(Map.of("connected", List.of(2L, 2L), "late", List.of(1L, 0L),
                        "never", List.of(1L, 0L)));

        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded, check_name) values"
                + " (?, 'SYNTHETIC', ?, 100, true, 'login'), (?, 'SYNTHETIC', ?, 100, false, 'login'),"
                + " (?, 'SYNTHETIC', ?, 100, false, 'search')",
                app, Timestamp.from(base.plusSeconds(1)), app, Timestamp.from(base.plusSeconds(2)),
                app, Timestamp.from(base.plusSeconds(3)));
        assertThat(causes(breakdown(app, "synthetic_check_success_rate_app_server", PlatformTokens.admin())))
                .containsExactlyInAnyOrderEntriesOf(Map.of("login SUCCESS", List.of(1L, 1L),
                        "login FAIL", List.of(1L, 0L), "search FAIL", List.of(1L, 0L)));
    }

    @Test
    void sitesAreShownToTheAppsVendorAndAdminsOnly() {
        String app = registerApp("breakdown-sites");
        int second = 0;
        for (int i = 0; i < 3; i++) {
            webhook(app, base.plusSeconds(second += 10), "JIRA", "jira:issue_created", 503, null, "https://a.example");
        }
        webhook(app, base.plusSeconds(second += 10), "JIRA", "jira:issue_created", 503, null, "https://b.example");
        webhook(app, base.plusSeconds(second += 10), "JIRA", "jira:issue_created", 200, null, "https://b.example");

        for (String token : new String[] {PlatformTokens.admin(), PlatformTokens.vendor(app)}) {
            JsonPath seen = breakdown(app, "webhook_delivery_success_rate", token);
            assertThat(seen.getList("sites.site")).containsExactly("https://a.example", "https://b.example");
            assertThat(seen.getList("sites.bad", Long.class)).containsExactly(3L, 1L);
            assertThat(seen.getMap("causes[0].dimensions")).containsEntry("site", "https://a.example");
            assertThat(failures(app, "webhook_delivery_success_rate", 10, token).getList("failures.site"))
                    .containsExactly("https://b.example", "https://a.example", "https://a.example", "https://a.example");
        }
        JsonPath hidden = breakdown(app, "webhook_delivery_success_rate", PlatformTokens.statuspage());
        assertThat(hidden.getList("sites")).isNull();
        assertThat(hidden.getList("causes.dimensions.site")).allMatch(site -> site == null);
        assertThat(causes(hidden)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "jira jira:issue_created 503", List.of(4L, 0L), "jira jira:issue_created 200", List.of(1L, 1L)));
        assertThat(failures(app, "webhook_delivery_success_rate", 10, PlatformTokens.statuspage())
                .getList("failures.site")).allMatch(site -> site == null);
        given().auth().oauth2(PlatformTokens.vendor("some.other.app")).queryParam("from", base.toString())
                .queryParam("to", end.toString())
                .get("/api/v1/apps/" + app + "/slis/webhook_delivery_success_rate/breakdown").then().statusCode(403);
    }

    @Test
    void recentFailuresListTheLatestFailedEventsNewestFirst() {
        String app = registerApp("failures", "prod");
        long prod = targetId(app, "prod");
        probe(app, prod, base.plusSeconds(10), 3000, "TIMEOUT", null);
        probe(app, prod, base.plusSeconds(20), 100, "SUCCESS", 200);
        probe(app, prod, base.plusSeconds(30), 42, "HTTP_STATUS", 503);
        probe(app, prod, base.plusSeconds(40), 40, "HTTP_STATUS", 204);
        probe(app, prod, base.plusSeconds(50), 7, "CONNECT", null);
        webhook(app, base.plusSeconds(45), "JIRA", "jira:issue_updated", 500, null, null);

        JsonPath latest = failures(app, "availability_success_rate", 2, PlatformTokens.admin());
        assertThat(latest.getList("failures.outcome")).containsExactly("CONNECT", "HTTP_STATUS");
        assertThat(latest.getList("failures.time")).containsExactly(base.plusSeconds(50).toString(),
                base.plusSeconds(30).toString());
        assertThat(latest.getList("failures.target")).containsExactly("prod", "prod");
        assertThat(latest.getList("failures.durationMs", Integer.class)).containsExactly(7, 42);
        assertThat(latest.getInt("failures[1].statusCode")).isEqualTo(503);

        JsonPath strict = given().auth().oauth2(PlatformTokens.admin()).queryParam("sli", "availability_success_rate")
                .queryParam("availabilityPolicy", "http-200")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath();
        assertThat(strict.getList("failures.statusCode")).containsExactly(null, 204, 503, null);

        JsonPath all = given().auth().oauth2(PlatformTokens.admin()).queryParam("limit", "3")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath();
        assertThat(all.getList("failures.sli")).containsExactly("availability_success_rate",
                "webhook_delivery_success_rate", "availability_success_rate");
        given().auth().oauth2(PlatformTokens.admin()).queryParam("limit", "0")
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(400);
    }

    @Test
    void aBreakdownOlderThanTheRawEventsComesFromTheRollupsAndRawEventsOfItAreRefused() {
        String app = registerApp("breakdown-old");
        given().auth().oauth2(PlatformTokens.admin()).queryParam("window", "60d")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/breakdown").then().statusCode(200)
                .body("source", org.hamcrest.Matchers.equalTo("rollups"));
        given().auth().oauth2(PlatformTokens.admin()).queryParam("window", "60d").queryParam("source", "raw_events")
                .get("/api/v1/apps/" + app + "/slis/availability_success_rate/breakdown").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("raw events are kept 40 days"));
    }

    /** Each cause as its dimension values but the site joined by spaces, to its count and good. */
    static Map<String, List<Long>> causes(JsonPath answer) {
        return causes(answer, (String[]) null);
    }

    /** The causes merged on the named dimensions only (every one but the site with none named), as {@link #causes(JsonPath)}. */
    static Map<String, List<Long>> causes(JsonPath answer, String... kept) {
        Map<String, List<Long>> causes = new HashMap<>();
        List<Map<String, Object>> all = answer.getList("causes");
        for (Map<String, Object> cause : all) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dimensions = (Map<String, Object>) cause.get("dimensions");
            String key = String.join(" ", dimensions.entrySet().stream()
                    .filter(entry -> kept == null ? !entry.getKey().equals("site") : List.of(kept).contains(entry.getKey()))
                    .map(entry -> String.valueOf(entry.getValue())).toList());
            causes.merge(key, List.of(((Number) cause.get("count")).longValue(), ((Number) cause.get("good")).longValue()),
                    (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
        }
        return causes;
    }

    private JsonPath breakdown(String app, String sli, String token) {
        return given().auth().oauth2(token).queryParam("from", base.toString()).queryParam("to", end.toString())
                .get("/api/v1/apps/" + app + "/slis/" + sli + "/breakdown").then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath failures(String app, String sli, int limit, String token) {
        return given().auth().oauth2(token).queryParam("sli", sli).queryParam("limit", limit)
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath();
    }

    /** One webhook delivery as event-ingest records it. */
    static void webhook(String app, Instant at, String product, String event, Integer statusCode,
            String errorKind, String site) {
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, queue_ms, status_code, error_kind,"
                + " product, webhook_event, site) values (?, 'WEBHOOK', ?, 120, 5, ?, ?, ?, ?, ?)",
                app, Timestamp.from(at), statusCode, errorKind, product, event, site);
    }
}
