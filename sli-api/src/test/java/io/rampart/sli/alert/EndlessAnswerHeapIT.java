package io.rampart.sli.alert;

import io.rampart.sli.outgoing.HostilePeers;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sli-api under the deploy manifests' heap ({@code -Xmx192m -XX:+ExitOnOutOfMemoryError})
 * with its schedulers running, one app's receiver streaming an endless answer as fast as loopback
 * carries it: the service stays up and ready, that delivery ends FAILED after its attempts, and
 * another app's notification goes out.
 */
class EndlessAnswerHeapIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private static HostilePeers peers;
    private static WebhookReceiver receiver;
    private static Process service;
    private static Path log;
    private static int port;
    private static int managementPort;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new PostgresResource().start();
        peers = new HostilePeers();
        receiver = new WebhookReceiver();
        port = freePort();
        managementPort = freePort();
        log = Files.createDirectories(Path.of("target")).resolve("endless-answer-heap-it.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx192m", "-XX:+ExitOnOutOfMemoryError", "-jar",
                Path.of("target/quarkus-app/quarkus-run.jar").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(settings);
        builder.environment().putAll(Map.of(
                "QUARKUS_PROFILE", "local",
                "QUARKUS_HTTP_PORT", Integer.toString(port),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                "RAMPART_ALERTS_EVALUATE_EVERY", "1s",
                "RAMPART_ALERTS_DELIVERY_EVERY", "1s",
                "RAMPART_ALERTS_DELIVERY_TIMEOUT", "5s",
                "RAMPART_ALERTS_DELIVERY_INITIAL_BACKOFF", "1s",
                "RAMPART_ALERTS_DELIVERY_MAX_BACKOFF", "1s",
                "RAMPART_ALERTS_DELIVERY_MAX_ATTEMPTS", "3",
                "RAMPART_STATUSPAGE_ENABLED", "false"));
        service = builder.start();
        awaitReady();
        RestAssured.port = port;
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (service != null) {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
        }
        if (peers != null) {
            peers.close();
        }
        if (receiver != null) {
            receiver.close();
        }
        RestAssured.reset();
    }

    @Test
    void anEndlessAnswerLeavesTheServiceUpAndItsDeliveryFailedWhileOtherAppsAreNotified() throws Exception {
        String streaming = register("heap-endless");
        String other = register("heap-other");
        channel(streaming, peers.url(HostilePeers.Behaviour.ENDLESS));
        String healthy = receiver.hook(200);
        channel(other, healthy);
        Instant now = Instant.now();
        probe(streaming, targetId(streaming, "prod"), now.minus(1, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        probe(other, targetId(other, "prod"), now.minus(1, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);

        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Object> endless = null;
        while (System.nanoTime() < deadline) {
            try {
                endless = notification(streaming);
            } catch (Exception unreachable) {
                // The service refused the connection: alive (a moment's hiccup) or dead (checked below).
                Thread.sleep(200);
            }
            assertThat(service.isAlive()).as("sli-api is up (its log: %s)", log).isTrue();
            if (endless != null && "FAILED".equals(endless.get("state")) && !receiver.received(healthy).isEmpty()) {
                break;
            }
            Thread.sleep(500);
        }

        assertThat(service.isAlive()).as("sli-api is up (its log: %s)", log).isTrue();
        assertThat(ready()).as("sli-api is ready").isTrue();
        assertThat(endless).containsEntry("state", "FAILED").containsEntry("attempts", 3)
                .containsEntry("lastError", "answer too large");
        assertThat(receiver.received(healthy)).as("the other app's notification").hasSize(1);
        assertThat(peers.acceptedConnections(HostilePeers.Behaviour.ENDLESS)).isEqualTo(3);
        assertThat(peers.awaitNoOpenConnections(HostilePeers.Behaviour.ENDLESS, Duration.ofSeconds(5))).isTrue();
        System.out.printf("endless answer under -Xmx192m: %d attempts, each cut and reset; the other app notified%n",
                peers.acceptedConnections(HostilePeers.Behaviour.ENDLESS));
    }

    private static String register(String prefix) {
        String appKey = uniqueAppKey(prefix);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("appKey", appKey, "name", "Heap test",
                        "baseUrls", List.of(Map.of("label", "prod", "url", "https://prod.example"))))
                .post("/api/v1/apps").then().statusCode(201);
        return appKey;
    }

    private static void channel(String appKey, String url) {
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(Map.of("url", url))
                .post("/api/v1/apps/" + appKey + "/notification-channels").then().statusCode(201);
    }

    /** The app's only notification, or null before its incident opened. */
    private static Map<String, Object> notification(String appKey) {
        List<Map<String, Object>> notifications = given().auth().oauth2(PlatformTokens.admin())
                .get("/api/v1/apps/" + appKey + "/incidents").then().statusCode(200).extract().jsonPath()
                .getList("notifications.flatten()");
        return notifications.isEmpty() ? null : notifications.get(0);
    }

    private static void awaitReady() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("sli-api exited with " + service.exitValue() + "; see " + log);
            }
            if (ready()) {
                return;
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException("sli-api was not ready within " + WAIT + "; see " + log);
    }

    /** Whether /q/health/ready answers 200, on the management interface or, where it is off, the API port. */
    private static boolean ready() throws InterruptedException {
        for (int candidate : List.of(managementPort, port)) {
            try {
                HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + candidate
                        + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (answer.statusCode() == 200) {
                    return true;
                }
            } catch (IOException notListening) {
                // the other port, or not up yet
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
