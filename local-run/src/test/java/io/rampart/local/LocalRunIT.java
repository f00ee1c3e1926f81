package io.rampart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's run command as a new user meets it: the packaged launcher starts the database and
 * the three services, prints their URLs and tokens, runs the demo whose SLIs show real figures,
 * registers the demo fleet whose month of history the fleet answer shows on first start, and
 * stops everything it started on SIGTERM.
 */
class LocalRunIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void startsEverythingShowsDemoFiguresAndStopsCleanly() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "local-run-home-");
        Map<String, Integer> ports = Map.of("RAMPART_LOCAL_DB_PORT", freePort(), "PROBER_PORT", freePort(),
                "INGEST_PORT", freePort(), "SLI_API_PORT", freePort(), "DEMO_APP_PORT", freePort(),
                "PROBER_MANAGEMENT_PORT", freePort(), "INGEST_MANAGEMENT_PORT", freePort(),
                "SLI_API_MANAGEMENT_PORT", freePort());
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-Drampart.project=" + PROJECT, "-cp",
                "target/local-run.jar:target/lib/*", "io.rampart.local.LocalRun", "--demo").redirectErrorStream(true);
        builder.environment().put("RAMPART_HOME", home.toAbsolutePath().toString());
        ports.forEach((name, port) -> builder.environment().put(name, port.toString()));
        Process launcher = builder.start();
        List<String> output = new ArrayList<>();
        JsonNode fleet;
        try {
            readUntil(launcher, output, "Press Ctrl-C to stop.", Duration.ofMinutes(4));
            fleet = fleetSlis(ports.get("SLI_API_PORT"), home.resolve("tokens.env"));
        } finally {
            launcher.destroy();
            assertThat(launcher.waitFor(90, TimeUnit.SECONDS)).as("launcher stops on SIGTERM").isTrue();
        }
        String printed = String.join("\n", output);
        assertThat(printed).contains("http://localhost:" + ports.get("PROBER_PORT"),
                "http://localhost:" + ports.get("INGEST_PORT"), "http://localhost:" + ports.get("SLI_API_PORT"),
                "http://localhost:" + ports.get("SLI_API_MANAGEMENT_PORT"));
        assertThat(printed).contains("ADMIN_TOKEN=ey", "HOST_TOKEN=ey", "VENDOR_TOKEN=ey", "STATUSPAGE_TOKEN=ey");
        assertThat(printed).doesNotContain("The demo could not run");
        assertThat(Files.readString(home.resolve("tokens.env"))).contains("ADMIN_TOKEN=ey");
        // The demo's events and first probes are in: the summary shows figures, not dashes.
        assertThat(valueLine(output, "availability_success_rate")).matches(".*\\d+\\.\\d\\d %");
        assertThat(valueLine(output, "webhook_delivery_success_rate")).matches(".*\\d+\\.\\d\\d %");
        assertThat(valueLine(output, "synthetic_check_success_rate_app_server")).matches(".*\\d+\\.\\d\\d %");
        assertThat(printed).contains("Demo fleet: 30 apps registered with 28 days of history",
                "http://localhost:" + ports.get("SLI_API_PORT") + "/fleet",
                "http://localhost:" + ports.get("SLI_API_PORT") + "/status/" + DemoFleet.OUTAGE_APP);
        // First start stays fast: the month of history is backfilled in about a minute on this shared,
        // loaded 2-core machine (well under one when idle).
        String backfill = output.stream().filter(line -> line.startsWith("Demo fleet: ")).findFirst().orElseThrow();
        System.out.println(backfill);
        assertThat(Double.parseDouble(backfill.replaceAll(".*backfilled in ([0-9.]+) s.*", "$1"))).as(backfill)
                .isLessThan(90.0);
        assertFleetHasAMonthOfFigures(fleet);
        for (int port : ports.values()) {
            assertThat(listening(port)).as("port %d closed after stop", port).isFalse();
        }
    }

    /** The fleet answer over 28 days, first page, as the fleet page asks for it with the admin token. */
    private static JsonNode fleetSlis(int sliApiPort, Path tokens) throws Exception {
        String admin = Files.readAllLines(tokens).stream().filter(line -> line.startsWith("ADMIN_TOKEN="))
                .findFirst().orElseThrow().substring("ADMIN_TOKEN=".length());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + sliApiPort + "/api/v1/fleet/slis?window=28d&limit=100"))
                .header("Authorization", "Bearer " + admin).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    /**
     * Every fleet app is listed with figures over weeks, not minutes; the outage app is below its
     * availability SLO and ranked among the first; the app whose synthetic checks stopped has none lately.
     */
    private static void assertFleetHasAMonthOfFigures(JsonNode fleet) {
        assertThat(Duration.between(Instant.parse(fleet.path("from").asText()), Instant.parse(fleet.path("to").asText())))
                .isEqualTo(Duration.ofDays(28));
        Map<String, JsonNode> apps = new LinkedHashMap<>();
        fleet.path("items").forEach(item -> apps.put(item.path("appKey").asText(), item));
        assertThat(apps.keySet().stream().filter(key -> key.startsWith(DemoFleet.PREFIX))).hasSize(30);
        for (JsonNode app : apps.values()) {
            if (app.path("appKey").asText().startsWith(DemoFleet.PREFIX)) {
                // Probes every 10 minutes over about 4 weeks, and hourly host events: thousands, not a handful.
                assertThat(sli(app, "availability_success_rate").path("total").asLong()).as(app.path("appKey").asText())
                        .isGreaterThan(3_800);
                assertThat(sli(app, "webhook_delivery_success_rate").path("total").asLong()).isGreaterThan(15_000);
                assertThat(sli(app, "lifecycle_success_rate").path("total").asLong()).isGreaterThan(600);
                assertThat(sli(app, "iframe_load_success_rate_app_server").path("total").asLong()).isGreaterThan(1_250);
            }
        }
        JsonNode outage = sli(apps.get(DemoFleet.OUTAGE_APP), "availability_success_rate");
        assertThat(outage.path("value").asDouble()).isLessThan(outage.path("slo").path("target").asDouble())
                .isGreaterThan(99.0);
        assertThat(outage.path("slo").path("errorBudgetRemaining").asDouble()).isNegative();
        List<String> order = new ArrayList<>(apps.keySet());
        assertThat(order.indexOf(DemoFleet.OUTAGE_APP)).as("ranked by budget left: %s", order).isLessThan(6);
        assertThat(sli(apps.get(DemoFleet.PREFIX + "sync-bridge"), "webhook_delivery_success_rate").path("value").asDouble())
                .isLessThan(97.0);
        assertThat(sli(apps.get(DemoFleet.PREFIX + "report-builder"), "synthetic_check_success_rate_app_server")
                .path("total").asLong()).isBetween(500L, 650L);
    }

    private static JsonNode sli(JsonNode app, String id) {
        for (JsonNode sli : app.path("slis")) {
            if (id.equals(sli.path("id").asText())) {
                return sli;
            }
        }
        throw new AssertionError("no " + id + " in " + app);
    }

    private static void readUntil(Process process, List<String> output, String marker, Duration timeout)
            throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (Instant.now().isBefore(deadline) && (line = reader.readLine()) != null) {
            output.add(line);
            if (line.contains(marker)) {
                return;
            }
        }
        throw new AssertionError("the launcher did not print \"" + marker + "\"; it printed:\n" + String.join("\n", output));
    }

    private static String valueLine(List<String> output, String sliId) {
        return output.stream().filter(line -> line.trim().startsWith(sliId + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary line for " + sliId)).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("localhost", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
