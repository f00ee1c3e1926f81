package io.rampart.sli.fleet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.startsWith;

/** Who may open the fleet page: admin and statuspage sign-ins; vendors are refused, anonymous visitors sign in first. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class FleetPageAccessTest {

    private static final String COOKIE = "rampart_status";

    @Test
    void operatorsSeeThePageVendorsAreRefusedAnonymousVisitorsSignIn() {
        String prefix = FleetTesting.prefix("access");
        String app = FleetTesting.register(prefix, "one");
        given().cookie(COOKIE, PlatformTokens.admin()).queryParam("prefix", prefix).get("/fleet").then().statusCode(200)
                .header("Content-Security-Policy", containsString("script-src 'self'"))
                .header("Referrer-Policy", "same-origin").header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .body(containsString("data-app=\"" + app + "\""), containsString("href=\"/status/" + app + "\""));
        given().cookie(COOKIE, PlatformTokens.statuspage()).queryParam("prefix", prefix).get("/fleet").then()
                .statusCode(200).body(containsString("data-app=\"" + app + "\""));

        given().cookie(COOKIE, PlatformTokens.vendor(app)).get("/fleet").then().statusCode(403)
                .contentType(ContentType.HTML).header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .body(containsString("Not an operator")).body(org.hamcrest.Matchers.not(containsString(app)));
        given().cookie(COOKIE, PlatformTokens.vendor(app)).get("/fleet/compliance.csv").then().statusCode(403);

        given().redirects().follow(false).get("/fleet").then().statusCode(303)
                .header("Location", endsWith("/status/sign-in?page=fleet"));
        given().redirects().follow(false).get("/fleet/compliance.csv").then().statusCode(303);
        given().redirects().follow(false).cookie(COOKIE, PlatformTokens.untrusted(java.util.Set.of("admin")))
                .get("/fleet").then().statusCode(303);
        // The cookie is no credential on the fleet API.
        given().cookie(COOKIE, PlatformTokens.admin()).get("/api/v1/fleet/slis").then().statusCode(401);
    }

    @Test
    void adminsSeeOpenSuspectedPlatformFaultsOnThePageOtherOperatorsDoNot() {
        String prefix = FleetTesting.prefix("suspected");
        String app = FleetTesting.register(prefix, "one");
        // A minute of its own (the table keeps one row per minute), far from any other test's.
        java.sql.Timestamp minute = java.sql.Timestamp.from(java.time.Instant.parse("2024-02-29T12:00:00Z")
                .plusSeconds(60L * (System.nanoTime() % 100_000)));
        io.rampart.store.testing.TestApps.execute("insert into suspected_platform_fault (minute, failing, apps, app_keys)"
                + " values (?, 15, 25, ?::text[])", minute, "{" + app + "}");
        Object id = io.rampart.store.testing.TestApps.query("select id from suspected_platform_fault where minute = ?", minute).get("id");
        String row = "data-suspected-fault=\"" + id + "\"";
        given().cookie(COOKIE, PlatformTokens.admin()).queryParam("prefix", prefix).get("/fleet").then().statusCode(200)
                .body(containsString("Suspected platform-wide faults"), containsString(row),
                        containsString("suspected platform-wide fault: 15 of 25 apps failing (id " + id + "): " + app));
        given().cookie(COOKIE, PlatformTokens.statuspage()).queryParam("prefix", prefix).get("/fleet").then()
                .statusCode(200).body(org.hamcrest.Matchers.not(containsString("Suspected platform-wide faults")));
        // Decided, it leaves the page.
        io.rampart.store.testing.TestApps.execute("update suspected_platform_fault set status = 'DISMISSED' where minute = ?", minute);
        given().cookie(COOKIE, PlatformTokens.admin()).queryParam("prefix", prefix).get("/fleet").then().statusCode(200)
                .body(org.hamcrest.Matchers.not(containsString(row)));
    }

    @Test
    void signingInFromTheFleetPageLeadsBackToItWithTheCookieOnBothPages() {
        given().queryParam("page", "fleet").get("/status/sign-in").then().statusCode(200)
                .body(containsString("Sign in to the fleet page"), containsString("name=\"page\" value=\"fleet\""));
        String admin = PlatformTokens.admin();
        Response answer = given().redirects().follow(false).contentType(ContentType.URLENC)
                .header("Origin", "http://localhost:" + io.restassured.RestAssured.port)
                .formParam("token", admin).formParam("page", "fleet").post("/status/sign-in");
        assertThat(answer.statusCode()).isEqualTo(303);
        assertThat(answer.header("Location")).endsWith("/fleet").doesNotContain(admin);
        List<String> cookies = answer.headers().getValues("Set-Cookie");
        assertThat(cookies).hasSize(2).allSatisfy(cookie -> assertThat(cookie).startsWith(COOKIE + "=" + admin)
                .contains("Secure", "HttpOnly", "SameSite=Strict"));
        assertThat(cookies).anySatisfy(cookie -> assertThat(cookie).contains("Path=/fleet"))
                .anySatisfy(cookie -> assertThat(cookie).contains("Path=/status"));

        List<String> cleared = given().redirects().follow(false).contentType(ContentType.URLENC)
                .header("Origin", "http://localhost:" + io.restassured.RestAssured.port).formParam("page", "fleet")
                .post("/status/sign-out").then().statusCode(303).header("Location", endsWith("/status/sign-in?page=fleet"))
                .extract().headers().getValues("Set-Cookie");
        assertThat(cleared).hasSize(2).allSatisfy(cookie -> assertThat(cookie).startsWith(COOKIE + "=;").contains("Max-Age=0"));
    }

    @Test
    void aWrongPeriodIsABadRequestPage() {
        given().cookie(COOKIE, PlatformTokens.admin()).queryParam("period", "2026-13").get("/fleet").then()
                .statusCode(400).contentType(ContentType.HTML).body(containsString("No fleet page"));
        given().cookie(COOKIE, PlatformTokens.admin()).queryParam("period", "2026-Q4").get("/fleet/compliance.csv")
                .then().statusCode(200).contentType(startsWith("text/csv"))
                .body(startsWith("app_key,sli,target,value,good,total,attainment,incidents,breach_streak"));
    }
}
