package io.rampart.sli.api;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Who may do what: admin everything, vendor only its apps' SLIs, statuspage every app's SLIs, no token 401. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AccessMatrixTest {

    private String own;
    private String other;

    @BeforeEach
    void registerTwoApps() {
        own = registerApp("access-own", "prod");
        other = registerApp("access-other", "prod");
    }

    private static RequestSpecification as(String token) {
        return token == null ? given() : given().auth().oauth2(token);
    }

    private void expect(String token, int registryRead, int registryWrite, int ownSlis, int otherSlis) {
        as(token).get("/api/v1/apps").then().statusCode(registryRead);
        as(token).get("/api/v1/apps/" + own).then().statusCode(registryRead);
        as(token).contentType(ContentType.JSON).body("{\"name\": \"renamed\"}").patch("/api/v1/apps/" + own)
                .then().statusCode(registryWrite);
        as(token).post("/api/v1/apps/" + own + "/shared-secret/rotate").then().statusCode(registryWrite);
        as(token).get("/api/v1/apps/" + own + "/slis").then().statusCode(ownSlis);
        as(token).get("/api/v1/apps/" + own + "/slis/availability_success_rate/series").then().statusCode(ownSlis);
        as(token).get("/api/v1/apps/" + other + "/slis").then().statusCode(otherSlis);
        as(token).get("/api/v1/apps/" + other + "/slis/webhook_latency/series").then().statusCode(otherSlis);
    }

    @Test
    void adminMayDoEverything() {
        expect(PlatformTokens.admin(), 200, 200, 200, 200);
    }

    @Test
    void vendorReadsOnlyTheSlisOfItsOwnApps() {
        expect(PlatformTokens.vendor(own), 403, 403, 200, 403);
        expect(PlatformTokens.vendor(own, other), 403, 403, 200, 200);
    }

    @Test
    void vendorGets403NotA404ForAnAppOutsideItsClaim() {
        as(PlatformTokens.vendor(own)).get("/api/v1/apps/" + uniqueAppKey("absent") + "/slis").then().statusCode(403)
                .body("error", equalTo("forbidden"));
        String absentButClaimed = uniqueAppKey("claimed");
        as(PlatformTokens.vendor(absentButClaimed)).get("/api/v1/apps/" + absentButClaimed + "/slis").then().statusCode(404);
    }

    @Test
    void statuspageReadsEveryAppsSlisAndNothingElse() {
        expect(PlatformTokens.statuspage(), 403, 403, 200, 200);
        as(PlatformTokens.statuspage()).contentType(ContentType.JSON).body("{\"appKey\": \"x.y\", \"name\": \"x\"}")
                .post("/api/v1/apps").then().statusCode(403);
    }

    @Test
    void otherGroupsAreRefused() {
        expect(PlatformTokens.host(), 403, 403, 403, 403);
    }

    @Test
    void noOrUntrustedTokenIs401WithAJsonError() {
        expect(null, 401, 401, 401, 401);
        expect(PlatformTokens.untrusted(Set.of("admin")), 401, 401, 401, 401);
        // The trusted issuer's admin token, minted for no audience or for another service.
        expect(PlatformTokens.token("test-admin", Set.of("admin"), Set.of(), Set.of()), 401, 401, 401, 401);
        expect(PlatformTokens.token("test-admin", Set.of("admin"), Set.of(), Set.of("billing")), 401, 401, 401, 401);
        as(null).get("/api/v1/apps").then().statusCode(401).contentType(ContentType.JSON)
                .body("error", equalTo("unauthorized"));
    }
}
