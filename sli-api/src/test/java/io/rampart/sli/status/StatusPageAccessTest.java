package io.rampart.sli.status;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;

/** Who may open a status page: the SLI API's rules, carried by the sign-in cookie; public pages for anyone. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StatusPageAccessTest {

    private static final String COOKIE = "rampart_status";

    /** The origin a browser names on a form sent from one of this service's own pages. */
    static String ownOrigin() {
        return "http://localhost:" + io.restassured.RestAssured.port;
    }

    @Test
    void anAnonymousVisitorOfAPrivatePageIsSentToSignIn() {
        String app = registerApp("status-private", "prod");
        given().redirects().follow(false).get("/status/" + app).then().statusCode(303)
                .header("Location", endsWith("/status/sign-in?app=" + app));
        given().get("/status/sign-in?app=" + app).then().statusCode(200)
                .body(containsString("<label for=\"token\">Platform token</label>"));
    }

    @Test
    void signingInSetsASecureHttpOnlyStrictCookieAndRedirectsWithoutTheToken() {
        String app = registerApp("status-sign-in", "prod");
        String token = PlatformTokens.vendor(app);
        Response answer = given().redirects().follow(false).contentType(ContentType.URLENC).header("Origin", ownOrigin())
                .formParam("token", token).formParam("app", app).post("/status/sign-in");
        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.header("Location")).endsWith("/status/" + app).doesNotContain(token);
        String setCookie = answer.header("Set-Cookie");
        assertThat(setCookie).startsWith(COOKIE + "=" + token).contains("Secure", "HttpOnly", "SameSite=Strict",
                "Path=/status");
        given().cookie(COOKIE, token).get("/status/" + app).then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Cache-Control", "no-store")
                .body(containsString("App availability success rate"));
    }

    @Test
    void aTokenThatDoesNotVerifyOrMayNotReadSlisSetsNoCookie() {
        String app = registerApp("status-bad-token", "prod");
        given().contentType(ContentType.URLENC).header("Origin", ownOrigin())
                .formParam("token", PlatformTokens.untrusted(Set.of("admin")))
                .formParam("app", app).post("/status/sign-in")
                .then().statusCode(401).header("Set-Cookie", org.hamcrest.Matchers.nullValue())
                .body(containsString("not a valid platform token"));
        given().contentType(ContentType.URLENC).header("Origin", ownOrigin())
                .formParam("token", PlatformTokens.host()).formParam("app", app)
                .post("/status/sign-in")
                .then().statusCode(403).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void aVendorCannotOpenAnotherAppsPageNorLearnWhetherItExists() {
        String own = registerApp("status-own", "prod");
        String other = registerApp("status-other", "prod");
        String vendor = PlatformTokens.vendor(own);
        given().cookie(COOKIE, vendor).get("/status/" + other).then().statusCode(403)
                .body(containsString("Not your app"), not(containsString("App availability success rate")));
        given().cookie(COOKIE, vendor).get("/status/" + uniqueAppKey("status-missing")).then().statusCode(403);
        given().cookie(COOKIE, PlatformTokens.admin()).get("/status/" + uniqueAppKey("status-missing"))
                .then().statusCode(404);
        given().cookie(COOKIE, PlatformTokens.statuspage()).get("/status/" + other).then().statusCode(200);
    }

    @Test
    void aPublicPageIsReadableWithoutSignIn() {
        String app = registerApp("status-public", "prod");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"statusPagePublic\": true}").patch("/api/v1/apps/" + app).then().statusCode(200);
        given().redirects().follow(false).get("/status/" + app).then().statusCode(200)
                .body(containsString("App availability success rate"), not(containsString("Sign out")));
    }

    @Test
    void thePageNamesTheReadRulesOfItsFigures() {
        String app = registerApp("status-rules", "prod");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"statusPagePublic\": true, \"availabilityPolicy\": \"http-200\", \"lifecycleScope\": \"installed\"}")
                .patch("/api/v1/apps/" + app).then().statusCode(200);
        given().redirects().follow(false).get("/status/" + app).then().statusCode(200)
                .body(containsString("Availability policy http-200 · lifecycle scope installed · webhook policy normalized"));
    }

    @Test
    void aCookieWhoseTokenNoLongerVerifiesReadsAsSignedOut() {
        String app = registerApp("status-stale", "prod");
        given().redirects().follow(false).cookie(COOKIE, PlatformTokens.untrusted(Set.of("admin")))
                .get("/status/" + app).then().statusCode(303);
    }

    @Test
    void signingOutClearsTheCookie() {
        String app = registerApp("status-sign-out", "prod");
        String setCookie = given().redirects().follow(false).contentType(ContentType.URLENC).header("Origin", ownOrigin())
                .formParam("app", app).post("/status/sign-out").then().statusCode(303).extract().header("Set-Cookie");
        assertThat(setCookie).startsWith(COOKIE + "=;").contains("Max-Age=0");
    }

    @Test
    void theChartLibraryIsServedByTheServiceItself() {
        given().get("/webjars/uplot/dist/uPlot.iife.min.js").then().statusCode(200)
                .body(containsString("uPlot"));
        given().get("/status-assets/status-page.js").then().statusCode(200);
    }
}
