package io.rampart.sli.fleet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.HeadlessChromium;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The fleet page in a real headless Chromium, at desktop and phone widths: what an operator sees and does. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class FleetPageBrowserTest {

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
    void anOperatorSignsInSortsFiltersSwitchesPeriodAndDownloadsTheCsv() throws IOException {
        String prefix = FleetTesting.prefix("browser");
        String fine = FleetTesting.register(prefix, "fine");
        String slipping = FleetTesting.register(prefix, "slipping");
        String down = FleetTesting.register(prefix, "down");
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(3, ChronoUnit.HOURS);
        FleetTesting.probes(fine, start, 2000, 0);
        FleetTesting.probes(slipping, start, 2000, 0);
        FleetTesting.lifecycle(slipping, start, 1000, 1);
        FleetTesting.probes(down, start, 2000, 300);

        browser.get(url("fleet"));
        assertThat(browser.getCurrentUrl()).endsWith("/status/sign-in?page=fleet");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Sign in to the fleet page");
        browser.findElement(By.id("token")).sendKeys(PlatformTokens.admin());
        browser.findElement(By.cssSelector("form.sign-in button")).click();
        waitFor(() -> browser.getCurrentUrl().endsWith("/fleet"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Fleet");

        // The app key prefix filter: only this test's apps, the least budget left first, as the API ranks them.
        filterByPrefix(prefix);
        List<String> apiOrder = given().auth().oauth2(PlatformTokens.admin()).queryParam("prefix", prefix)
                .queryParam("window", "28d").get("/api/v1/fleet/slis").then().statusCode(200).extract().jsonPath()
                .getList("items.appKey");
        assertThat(rows()).containsExactly(down, slipping, fine).isEqualTo(apiOrder);
        WebElement downRow = row(down);
        assertThat(downRow.getAttribute("class")).contains("below-slo");
        assertThat(downRow.findElement(By.cssSelector(".state")).getText()).isEqualTo("Below SLO");
        assertThat(downRow.getCssValue("background-color")).isNotEqualTo(row(fine).getCssValue("background-color"));
        assertThat(row(fine).findElement(By.cssSelector(".state")).getText()).isEqualTo("Meeting SLO");
        assertThat(downRow.findElement(By.cssSelector(".budget")).getText()).startsWith("Error budget spent");
        WebElement sparkline = downRow.findElement(By.cssSelector("svg.sparkline"));
        assertThat(Integer.parseInt(sparkline.getAttribute("data-points"))).isBetween(1, 2);
        // one day of data still draws a visible line
        assertThat(sparkline.findElement(By.tagName("polyline")).getAttribute("points").split(" ")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(sparkline.getSize().getWidth()).isEqualTo(120);
        screenshot("fleet-page.png");

        // The CSV link downloads the compliance of the page's period.
        WebElement csvLink = browser.findElement(By.id("csv"));
        assertThat(csvLink.getAttribute("download")).isNotNull();
        String csv = fetch(csvLink.getAttribute("href"));
        assertThat(csv).startsWith("app_key,sli,target,value,good,total,attainment,incidents,breach_streak")
                .contains(down + ",availability_success_rate,").contains(fine + ",availability_success_rate,");
        assertThat(csv.lines().filter(line -> line.startsWith(down + ",availability_success_rate,")).findFirst().orElseThrow())
                .contains(",missed,");

        // Below SLO only: the filters are kept in the address.
        browser.findElement(By.id("filter-below")).click();
        browser.findElement(By.id("apply")).click();
        waitFor(() -> browser.getCurrentUrl().contains("belowSlo=true"));
        assertThat(rows()).containsExactly(down);
        // A product none of them has.
        new Select(browser.findElement(By.id("filter-product"))).selectByValue("confluence");
        browser.findElement(By.id("apply")).click();
        waitFor(() -> browser.getCurrentUrl().contains("product=confluence"));
        assertThat(rows()).isEmpty();
        assertThat(browser.findElement(By.id("empty")).getText()).isEqualTo("No app matches these filters.");
        new Select(browser.findElement(By.id("filter-product"))).selectByValue("jira");
        browser.findElement(By.id("filter-below")).click();
        new Select(browser.findElement(By.id("filter-sli"))).selectByValue("availability_success_rate");
        browser.findElement(By.id("apply")).click();
        waitFor(() -> browser.getCurrentUrl().contains("sli=availability_success_rate"));
        assertThat(rows()).containsExactly(down, fine, slipping); // the same budget left: by key

        // The period switch: this calendar month, the filters kept.
        String month = YearMonth.now(ZoneOffset.UTC).toString();
        browser.findElement(By.cssSelector("a.range[data-period='" + month + "']")).click();
        waitFor(() -> browser.getCurrentUrl().contains("period=" + month));
        assertThat(browser.findElement(By.cssSelector("a.range[aria-current='page']")).getAttribute("data-period"))
                .isEqualTo(month);
        assertThat(browser.getCurrentUrl()).contains("prefix=").contains("sli=availability_success_rate");
        assertThat(rows()).containsExactly(down, fine, slipping);
        assertThat(browser.findElement(By.id("csv")).getAttribute("href")).endsWith("/fleet/compliance.csv?period=" + month);
        assertThat(fetch(browser.findElement(By.id("csv")).getAttribute("href")))
                .startsWith("app_key,sli,target,value,good,total,attainment,incidents,breach_streak");
        String quarter = browser.findElements(By.cssSelector("a.range")).stream()
                .map(link -> link.getAttribute("data-period")).filter(period -> period.contains("Q")).findFirst().orElseThrow();
        browser.findElement(By.cssSelector("a.range[data-period='" + quarter + "']")).click();
        waitFor(() -> browser.getCurrentUrl().contains("period=" + quarter));
        assertThat(browser.findElement(By.id("period")).getText()).startsWith(quarter.replace("-", " "));

        // Each app links to its status page, where the same sign-in holds.
        browser.findElement(By.cssSelector("a.range[data-period='28d']")).click();
        waitFor(() -> browser.getCurrentUrl().contains("period=28d"));
        row(down).findElement(By.cssSelector("th a")).click();
        waitFor(() -> browser.getCurrentUrl().endsWith("/status/" + down));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("down");
        browser.navigate().back();
        waitFor(() -> browser.getCurrentUrl().contains("/fleet"));

        // At phone width the page does not run off the side: the table scrolls in its own box.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        assertThat(rows()).containsExactly(down, fine, slipping);
        assertThat(row(down).findElement(By.cssSelector(".state")).getText()).isEqualTo("Below SLO");
        screenshot("fleet-page-phone.png");
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
        assertThat(((Number) overflow).intValue()).isLessThanOrEqualTo(0);
        assertThat(browser.findElement(By.id("csv")).isDisplayed()).isTrue();
    }

    private void filterByPrefix(String prefix) {
        WebElement field = browser.findElement(By.id("filter-prefix"));
        field.clear();
        field.sendKeys(prefix);
        browser.findElement(By.id("apply")).click();
        waitFor(() -> browser.getCurrentUrl().contains("prefix="));
    }

    private List<String> rows() {
        return browser.findElements(By.cssSelector("tr.fleet-row")).stream().map(row -> row.getAttribute("data-app")).toList();
    }

    private WebElement row(String appKey) {
        return browser.findElement(By.cssSelector("tr.fleet-row[data-app='" + appKey + "']"));
    }

    /** The link's answer as the browser gets it (its cookie, its origin). */
    private String fetch(String href) {
        return (String) ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch(arguments[0]).then(r => r.ok && r.headers.get('Content-Disposition').startsWith('attachment')"
                        + " ? r.text() : 'HTTP ' + r.status).then(done, e => done('failed ' + e));", href);
    }

    private void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(driver -> condition.getAsBoolean());
    }

    private String url(String path) {
        return server.toString() + path;
    }

    private void screenshot(String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), StandardCopyOption.REPLACE_EXISTING);
    }
}
