package io.rampart.local;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's run command as a new user meets it: the packaged launcher starts the database and
 * the three services, prints their URLs and tokens, runs the demo whose SLIs show real figures,
 * and stops everything it started on SIGTERM.
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
        try {
            readUntil(launcher, output, "Press Ctrl-C to stop.", Duration.ofMinutes(4));
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
        for (int port : ports.values()) {
            assertThat(listening(port)).as("port %d closed after stop", port).isFalse();
        }
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
