package io.rampart.sli.status;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.sli.SliId;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The status page's "Why events failed" under each ratio panel, as HTML: the top causes in words
 * with hand-computed counts, the latest failures, sites only for the app's vendor and admins,
 * everything escaped.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StatusPageCausesTest {

    private static final String COOKIE = "rampart_status";
    private static final Pattern CAUSE = Pattern.compile(
            "<li class=\"cause\" data-count=\"(\\d+)\" data-of=\"(\\d+)\">([^<]*)</li>");
    private static final Pattern FAILURE = Pattern.compile("<tr class=\"failure\">\\s*<td class=\"time\"><time datetime=\"([^\"]*)\">"
            + "[^<]*<wbr>[^<]*</time></td>\\s*<td class=\"where\">([^<]*)</td>\\s*<td class=\"outcome\">([^<]*)</td>\\s*"
            + "<td class=\"status-code\">([^<]*)</td>\\s*<td class=\"duration\" data-value=\"[^\"]*\">([^<]*)</td>");
    private static final String HOSTILE_SITE = "https://c.example/<script>alert(1)</script>";

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    @Test
    void eachRatioPanelSaysWhyItFailedWithTheTopThreeCausesAndTheLatestFailures() {
        String app = registerApp("status-causes", "prod", "eu");
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        // 12 failed probes: 6 x 503 at prod, 3 timeouts at prod, 2 x 503 at eu, 1 refused at eu; 4 good ones.
        for (int i = 0; i < 6; i++) {
            probe(app, prod, ago(120 - i), 40, "HTTP_STATUS", 503);
        }
        for (int i = 0; i < 3; i++) {
            probe(app, prod, ago(110 - i), 3000, "TIMEOUT", null);
        }
        probe(app, eu, ago(100), 50, "HTTP_STATUS", 503);
        probe(app, eu, ago(99), 50, "HTTP_STATUS", 503);
        probe(app, eu, ago(90), 5, "CONNECT", null);
        for (int i = 0; i < 4; i++) {
            probe(app, prod, ago(80 - i), 100, "SUCCESS", 200);
        }
        // 6 failed webhooks of 7: 3 x 503 at site a, 1 x 503 at site b (and a good one), 2 timeouts at a hostile site.
        for (int i = 0; i < 3; i++) {
            webhook(app, ago(60 - i), "JIRA", "jira:issue_created", 503, null, "https://a.example");
        }
        webhook(app, ago(57), "JIRA", "jira:issue_created", 503, null, "https://b.example");
        webhook(app, ago(56), "JIRA", "jira:issue_created", 200, null, "https://b.example");
        webhook(app, ago(50), "CONFLUENCE", "page_<b>created</b>", null, "TIMEOUT", HOSTILE_SITE);
        webhook(app, ago(49), "CONFLUENCE", "page_<b>created</b>", null, "TIMEOUT", HOSTILE_SITE);

        String vendor = page(app, PlatformTokens.vendor(app));
        assertThat(causes(vendor, SliId.AVAILABILITY_SUCCESS_RATE)).containsExactly(
                "6 of 12 failures: HTTP 503 at prod from local",
                "3 of 12: timeout (no complete answer in time) at prod from local",
                "2 of 12: HTTP 503 at eu from local");
        // The 5 latest failed probes, newest first: time in UTC (ISO-8601), where, outcome, status, duration.
        assertThat(failures(vendor, SliId.AVAILABILITY_SUCCESS_RATE)).containsExactly(
                ago(90) + " | eu from local | CONNECT |  | 5 ms",
                ago(99) + " | eu from local | HTTP_STATUS | 503 | 50 ms",
                ago(100) + " | eu from local | HTTP_STATUS | 503 | 50 ms",
                ago(108) + " | prod from local | TIMEOUT |  | 3.00 s",
                ago(109) + " | prod from local | TIMEOUT |  | 3.00 s");
        assertThat(causes(vendor, SliId.WEBHOOK_DELIVERY_SUCCESS_RATE)).containsExactly(
                "3 of 6 failures: HTTP 503 on jira jira:issue_created at site https://a.example",
                "2 of 6: timeout on confluence page_&lt;b&gt;created&lt;/b&gt; at site"
                        + " https://c.example/&lt;script&gt;alert(1)&lt;/script&gt;",
                "1 of 6: HTTP 503 on jira jira:issue_created at site https://b.example");
        assertThat(failures(vendor, SliId.WEBHOOK_DELIVERY_SUCCESS_RATE)).containsExactly(
                ago(49) + " | site https://c.example/&lt;script&gt;alert(1)&lt;/script&gt; | TIMEOUT (confluence page_&lt;b&gt;created&lt;/b&gt;) |  | 120 ms",
                ago(50) + " | site https://c.example/&lt;script&gt;alert(1)&lt;/script&gt; | TIMEOUT (confluence page_&lt;b&gt;created&lt;/b&gt;) |  | 120 ms",
                ago(57) + " | site https://b.example | HTTP_STATUS (jira jira:issue_created) | 503 | 120 ms",
                ago(58) + " | site https://a.example | HTTP_STATUS (jira jira:issue_created) | 503 | 120 ms",
                ago(59) + " | site https://a.example | HTTP_STATUS (jira jira:issue_created) | 503 | 120 ms");
        assertThat(vendor).doesNotContain("<script>alert(1)", "<b>created");
        // A ratio without failures says so; latency panels have no such part.
        assertThat(panel(vendor, SliId.LIFECYCLE_SUCCESS_RATE)).contains("No failures in this range.")
                .doesNotContain("class=\"cause\"", "class=\"failure\"");
        assertThat(panel(vendor, SliId.AVAILABILITY_LATENCY)).doesNotContain("Why events failed");

        // An admin sees sites too; the statuspage group and anonymous visitors of a public page do not:
        // the same failures, merged without their sites.
        assertThat(causes(page(app, PlatformTokens.admin()), SliId.WEBHOOK_DELIVERY_SUCCESS_RATE))
                .first().asString().endsWith("at site https://a.example");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"statusPagePublic\": true}").patch("/api/v1/apps/" + app).then().statusCode(200);
        for (String withoutSites : new String[] {page(app, PlatformTokens.statuspage()), page(app, null)}) {
            assertThat(causes(withoutSites, SliId.WEBHOOK_DELIVERY_SUCCESS_RATE)).containsExactly(
                    "4 of 6 failures: HTTP 503 on jira jira:issue_created",
                    "2 of 6: timeout on confluence page_&lt;b&gt;created&lt;/b&gt;");
            assertThat(failures(withoutSites, SliId.WEBHOOK_DELIVERY_SUCCESS_RATE)).hasSize(5)
                    .first().asString().isEqualTo(ago(49) + " |  | TIMEOUT (confluence page_&lt;b&gt;created&lt;/b&gt;) |  | 120 ms");
            assertThat(withoutSites).doesNotContain("a.example", "b.example", "c.example");
            assertThat(causes(withoutSites, SliId.AVAILABILITY_SUCCESS_RATE)).hasSize(3)
                    .first().asString().isEqualTo("6 of 12 failures: HTTP 503 at prod from local");
        }
    }

    private Instant ago(int minutes) {
        return now.minus(Duration.ofMinutes(minutes));
    }

    /** The page as a visitor with this token as sign-in cookie sees it (without one, anonymously). */
    private static String page(String app, String token) {
        var request = given().redirects().follow(false);
        if (token != null) {
            request.cookie(COOKIE, token);
        }
        return request.get("/status/" + app).then().statusCode(200).extract().asString();
    }

    private static String panel(String html, SliId sli) {
        int start = html.indexOf("id=\"sli-" + sli.id() + "\"");
        assertThat(start).as(sli.id()).isPositive();
        return html.substring(start, html.indexOf("</article>", start));
    }

    /** The panel's causes as shown, after checking that each one's data-count starts its sentence. */
    private static List<String> causes(String html, SliId sli) {
        List<String> found = new ArrayList<>();
        Matcher cause = CAUSE.matcher(panel(html, sli));
        while (cause.find()) {
            assertThat(cause.group(3)).startsWith(cause.group(1) + " of " + cause.group(2));
            found.add(cause.group(3));
        }
        return found;
    }

    /** The panel's latest failures, each "time | where | outcome | status | duration". */
    private static List<String> failures(String html, SliId sli) {
        List<String> found = new ArrayList<>();
        Matcher failure = FAILURE.matcher(panel(html, sli));
        while (failure.find()) {
            found.add(String.join(" | ", failure.group(1), failure.group(2), failure.group(3), failure.group(4),
                    failure.group(5)));
        }
        return found;
    }

    private static void webhook(String app, Instant at, String product, String event, Integer statusCode,
            String errorKind, String site) {
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, queue_ms, status_code, error_kind,"
                + " product, webhook_event, site) values (?, 'WEBHOOK', ?, 120, 5, ?, ?, ?, ?, ?)",
                app, Timestamp.from(at), statusCode, errorKind, product, event, site);
    }
}
