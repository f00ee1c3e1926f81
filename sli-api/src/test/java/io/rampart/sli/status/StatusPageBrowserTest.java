package io.rampart.sli.status;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.HeadlessChromium;
import io.rampart.store.sli.SliId;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.execute;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The status page in a real headless Chromium: what a vendor sees, and that it shows the SLI API's numbers. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class StatusPageBrowserTest {

    // Doubles as the API writes them, not the floats JsonPath reads by default.
    private static final JsonPathConfig EXACT = JsonPathConfig.jsonPathConfig()
            .numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE);

    @TestHTTPResource("/")
    URL server;

    private ChromeDriver browser;

    @BeforeEach
    void startChromium() throws IOException {
        browser = HeadlessChromium.start();
    }

    @AfterEach
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aVendorSignsInAndSeesEveryPanelWithTheSliApisNumbers() throws IOException {
        String app = registerApp("status-browser", "eu", "us");
        String other = registerApp("status-browser-other", "prod");
        given().auth().oauth2(PlatformTokens.admin()).contentType(io.restassured.http.ContentType.JSON)
                .body("{\"name\": \"Timesheets for Jira\", \"partnerName\": \"Acme Software\"}")
                .patch("/api/v1/apps/" + app).then().statusCode(200);
        SampleTraffic.record(app);
        httpsProbes(app, "eu");
        // Incidents as the alert rules write them (io.rampart.sli.alert): one open, one resolved, one resolved long ago.
        incident(app, "webhook_delivery_below_slo_15m", "webhook_delivery_success_rate", "OPEN", 90, null);
        incident(app, "availability_failed_check_15m", "availability_success_rate", "RESOLVED", 600, 560);
        incident(app, "burn_rate:lifecycle_success_rate:1d/2h", "lifecycle_success_rate", "RESOLVED", 20000, 19000);
        String vendor = PlatformTokens.vendor(app);

        browser.get(url("status/" + app));
        assertThat(browser.getCurrentUrl()).contains("/status/sign-in");
        screenshot("status-sign-in.png");
        browser.findElement(By.id("token")).sendKeys(vendor);
        browser.findElement(By.cssSelector("form.sign-in button")).click();
        waitFor(By.cssSelector("[data-chart][data-drawn-range='day']"));
        assertThat(browser.getCurrentUrl()).endsWith("/status/" + app).doesNotContain(vendor);
        Cookie session = browser.manage().getCookieNamed("rampart_status");
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.isSecure()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");

        // The API is asked for the very window the page drew: a minute boundary between the two must not matter.
        PageWindow day = pageWindow();
        assertThat(day.length()).isEqualTo(Duration.ofDays(1));
        assertPanelsShow(app, vendor, day);
        assertThat(cell("eu")).isEqualTo(apiValue(app, vendor, day, "eu", SliId.AVAILABILITY_SUCCESS_RATE));
        assertThat(cell("us")).isEqualTo(apiValue(app, vendor, day, "us", SliId.AVAILABILITY_SUCCESS_RATE));
        assertThat(chart(SliId.AVAILABILITY_SUCCESS_RATE).findElements(By.tagName("canvas"))).isNotEmpty();
        // The availability latency panel's phases are the API's P90s of the same window.
        JsonPath phases = given().auth().oauth2(vendor).queryParams(day.parameters())
                .get("/api/v1/apps/" + app + "/probe-phases").then().statusCode(200).extract().jsonPath(EXACT);
        for (String[] phase : new String[][] {{"dns", "dnsMs"}, {"connect", "connectMs"}, {"tls", "tlsMs"},
                {"first_byte", "firstByteMs"}, {"total", "totalMs"}}) {
            String shown = browser.findElement(By.cssSelector("#sli-availability_latency .phases [data-phase='"
                    + phase[0] + "']")).getAttribute("data-value");
            assertThat(Double.parseDouble(shown)).as(phase[0]).isEqualTo(((Number) phases.get(phase[1])).doubleValue());
        }
        assertThat(browser.findElement(By.cssSelector("#sli-availability_latency .phases [data-phase='tls'] dd")).getText())
                .matches("1(19|20|21) ms"); // 120 ms, within the rollup bins' 1 %
        // The certificate of eu: ten days left, under the 14 days of certificate_expiring.
        WebElement daysLeft = browser.findElement(By.cssSelector("tr[data-certificate='eu'] .days-left"));
        assertThat(daysLeft.getText()).isEqualTo("10 days left");
        assertThat(daysLeft.getAttribute("class")).contains("state-missed");
        assertThat(browser.findElement(By.cssSelector("tr[data-certificate='eu'] .issuer")).getText())
                .isEqualTo("CN=Rampart Test CA");
        assertThat(browser.findElements(By.cssSelector("tr[data-certificate='us']"))).isEmpty();
        // Why figures dropped, in words, under each ratio panel: the day's failures SampleTraffic wrote
        // (eu's 503 five hours ago, the host load that never came, the failed vendor check, 3 webhooks answered 500).
        assertThat(causes(SliId.AVAILABILITY_SUCCESS_RATE)).containsExactly("1 of 1 failures: HTTP 503 at eu from local");
        assertThat(causes(SliId.IFRAME_LOAD_SUCCESS_RATE)).containsExactly("1 of 1 failures: never loaded");
        assertThat(causes(SliId.SYNTHETIC_CHECK_SUCCESS_RATE_APP_SERVER))
                .containsExactly("1 of 1 failures: failed, as the app server reported");
        assertThat(causes(SliId.WEBHOOK_DELIVERY_SUCCESS_RATE)).containsExactly("3 of 3 failures: HTTP 500 on confluence");
        for (SliId none : new SliId[] {SliId.LIFECYCLE_SUCCESS_RATE, SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE}) {
            assertThat(browser.findElement(By.cssSelector("#sli-" + none.id() + " .why")).getText()).as(none.id())
                    .contains("No failures in this range.");
        }
        assertThat(browser.findElements(By.cssSelector("#sli-availability_latency .why"))).isEmpty();
        // The latest failures: the time in UTC a vendor can find in its logs (the failures API's), where, status.
        List<WebElement> failed = browser.findElements(By.cssSelector("#sli-availability_success_rate tr.failure"));
        assertThat(failed).hasSize(1);
        String latest = given().auth().oauth2(vendor).queryParam("sli", "availability_success_rate").queryParam("limit", 1)
                .get("/api/v1/apps/" + app + "/failures").then().statusCode(200).extract().jsonPath().getString("failures[0].time");
        assertThat(failed.get(0).findElement(By.cssSelector(".time")).getText()).endsWith("Z")
                .satisfies(shown -> assertThat(Instant.parse(shown)).isEqualTo(Instant.parse(latest)));
        assertThat(failed.get(0).findElement(By.cssSelector(".where")).getText()).isEqualTo("eu from local");
        assertThat(failed.get(0).findElement(By.cssSelector(".status-code")).getText()).isEqualTo("503");
        assertThat(browser.findElements(By.cssSelector("#sli-webhook_delivery_success_rate tr.failure .status-code")))
                .extracting(WebElement::getText).containsExactly("500", "500", "500");
        List<WebElement> incidents = browser.findElements(By.cssSelector("li.incident"));
        assertThat(incidents).extracting(incident -> incident.getAttribute("data-rule"))
                .containsExactly("webhook_delivery_below_slo_15m", "availability_failed_check_15m");
        assertThat(browser.findElement(By.cssSelector(".headline")).getText())
                .isEqualTo("1 open incident · All 6 SLOs met");
        assertThat(incidents.get(0).getText()).startsWith("Open").contains("Webhook delivery success rate",
                "97.50 % against 99 %");
        assertThat(points(SliId.AVAILABILITY_SUCCESS_RATE))
                .isEqualTo(apiPoints(app, vendor, day, "5m", SliId.AVAILABILITY_SUCCESS_RATE)).isGreaterThan(250);
        assertThat(browser.findElement(By.cssSelector("#sli-lifecycle_success_rate .slo-target")).getText())
                .isEqualTo("SLO 99 %");
        assertThat(browser.findElement(By.cssSelector("#sli-availability_success_rate .state")).getText())
                .isEqualTo("Meeting SLO");
        screenshot("status-page.png");

        // The range switch, from the keyboard: the charts are drawn again over the week.
        assertThat(drawnFrom()).isEqualTo(day.from().getEpochSecond());
        browser.findElement(By.cssSelector("a.range[data-range='week']")).sendKeys(Keys.ENTER);
        waitFor(By.cssSelector("[data-chart][data-drawn-range='week']"));
        PageWindow week = pageWindow();
        assertThat(week.length()).isEqualTo(Duration.ofDays(7));
        assertThat(drawnFrom()).isEqualTo(week.from().getEpochSecond());
        assertThat(browser.findElement(By.cssSelector("a.range[aria-current='page']")).getText()).isEqualTo("Week");
        assertPanelsShow(app, vendor, week);
        // The week holds eu's 30-minute outage too: 31 failed probes, the 5 latest listed.
        assertThat(causes(SliId.AVAILABILITY_SUCCESS_RATE)).containsExactly("31 of 31 failures: HTTP 503 at eu from local");
        assertThat(browser.findElements(By.cssSelector("#sli-availability_success_rate tr.failure"))).hasSize(5);
        assertThat(points(SliId.WEBHOOK_LATENCY))
                .isEqualTo(apiPoints(app, vendor, week, "1h", SliId.WEBHOOK_LATENCY)).isGreaterThan(160);

        // At phone width nothing runs off the side of the page.
        assertThat(browser.findElement(By.cssSelector("#sli-availability_success_rate .state")).getText())
                .isEqualTo("Below SLO"); // the outage two days ago
        screenshot("status-page-week.png");
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        waitFor(By.cssSelector("[data-chart][data-drawn-range='week']"));
        screenshot("status-page-phone.png");
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);

        browser.get(url("status/" + other));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not your app");
        assertThat(browser.findElements(By.cssSelector("[data-chart]"))).isEmpty();
    }

    /** Five https probes of the target in the last hour, with phases and the certificate they saw. */
    private static void httpsProbes(String app, String label) {
        java.time.Instant now = java.time.Instant.now();
        for (int i = 1; i <= 5; i++) {
            java.time.Instant at = now.minusSeconds(600L * i);
            io.rampart.store.testing.TestApps.execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at,"
                            + " duration_ms, outcome, status_code, prober, dns_ms, connect_ms, tls_ms, first_byte_ms,"
                            + " certificate_not_after, certificate_issuer) values (?, ?, ?, ?, ?, 'SUCCESS', 200, 'test',"
                            + " ?, ?, 120, ?, ?, 'CN=Rampart Test CA')",
                    io.rampart.store.testing.TestApps.targetId(app, label), app, java.sql.Timestamp.from(at),
                    java.sql.Timestamp.from(at), 200 + i, i, 10 * i, 50 + i,
                    java.sql.Timestamp.from(now.plus(Duration.ofDays(10)).plus(Duration.ofHours(1))));
        }
    }

    private void assertPanelsShow(String app, String token, PageWindow window) {
        JsonPath summary = given().auth().oauth2(token).queryParams(window.parameters())
                .get("/api/v1/apps/" + app + "/slis").then().statusCode(200).extract().jsonPath(EXACT);
        List<WebElement> panels = browser.findElements(By.cssSelector("article.panel"));
        assertThat(panels).hasSize(SliId.values().length);
        for (SliId sli : SliId.values()) {
            WebElement panel = browser.findElement(By.id("sli-" + sli.id()));
            Object value = summary.get("slis.find { it.id == '" + sli.id() + "' }.value");
            assertThat(value).as(sli.id()).isNotNull();
            String shown = panel.findElement(By.cssSelector(".value")).getAttribute("data-value");
            assertThat(Double.parseDouble(shown)).as(sli.id()).isEqualTo(((Number) value).doubleValue());
            Object budget = summary.get("slis.find { it.id == '" + sli.id() + "' }.slo.errorBudgetRemaining");
            if (budget != null) {
                assertThat(panel.findElement(By.cssSelector("meter")).getAttribute("value")).isNotBlank();
                assertThat(panel.findElement(By.cssSelector(".budget")).getText())
                        .contains(String.format(java.util.Locale.ROOT, "%.1f %%", ((Number) budget).doubleValue()));
            }
        }
    }

    @Test
    void maintenanceAndPlatformFaultsAreListedShadedAndLeftOut() throws IOException {
        String app = registerApp("status-adjusted", "prod");
        long target = io.rampart.store.testing.TestApps.targetId(app, "prod");
        Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
        for (int minutes = 600; minutes > 10; minutes -= 10) {
            io.rampart.store.testing.TestApps.probe(app, target, now.minus(Duration.ofMinutes(minutes)), 120, "SUCCESS", 200);
        }
        // The outages of a maintenance window and of the platform: left out with the good probes of their hours.
        io.rampart.store.testing.TestApps.probe(app, target, now.minus(Duration.ofMinutes(175)), 3000, "TIMEOUT", null);
        io.rampart.store.testing.TestApps.probe(app, target, now.minus(Duration.ofMinutes(355)), 90, "CONNECT", null);
        String vendor = PlatformTokens.vendor(app);
        adjustment("/api/v1/apps/" + app + "/maintenance", PlatformTokens.admin(), Map.of("start",
                now.minus(Duration.ofHours(3)).toString(), "end", now.minus(Duration.ofHours(2)).toString(),
                "reason", "database upgrade"));
        adjustment("/api/v1/adjustments", PlatformTokens.admin(), Map.of("kind", "platform_fault", "appKeys", List.of(app),
                "start", now.minus(Duration.ofHours(6)).toString(), "end", now.minus(Duration.ofHours(5)).toString(),
                "reason", "platform network outage"));
        adjustment("/api/v1/apps/" + app + "/maintenance", vendor, Map.of("start",
                now.plus(Duration.ofDays(2)).toString(), "end", now.plus(Duration.ofDays(2)).plus(Duration.ofHours(1)).toString(),
                "reason", "planned migration"));

        browser.get(url("status/" + app));
        browser.findElement(By.id("token")).sendKeys(vendor);
        browser.findElement(By.cssSelector("form.sign-in button")).click();
        waitFor(By.cssSelector("[data-chart][data-drawn-range='day']"));

        List<WebElement> rows = browser.findElements(By.cssSelector("li.adjustment"));
        assertThat(rows).extracting(row -> row.getAttribute("data-kind") + " " + row.getAttribute("data-state"))
                .containsExactly("platform_fault past", "maintenance past", "maintenance upcoming");
        assertThat(rows.get(0).getText()).contains("Platform fault", "platform network outage");
        assertThat(rows.get(1).getText()).contains("Maintenance", "database upgrade");
        // Shaded on every chart: the two of the day.
        assertThat(chart(SliId.AVAILABILITY_SUCCESS_RATE).getAttribute("data-shaded")).isEqualTo("2");
        WebElement availability = browser.findElement(By.id("sli-" + SliId.AVAILABILITY_SUCCESS_RATE.id()));
        assertThat(availability.findElement(By.cssSelector(".value")).getAttribute("data-value")).isEqualTo("100.0");
        assertThat(availability.findElement(By.cssSelector(".adjusted")).getText())
                .isEqualTo("14 events left out by maintenance and platform faults"); // 6 good + 1 failed in each hour
        assertThat(availability.findElement(By.cssSelector(".state")).getText()).isEqualTo("Meeting SLO");
        // Their failures are still listed, as not counted, for the vendor to line up with its own logs.
        assertThat(availability.findElement(By.cssSelector(".no-failures")).getText())
                .isEqualTo("No failures counted in this range.");
        assertThat(availability.findElements(By.cssSelector("tr.failure.not-counted .outcome")))
                .extracting(WebElement::getText)
                .containsExactly("TIMEOUT (not counted: adjusted)", "CONNECT (not counted: adjusted)");
        screenshot("status-page-adjusted.png");
    }

    private static void adjustment(String path, String token, Map<String, Object> body) {
        given().auth().oauth2(token).contentType(io.restassured.http.ContentType.JSON).body(body).post(path)
                .then().statusCode(201);
    }

    private static void incident(String app, String rule, String sliId, String status, int openedMinutesAgo,
            Integer resolvedMinutesAgo) {
        execute("insert into alert_incident (id, app_key, rule, severity, metric_name, metric_unit,"
                + " measurement_duration_seconds, sli_value, slo_value, status, opened_at, updated_at, resolved_at)"
                + " values (gen_random_uuid(), ?, ?, 'page', ?, '%', 900, 97.5, 99, ?, now() - ? * interval '1 minute',"
                + " now(), now() - ? * interval '1 minute')",
                app, rule, sliId, status, openedMinutesAgo, resolvedMinutesAgo);
    }

    private static Double apiValue(String app, String token, PageWindow window, String target, SliId sli) {
        Object value = given().auth().oauth2(token).queryParams(window.parameters()).queryParam("target", target)
                .get("/api/v1/apps/" + app + "/slis").then().statusCode(200).extract().jsonPath(EXACT)
                .get("slis.find { it.id == '" + sli.id() + "' }.value");
        return ((Number) value).doubleValue();
    }

    /** How many points of the API's series carry a value. */
    private static long apiPoints(String app, String token, PageWindow window, String step, SliId sli) {
        List<Object> values = given().auth().oauth2(token).queryParams(window.parameters()).queryParam("step", step)
                .get("/api/v1/apps/" + app + "/slis/" + sli.id() + "/series").then().statusCode(200).extract()
                .jsonPath().getList("points.value");
        return values.stream().filter(java.util.Objects::nonNull).count();
    }

    /** The causes a ratio panel lists, as the visitor reads them. */
    private List<String> causes(SliId sli) {
        return browser.findElements(By.cssSelector("#sli-" + sli.id() + " .causes li")).stream().map(WebElement::getText)
                .toList();
    }

    private Double cell(String target) {
        return Double.parseDouble(browser.findElement(By.cssSelector("tr[data-target='" + target + "'] .target-success"))
                .getAttribute("data-value"));
    }

    private WebElement chart(SliId sli) {
        return browser.findElement(By.cssSelector("[data-chart='" + sli.id() + "']"));
    }

    private int points(SliId sli) {
        return Integer.parseInt(chart(sli).getAttribute("data-points"));
    }

    /** The window the page's figures cover, from the series document it embeds. */
    private PageWindow pageWindow() {
        String document = (String) ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById('series-data').textContent;");
        JsonPath json = new JsonPath(document);
        return new PageWindow(Instant.ofEpochSecond(json.getLong("from")), Instant.ofEpochSecond(json.getLong("to")));
    }

    private record PageWindow(Instant from, Instant to) {
        Duration length() {
            return Duration.between(from, to);
        }

        Map<String, String> parameters() {
            return Map.of("from", from.toString(), "to", to.toString());
        }
    }

    private long drawnFrom() {
        return Long.parseLong(chart(SliId.AVAILABILITY_SUCCESS_RATE).getAttribute("data-drawn-from"));
    }

    private void waitFor(By selector) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.presenceOfElementLocated(selector));
    }

    private String url(String path) {
        return server.toString() + path;
    }

    private void screenshot(String name) throws IOException {
        long height = ((Number) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollHeight;")).longValue();
        Dimension size = browser.manage().window().getSize();
        browser.manage().window().setSize(new Dimension(size.getWidth(), (int) Math.min(height + 140, 6000)));
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
        browser.manage().window().setSize(size);
    }
}
