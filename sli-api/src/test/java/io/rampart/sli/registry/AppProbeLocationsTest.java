package io.rampart.sli.registry;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * An app's probe locations and quorum rule given with the app (POST, PATCH): shown in the app's
 * answers and in {@code GET .../probe-locations}, refused as that PUT refuses them.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AppProbeLocationsTest {

    private static ValidatableResponse create(String body) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body)
                .post("/api/v1/apps").then();
    }

    private static ValidatableResponse patch(String appKey, String body) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body)
                .patch("/api/v1/apps/" + appKey).then();
    }

    private static ValidatableResponse app(String appKey) {
        return given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200);
    }

    private static ValidatableResponse locations(String appKey) {
        return given().auth().oauth2(PlatformTokens.vendor(appKey)).get("/api/v1/apps/" + appKey + "/probe-locations")
                .then().statusCode(200);
    }

    private static String newApp(String appKey, String extra) {
        return "{\"appKey\": \"" + appKey + "\", \"name\": \"Timesheets\"" + extra + "}";
    }

    @Test
    void locationsAndRuleGivenOnCreationAreShownByTheAppAndByItsProbeLocations() {
        String appKey = uniqueAppKey("locpost");
        create(newApp(appKey, ", \"probeLocations\": [\"eu-west\", \"us-east\"], \"quorum\": \"all\"")).statusCode(201)
                .body("probeLocations", equalTo(List.of("eu-west", "us-east"))).body("quorum", equalTo("all"));
        app(appKey).body("probeLocations", equalTo(List.of("eu-west", "us-east"))).body("quorum", equalTo("all"));
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps").then().statusCode(200)
                .body("find { it.appKey == '" + appKey + "' }.probeLocations", equalTo(List.of("eu-west", "us-east")));
        locations(appKey).body("probeLocations", equalTo(List.of("eu-west", "us-east"))).body("quorum", equalTo("all"));
    }

    @Test
    void withoutThemAnAppIsProbedFromEveryLiveLocationUnderTheQuorumRule() {
        String appKey = uniqueAppKey("locdefault");
        create(newApp(appKey, "")).statusCode(201).body("$", hasKey("probeLocations"))
                .body("probeLocations", nullValue()).body("quorum", equalTo("quorum"));
        app(appKey).body("$", hasKey("probeLocations")).body("probeLocations", nullValue()).body("quorum", equalTo("quorum"));
        locations(appKey).body("probeLocations", nullValue()).body("quorum", equalTo("quorum"));
    }

    @Test
    void patchChangesTheGivenOneAndKeepsTheAbsentOne() {
        String appKey = uniqueAppKey("locpatch");
        create(newApp(appKey, ", \"probeLocations\": [\"eu-west\"]")).statusCode(201);

        patch(appKey, "{\"quorum\": \"any\"}").statusCode(200)
                .body("probeLocations", equalTo(List.of("eu-west"))).body("quorum", equalTo("any"));
        patch(appKey, "{\"probeLocations\": [\"us-east\", \"ap-south\"]}").statusCode(200)
                .body("probeLocations", equalTo(List.of("us-east", "ap-south"))).body("quorum", equalTo("any"));
        app(appKey).body("probeLocations", equalTo(List.of("us-east", "ap-south"))).body("quorum", equalTo("any"));
        locations(appKey).body("probeLocations", equalTo(List.of("us-east", "ap-south"))).body("quorum", equalTo("any"));

        // absent and null are one on PATCH: the list stays; the probe-locations PUT is what clears it
        String updatedAt = app(appKey).extract().path("updatedAt");
        patch(appKey, "{\"probeLocations\": null, \"quorum\": null}").statusCode(200)
                .body("probeLocations", equalTo(List.of("us-east", "ap-south"))).body("quorum", equalTo("any"))
                .body("updatedAt", equalTo(updatedAt));
        given().auth().oauth2(PlatformTokens.vendor(appKey)).contentType(ContentType.JSON)
                .body("{\"probeLocations\": null, \"quorum\": \"any\"}")
                .put("/api/v1/apps/" + appKey + "/probe-locations").then().statusCode(200);
        app(appKey).body("$", hasKey("probeLocations")).body("probeLocations", nullValue()).body("quorum", equalTo("any"))
                .body("updatedAt", not(equalTo(updatedAt)));
    }

    @Test
    void aLocationChangeMadeByTheProbeLocationsPutShowsInTheApp() {
        String appKey = uniqueAppKey("locput");
        create(newApp(appKey, "")).statusCode(201);
        given().auth().oauth2(PlatformTokens.vendor(appKey)).contentType(ContentType.JSON)
                .body("{\"probeLocations\": [\"north\"], \"quorum\": \"all\"}")
                .put("/api/v1/apps/" + appKey + "/probe-locations").then().statusCode(200);
        app(appKey).body("probeLocations", equalTo(List.of("north"))).body("quorum", equalTo("all"));
    }

    /** Bad values, each refused on POST and PATCH with the field and why, as the probe-locations PUT refuses them. */
    private static final Map<String, String> BAD = Map.of(
            "\"probeLocations\": []", "probeLocations: null, or 1 to 16 distinct names",
            "\"probeLocations\": [\"east\", \"east\"]", "probeLocations: null, or 1 to 16 distinct names",
            "\"probeLocations\": [\"east west\"]", "probeLocations: null, or 1 to 16 distinct names",
            "\"probeLocations\": [null]", "probeLocations: null, or 1 to 16 distinct names",
            "\"probeLocations\": [\"l1\", \"l2\", \"l3\", \"l4\", \"l5\", \"l6\", \"l7\", \"l8\", \"l9\", \"l10\", \"l11\","
                    + " \"l12\", \"l13\", \"l14\", \"l15\", \"l16\", \"l17\"]", "probeLocations: null, or 1 to 16 distinct names",
            "\"quorum\": \"most\"", "quorum: one of any, quorum, all",
            "\"quorum\": \"ALL\"", "quorum: one of any, quorum, all");

    @Test
    void badValuesAre400NamingTheFieldAndWhyAndChangeNothing() {
        String appKey = uniqueAppKey("locbad");
        create(newApp(appKey, ", \"probeLocations\": [\"eu-west\"], \"quorum\": \"all\"")).statusCode(201);
        Map<String, Object> before = query("select probe_locations::text as locations, quorum, updated_at from app where app_key = ?",
                appKey);
        BAD.forEach((field, why) -> {
            String name = why.substring(0, why.indexOf(':'));
            String refused = uniqueAppKey("locrefused");
            create(newApp(refused, ", " + field)).statusCode(400)
                    .body("error", equalTo("bad_request")).body("field", equalTo(name))
                    .body("detail", startsWith(why));
            given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + refused).then().statusCode(404);

            patch(appKey, "{\"name\": \"Renamed\", " + field + "}").statusCode(400)
                    .body("error", equalTo("bad_request")).body("field", equalTo(name))
                    .body("detail", startsWith(why));
            given().auth().oauth2(PlatformTokens.vendor(appKey)).contentType(ContentType.JSON).body("{" + field + "}")
                    .put("/api/v1/apps/" + appKey + "/probe-locations").then().statusCode(400)
                    .body("field", equalTo(name)).body("detail", startsWith(why));
        });
        assertThat(query("select probe_locations::text as locations, quorum, updated_at from app where app_key = ?", appKey))
                .isEqualTo(before);
        app(appKey).body("name", equalTo("Timesheets")).body("probeLocations", equalTo(List.of("eu-west")))
                .body("quorum", equalTo("all"));
    }
}
