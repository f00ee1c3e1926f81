package io.rampart.sli;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real headless Chromium of the browser tests (Debian's chromium and chromedriver), with a profile of its own under target/. */
public final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** A browser at desktop width; skips the test where Chromium is not installed, except on CI. */
    public static ChromeDriver start() throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        String missing = "Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)";
        // CI installs the browser: there a missing one fails the build instead of skipping the test.
        assertThat(installed || !"true".equals(System.getenv("CI"))).as(missing).isTrue();
        assumeTrue(installed, "browser tests skipped: " + missing);
        Path profile = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chromium-");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // The machine's network is closed: no background connections, no updates, no sync.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,900");
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build(),
                options);
    }
}
