package io.rampart.sli.status;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.rampart.sli.ProductionRules;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A public status page cannot be used to flood the database: a built page is served from the cache
 * for its app and range, and anonymous views are limited per client address (429 with Retry-After).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(ProductionRules.class)
class StatusPageFloodTest {

    @Test
    void aBuiltPageIsServedFromTheCacheAndAnonymousViewsAreLimitedPerAddress() {
        String app = registerApp("status-flood", "prod");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"statusPagePublic\": true}").patch("/api/v1/apps/" + app).then().statusCode(200);
        long target = targetId(app, "prod");
        probe(app, target, Instant.now().minus(10, ChronoUnit.MINUTES), 100, "SUCCESS", 200);

        String first = given().get("/status/" + app).then().statusCode(200).extract().asString();
        // A failed check after the page was built: the cached page does not show it yet ...
        probe(app, target, Instant.now().minus(5, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        assertThat(given().get("/status/" + app).then().statusCode(200).extract().asString()).isEqualTo(first);
        // ... nor to a signed-in visitor (the same built page, with the sign-out button).
        assertThat(given().cookie("rampart_status", PlatformTokens.admin()).get("/status/" + app)
                .then().statusCode(200).extract().asString()).contains("data-value=\"100.0\"")
                .doesNotContain("data-value=\"50.0\"");
        // Another range is another page.
        assertThat(given().get("/status/" + app + "?range=week").then().statusCode(200).extract().asString())
                .contains("data-value=\"50.0\"");

        int allowed = 3;
        Response refused = null;
        while (refused == null && allowed < 200) {
            Response answer = given().redirects().follow(false).get("/status/" + app);
            if (answer.statusCode() == 429) {
                refused = answer;
            } else {
                assertThat(answer.statusCode()).isEqualTo(200);
                allowed++;
            }
        }
        assertThat(refused).as("a refusal after 60 anonymous views").isNotNull();
        assertThat(allowed).isEqualTo(60);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(refused.asString()).contains("Too many views");
        // A signed-in visitor is not an anonymous view.
        given().cookie("rampart_status", PlatformTokens.vendor(app)).get("/status/" + app).then().statusCode(200);
    }
}
