package io.rampart.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo of a local run: an app whose health endpoints this process serves itself (one target
 * always healthy, one that fails every tenth check), registered through the registry API, and a
 * few vendor and host events published through the ingest APIs at start and every minute, so
 * that the prober, the SLIs and the status page show real figures within a minute.
 */
final class Demo implements AutoCloseable {

    static final String APP_KEY = "com.example.rampart-demo";
    private static final String PUBLISH_PATH = "/rest/atlassian-connect/latest/addons-metrics/" + APP_KEY + "/publish";

    private static final String FLEET_HEALTH_PATH = "/fleet";

    private final ObjectMapper json = new ObjectMapper();
    final HttpClient http;
    final String sliApi;
    final String ingest;
    final String adminToken;
    final String hostToken;
    private final Random random = new Random(42);
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
    private HttpServer healthServer;
    private String sharedSecret;

    Demo(HttpClient http, String sliApi, String ingest, String adminToken, String hostToken) {
        this.http = http;
        this.sliApi = sliApi;
        this.ingest = ingest;
        this.adminToken = adminToken;
        this.hostToken = hostToken;
    }

    /** Serves the health endpoints, registers the app and starts publishing; returns the app's base URLs. */
    void start(int healthPort) throws IOException, InterruptedException {
        healthServer = HttpServer.create(new InetSocketAddress("127.0.0.1", healthPort), 0);
        healthServer.createContext("/primary/health", exchange -> answer(exchange.getResponseBody(), exchange, 200));
        AtomicLong secondaryChecks = new AtomicLong();
        healthServer.createContext("/secondary/health", exchange ->
                answer(exchange.getResponseBody(), exchange, secondaryChecks.incrementAndGet() % 10 == 0 ? 503 : 200));
        // The demo fleet's targets (DemoFleet): always healthy now, their trouble lies in their history.
        healthServer.createContext(FLEET_HEALTH_PATH, exchange -> answer(exchange.getResponseBody(), exchange, 200));
        healthServer.start();
        sharedSecret = registerApp("http://127.0.0.1:" + healthPort);
        publishBatch(Instant.now().minus(Duration.ofMinutes(55)), Duration.ofMinutes(55), 40);
        publisher.scheduleAtFixedRate(this::publishQuietly, 60, 60, TimeUnit.SECONDS);
    }

    /** The base URL under which every demo fleet app's health check is answered (with the app key as next segment). */
    String fleetHealthBase() {
        return "http://127.0.0.1:" + healthServer.getAddress().getPort() + FLEET_HEALTH_PATH;
    }

    private static void answer(OutputStream body, com.sun.net.httpserver.HttpExchange exchange, int status)
            throws IOException {
        byte[] bytes = ("{\"status\":\"" + (status == 200 ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        body.write(bytes);
        body.close();
    }

    private String registerApp(String baseUrl) throws IOException, InterruptedException {
        ObjectNode app = json.createObjectNode()
                .put("appKey", APP_KEY)
                .put("name", "Rampart demo app")
                .put("partnerName", "Example Software")
                .put("healthcheckPath", "/health")
                .put("checkIntervalSeconds", 15)
                // Public, so the demo's status page opens in a browser without signing in.
                .put("statusPagePublic", true);
        ArrayNode baseUrls = app.putArray("baseUrls");
        baseUrls.addObject().put("url", baseUrl + "/primary").put("label", "primary");
        baseUrls.addObject().put("url", baseUrl + "/secondary").put("label", "secondary");
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(sliApi + "/api/v1/apps"))
                .header("Authorization", "Bearer " + adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(app.toString())));
        if (created.statusCode() == 201) {
            return json.readTree(created.body()).path("sharedSecret").asText();
        }
        if (created.statusCode() == 409) {
            // Registered by an earlier run: its secret was shown then only, so rotate to get one.
            HttpResponse<String> rotated = send(HttpRequest.newBuilder(
                            URI.create(sliApi + "/api/v1/apps/" + APP_KEY + "/shared-secret/rotate"))
                    .header("Authorization", "Bearer " + adminToken)
                    .POST(HttpRequest.BodyPublishers.noBody()));
            if (rotated.statusCode() / 100 == 2) {
                return json.readTree(rotated.body()).path("sharedSecret").asText();
            }
            throw new IOException("rotating the demo app's secret answered " + rotated.statusCode() + ": " + rotated.body());
        }
        throw new IOException("registering the demo app answered " + created.statusCode() + ": " + created.body());
    }

    private void publishQuietly() {
        try {
            publishBatch(Instant.now().minus(Duration.ofMinutes(1)), Duration.ofMinutes(1), 8);
        } catch (IOException | RuntimeException e) {
            System.err.println("demo: publishing events failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Publishes about {@code size} events of every kind, spread over {@code span} from {@code from}. */
    private void publishBatch(Instant from, Duration span, int size) throws IOException, InterruptedException {
        ArrayNode vendorItems = json.createArrayNode();
        ArrayNode hostEvents = json.createArrayNode();
        for (int i = 0; i < size; i++) {
            Instant at = from.plusMillis((long) (random.nextDouble() * span.toMillis()));
            vendorItems.addObject().put("metricsType", "IFRAME")
                    .put("status", random.nextInt(20) == 0 ? "FAIL" : "SUCCESS")
                    .put("durationInMillis", 250 + random.nextInt(1500)).put("timestamp", at.toString());
            if (i % 4 == 0) {
                vendorItems.addObject().put("metricsType", "SYNTHETIC").put("checkName", "create-timesheet")
                        .put("status", random.nextInt(10) == 0 ? "FAIL" : "SUCCESS")
                        .put("durationInMillis", 2000 + random.nextInt(3000)).put("timestamp", at.toString());
            }
            hostEvent(hostEvents, "IFRAME_LOAD", at, random.nextInt(30) == 0 ? 12_000 : 400 + random.nextInt(2500))
                    .put("connected", random.nextInt(30) != 0);
            ObjectNode webhook = hostEvent(hostEvents, "WEBHOOK", at, 80 + random.nextInt(600))
                    .put("queueMs", random.nextInt(200))
                    .put("product", i % 2 == 0 ? "jira" : "confluence")
                    .put("event", i % 2 == 0 ? "jira:issue_created" : "page_created");
            if (random.nextInt(25) == 0) {
                webhook.put("errorKind", "TIMEOUT");
            } else {
                webhook.put("statusCode", random.nextInt(15) == 0 ? 500 : 200);
            }
            if (i % 10 == 0) {
                hostEvent(hostEvents, "LIFECYCLE", at, 150 + random.nextInt(800))
                        .put("lifecycle", i % 20 == 0 ? "installed" : "updated")
                        .put("statusCode", random.nextInt(8) == 0 ? 500 : 204);
            }
        }
        expect2xx("publishing vendor metrics", send(HttpRequest.newBuilder(URI.create(ingest + PUBLISH_PATH))
                .header("Authorization", "JWT " + ConnectJwt.sign(APP_KEY, sharedSecret, "PUT", PUBLISH_PATH))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(vendorItems.toString()))));
        ObjectNode body = json.createObjectNode();
        body.set("events", hostEvents);
        expect2xx("publishing host events", send(HttpRequest.newBuilder(URI.create(ingest + "/api/v1/host-events"))
                .header("Authorization", "Bearer " + hostToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    private static ObjectNode hostEvent(ArrayNode events, String type, Instant at, int durationMs) {
        return events.addObject().put("type", type).put("appKey", APP_KEY)
                .put("occurredAt", at.toString()).put("durationMs", durationMs);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect2xx(String what, HttpResponse<String> response) throws IOException {
        if (response.statusCode() / 100 != 2) {
            throw new IOException(what + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    JsonNode summary(String token) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(sliApi + "/api/v1/apps/" + APP_KEY + "/slis?window=1h"))
                .header("Authorization", "Bearer " + token).GET());
        expect2xx("reading the demo app's SLIs", response);
        return json.readTree(response.body());
    }

    @Override
    public void close() {
        publisher.shutdownNow();
        if (healthServer != null) {
            healthServer.stop(0);
        }
    }
}
