package io.rampart.sli.status;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.api.HumanPages;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.status.StatusPageAccessTest.ownOrigin;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.nullValue;

/**
 * The sign-in cookie: set only by a form sent from the service's own page (strict Origin check,
 * the CSRF defence), kept by the browser at most 12 hours, and a credential only on the human
 * pages, never on the API.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SignInProtectionTest {

    private static final String COOKIE = "rampart_status";

    @Test
    void aSignInFormSentFromAnotherSiteOrWithoutOriginSetsNoCookie() {
        String app = registerApp("sign-in-csrf", "prod");
        for (String origin : new String[] {"https://evil.example", "null", "http://localhost.evil.example", null}) {
            RequestSpecification form = given().redirects().follow(false).contentType(ContentType.URLENC)
                    .formParam("token", PlatformTokens.admin()).formParam("app", app);
            if (origin != null) {
                form.header("Origin", origin);
            }
            form.post("/status/sign-in").then().statusCode(403).header("Set-Cookie", nullValue())
                    .body(containsString("not sent from this site"));
        }
        // Nor can another site sign a browser out.
        given().redirects().follow(false).contentType(ContentType.URLENC).header("Origin", "https://evil.example")
                .formParam("app", app).post("/status/sign-out").then().statusCode(403).header("Set-Cookie", nullValue());
    }

    @Test
    void theCookieOfALongLivedTokenLastsAtMost12Hours() {
        String app = registerApp("sign-in-12h", "prod");
        String token = PlatformTokens.token("long-lived", Set.of("vendor"), Set.of(app), Duration.ofDays(2));
        Response answer = given().redirects().follow(false).contentType(ContentType.URLENC).header("Origin", ownOrigin())
                .formParam("token", token).formParam("app", app).post("/status/sign-in");
        assertThat(answer.statusCode()).isEqualTo(303);
        Matcher maxAge = Pattern.compile("Max-Age=(\\d+)").matcher(answer.header("Set-Cookie"));
        assertThat(maxAge.find()).isTrue();
        assertThat(Long.parseLong(maxAge.group(1))).isBetween(Duration.ofHours(12).toSeconds() - 60,
                Duration.ofHours(12).toSeconds());
    }

    @Test
    void theCookieIsACredentialOnTheHumanPagesOnlyNeverOnTheApi() {
        String app = registerApp("sign-in-scope", "prod");
        String admin = PlatformTokens.admin();
        given().cookie(COOKIE, admin).get("/status/" + app).then().statusCode(200);
        given().cookie(COOKIE, admin).get("/api/v1/apps/" + app).then().statusCode(401);
        given().cookie(COOKIE, admin).get("/api/v1/apps/" + app + "/slis").then().statusCode(401);
        given().cookie(COOKIE, admin).contentType(ContentType.JSON).body("{\"name\": \"taken over\"}")
                .patch("/api/v1/apps/" + app).then().statusCode(401);
        // The API's own credential still works, whatever cookie comes with it.
        given().auth().oauth2(admin).cookie(COOKIE, PlatformTokens.untrusted(Set.of("admin")))
                .get("/api/v1/apps/" + app).then().statusCode(200);

        assertThat(HumanPages.contains("/status")).isTrue();
        assertThat(HumanPages.contains("/status/com.acme.timesheets")).isTrue();
        assertThat(HumanPages.contains("/fleet")).isTrue();
        assertThat(HumanPages.contains("/statusx")).isFalse();
        assertThat(HumanPages.contains("/api/v1/apps")).isFalse();
        assertThat(HumanPages.contains("/api/status")).isFalse();
        assertThat(HumanPages.contains("/")).isFalse();
    }
}
