package io.rampart.sli.fleet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The fleet by error budget: the same figures as each app's summary, its order, its filters and its pages. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class FleetSlisTest {

    private final Instant hourAgo = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.HOURS);

    private static JsonPath fleet(String query) {
        return given().auth().oauth2(PlatformTokens.statuspage()).get("/api/v1/fleet/slis?" + query)
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void fleetAnswerEqualsThePerAppAnswersForTheSameWindow() {
        String prefix = FleetTesting.prefix("equal");
        List<String> apps = new ArrayList<>();
        int[][] traffic = {{200, 0, 100, 0}, {200, 3, 100, 1}, {200, 1, 100, 5}, {0, 0, 0, 0}};
        for (int i = 0; i < traffic.length; i++) {
            String app = FleetTesting.register(prefix, "app" + i);
            apps.add(app);
            FleetTesting.probes(app, hourAgo, traffic[i][0], traffic[i][1]);
            FleetTesting.lifecycle(app, hourAgo, traffic[i][2], traffic[i][3]);
        }
        JsonPath fleet = fleet("prefix=" + prefix);
        List<Map<String, Object>> items = fleet.getList("items");
        assertThat(items).extracting(item -> item.get("appKey")).containsExactlyInAnyOrderElementsOf(apps);
        List<Double> budgets = new ArrayList<>();
        for (Map<String, Object> item : items) {
            String appKey = (String) item.get("appKey");
            JsonPath own = given().auth().oauth2(PlatformTokens.admin()).queryParam("from", fleet.getString("from"))
                    .queryParam("to", fleet.getString("to")).get("/api/v1/apps/" + appKey + "/slis")
                    .then().statusCode(200).extract().jsonPath();
            assertThat(item.get("slis")).as(appKey).isEqualTo(own.getList("slis"));
            assertThat(item.get("openIncidents")).isEqualTo(0);
            budgets.add(leastBudget(own.getList("slis")));
        }
        // lowest budget first; an app without figures last
        assertThat(budgets).isSortedAccordingTo(Comparator.nullsLast(Comparator.naturalOrder()));
        assertThat(items.get(items.size() - 1).get("appKey")).isEqualTo(apps.get(3));
        assertThat(items.get(0).get("appKey")).isEqualTo(apps.get(1));
    }

    @Test
    void adjustmentsApplyToTheFleetAsToEachAppsOwnAnswer() {
        String prefix = FleetTesting.prefix("adjusted");
        // maintenance over the minute of its failures
        String maintained = FleetTesting.register(prefix, "maintained");
        FleetTesting.lifecycle(maintained, hourAgo, 100, 30);
        FleetTesting.probes(maintained, hourAgo, 100, 0);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("start", hourAgo.toString(), "end", hourAgo.plusSeconds(60).toString(), "reason", "upgrade"))
                .post("/api/v1/apps/" + maintained + "/maintenance").then().statusCode(201);
        // a platform fault of its lifecycle callbacks only, over the minute of their failures
        String faulted = FleetTesting.register(prefix, "faulted");
        FleetTesting.lifecycle(faulted, hourAgo, 200, 20);
        FleetTesting.probes(faulted, hourAgo, 100, 0);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("kind", "platform_fault", "appKeys", List.of(faulted), "slis", List.of("lifecycle_success_rate"),
                        "start", hourAgo.toString(), "end", hourAgo.plusSeconds(60).toString(), "reason", "Atlassian outage"))
                .post("/api/v1/adjustments").then().statusCode(201);
        String plain = FleetTesting.register(prefix, "plain");
        FleetTesting.lifecycle(plain, hourAgo, 100, 2);

        for (String adjustments : new String[] {null, "none"}) {
            JsonPath fleet = fleet("prefix=" + prefix + (adjustments == null ? "" : "&adjustments=" + adjustments));
            for (Map<String, Object> item : fleet.<Map<String, Object>>getList("items")) {
                var own = given().auth().oauth2(PlatformTokens.admin()).queryParam("from", fleet.getString("from"))
                        .queryParam("to", fleet.getString("to"));
                if (adjustments != null) {
                    own.queryParam("adjustments", adjustments);
                }
                assertThat(item.get("slis")).as(item.get("appKey") + " adjustments=" + adjustments)
                        .isEqualTo(own.get("/api/v1/apps/" + item.get("appKey") + "/slis").then().statusCode(200)
                                .extract().jsonPath().getList("slis"));
            }
        }
        // the adjusted fleet leaves the maintained minute out: no failure left, so it ranks last;
        // without adjustments it is the worst
        JsonPath adjusted = fleet("prefix=" + prefix);
        assertThat(adjusted.getList("items.appKey")).containsExactly(plain, faulted, maintained);
        assertThat(adjusted.getInt("items[2].slis.find { it.id == 'lifecycle_success_rate' }.good")).isEqualTo(40);
        assertThat(adjusted.getInt("items[1].slis.find { it.id == 'lifecycle_success_rate' }.total")).isEqualTo(140);
        assertThat(adjusted.getInt("items[1].slis.find { it.id == 'availability_success_rate' }.total")).isEqualTo(100);
        assertThat(fleet("prefix=" + prefix + "&adjustments=none").getList("items.appKey"))
                .containsExactly(maintained, faulted, plain);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/slis?adjustments=all").then().statusCode(400);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/compliance?adjustments=all").then().statusCode(400);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + plain + "/compliance?adjustments=all")
                .then().statusCode(400);

        // compliance reads the same figures
        Map<String, Object> row = compliance(prefix, maintained, null);
        assertThat(row).containsEntry("good", 40).containsEntry("total", 40).containsEntry("attainment", "met");
        assertThat(compliance(prefix, maintained, "none")).containsEntry("good", 70).containsEntry("total", 100)
                .containsEntry("attainment", "missed");
    }

    /** The 28-day compliance row of the app's lifecycle callbacks. */
    private static Map<String, Object> compliance(String prefix, String appKey, String adjustments) {
        return given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/compliance?window=28d"
                        + (adjustments == null ? "" : "&adjustments=" + adjustments))
                .then().statusCode(200).extract().jsonPath()
                .getMap("items.find { it.appKey == '" + appKey + "' && it.sli == 'lifecycle_success_rate' }");
    }

    @Test
    void filtersNarrowTheFleetAndSortByTheNamedSli() {
        String prefix = FleetTesting.prefix("filters");
        String healthy = FleetTesting.register(prefix, "healthy");
        String failingProbes = FleetTesting.register(prefix, "probes");
        String failingLifecycle = FleetTesting.register(prefix, "lifecycle");
        FleetTesting.probes(healthy, hourAgo, 100, 0);
        FleetTesting.lifecycle(healthy, hourAgo, 100, 0);
        FleetTesting.probes(failingProbes, hourAgo, 100, 10);
        FleetTesting.lifecycle(failingProbes, hourAgo, 100, 0);
        FleetTesting.probes(failingLifecycle, hourAgo, 100, 0);
        FleetTesting.lifecycle(failingLifecycle, hourAgo, 100, 50);

        assertThat(fleet("prefix=" + prefix + "&belowSlo=true").getList("items.appKey"))
                .containsExactly(failingProbes, failingLifecycle);
        JsonPath bySli = fleet("prefix=" + prefix + "&sli=availability_success_rate");
        assertThat(bySli.getList("items.appKey")).first().isEqualTo(failingProbes);
        assertThat(bySli.getList("items[0].slis.id")).containsExactly("availability_success_rate");
        assertThat(fleet("prefix=" + prefix + "&sli=availability_success_rate&belowSlo=true").getList("items.appKey"))
                .containsExactly(failingProbes);
        assertThat(fleet("prefix=" + prefix + "&product=confluence").getList("items")).isEmpty();
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/slis?sli=no_such_sli").then().statusCode(400);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/slis?cursor=garbage").then().statusCode(400);
    }

    @Test
    void pagesNeitherSkipNorRepeatAnAppWhileEventsKeepArriving() {
        String prefix = FleetTesting.prefix("pages");
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String app = FleetTesting.register(prefix, "app" + i);
            apps.add(app);
            FleetTesting.lifecycle(app, hourAgo, 100, i);
        }
        List<String> seen = new ArrayList<>();
        JsonPath page = fleet("prefix=" + prefix + "&limit=2");
        int round = 0;
        while (true) {
            seen.addAll(page.getList("items.appKey"));
            // events arrive between pages and turn the ranking upside down: the best app so far
            // becomes the worst, and the apps already answered recover
            String best = apps.get(round % apps.size());
            FleetTesting.lifecycle(best, hourAgo.plusSeconds(600 + round), 100, 90);
            FleetTesting.lifecycle(apps.get(apps.size() - 1 - round % apps.size()), hourAgo.plusSeconds(1200 + round), 1000, 0);
            round++;
            String next = page.getString("next");
            if (next == null) {
                break;
            }
            page = fleet("prefix=" + prefix + "&limit=2&cursor=" + next);
        }
        assertThat(seen).hasSize(apps.size());
        assertThat(new HashSet<>(seen)).isEqualTo(Set.copyOf(apps));
        assertThat(round).isEqualTo(4);
        // the cursor belongs to its filters
        String next = fleet("prefix=" + prefix + "&limit=2").getString("next");
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/slis?limit=2&cursor=" + next).then().statusCode(400);
    }

    @Test
    void vendorsMayNotReadTheFleet() {
        String prefix = FleetTesting.prefix("vendor");
        String own = FleetTesting.register(prefix, "own");
        String other = FleetTesting.register(prefix, "other");
        given().auth().oauth2(PlatformTokens.vendor(own)).get("/api/v1/fleet/slis").then().statusCode(403);
        given().auth().oauth2(PlatformTokens.vendor(own)).get("/api/v1/fleet/compliance").then().statusCode(403);
        given().auth().oauth2(PlatformTokens.vendor(own)).get("/api/v1/apps/" + own + "/compliance").then().statusCode(200);
        given().auth().oauth2(PlatformTokens.vendor(own)).get("/api/v1/apps/" + other + "/compliance").then().statusCode(403);
        given().get("/api/v1/fleet/slis").then().statusCode(401);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/compliance").then().statusCode(200);
    }

    @SuppressWarnings("unchecked")
    private static Double leastBudget(List<Map<String, Object>> slis) {
        Double least = null;
        for (Map<String, Object> sli : slis) {
            Map<String, Object> slo = (Map<String, Object>) sli.get("slo");
            if (slo != null && slo.get("errorBudgetRemaining") != null) {
                double budget = ((Number) slo.get("errorBudgetRemaining")).doubleValue();
                least = least == null ? budget : Math.min(least, budget);
            }
        }
        return least;
    }
}
