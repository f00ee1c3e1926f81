package io.rampart.sli.export.statuspage;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.rampart.sli.ProductionRules;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import static io.rampart.sli.TestData.registerApp;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * With the production rules: the Statuspage API is reached over https only, and the sealed key is
 * sent to no host but the one it was given for (a new base URL needs the key again).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(ProductionRules.class)
class StatuspageKeyScopeTest {

    private static final String METRICS = "\"metrics\": {\"availability_success_rate\": \"m1\"}";

    @Test
    void aPlainHttpBaseUrlIsRefused() {
        String app = registerApp("statuspage-https");
        put(app, "{\"apiBaseUrl\": \"http://statuspage.example\", \"pageId\": \"p1\", \"apiKey\": \"k1\", "
                + METRICS + "}").statusCode(400)
                .body("detail", equalTo("apiBaseUrl: an absolute https URL without credentials, query or fragment"));
    }

    @Test
    void theKeyMustBeGivenAgainWhenTheBaseUrlChanges() {
        String app = registerApp("statuspage-key-scope");
        put(app, "{\"apiBaseUrl\": \"https://statuspage.example\", \"pageId\": \"p1\", \"apiKey\": \"k1\", "
                + METRICS + "}").statusCode(200);
        // The same host keeps the stored key.
        put(app, "{\"apiBaseUrl\": \"https://statuspage.example/\", \"pageId\": \"p2\", " + METRICS + "}")
                .statusCode(200).body("pageId", equalTo("p2"));
        put(app, "{\"apiBaseUrl\": \"https://collector.example\", \"pageId\": \"p2\", " + METRICS + "}")
                .statusCode(400).body("detail", equalTo("apiKey: required again when apiBaseUrl changes"));
        // Leaving the base URL out means the default one: a change too.
        put(app, "{\"pageId\": \"p2\", " + METRICS + "}")
                .statusCode(400).body("detail", equalTo("apiKey: required again when apiBaseUrl changes"));
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/statuspage").then()
                .statusCode(200).body("apiBaseUrl", equalTo("https://statuspage.example"));
        put(app, "{\"apiBaseUrl\": \"https://collector.example\", \"pageId\": \"p2\", \"apiKey\": \"k2\", "
                + METRICS + "}").statusCode(200).body("apiBaseUrl", equalTo("https://collector.example"));
    }

    private static ValidatableResponse put(String app, String body) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body)
                .put("/api/v1/apps/" + app + "/statuspage").then();
    }
}
