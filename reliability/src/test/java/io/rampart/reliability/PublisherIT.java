package io.rampart.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.rampart.publisher.MetricItem;
import io.rampart.publisher.MetricStatus;
import io.rampart.publisher.PublishResult;
import io.rampart.publisher.RampartPublisher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The vendors' tooling against the packaged event-ingest and sli-api on an embedded PostgreSQL: the
 * client through lost answers and beside a second publisher of the same items, the CLI jar as a
 * process (success, a bad secret, the build's own Surefire reports, a stopped ingest), and a
 * vendor's test class with {@code @PublishToRampart} in its own JVM. Counts are read in the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublisherIT {

    private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CLI = PROJECT.resolve("publisher/target/rampart-publish.jar");
    private static final Path SUREFIRE_REPORTS = PROJECT.resolve("publisher/target/surefire-reports");
    private static final String SECRET_VARIABLE = "ACME_RAMPART_SECRET";

    private static Cluster cluster;
    private static String ingest;
    private static String appKey;
    private static String secret;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "publisher-");
        cluster = Cluster.startOnly(PROJECT, home, List.of("event-ingest", "sli-api"), 1);
        ingest = cluster.urls("event-ingest").get(0);
        appKey = "com.acme.publisher-" + Long.toString(System.currentTimeMillis(), 36);
        String admin = cluster.keys().token("admin", "admin", List.of(), Duration.ofHours(1));
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(cluster.urls("sli-api").get(0) + "/api/v1/apps"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"appKey\":\"" + appKey + "\",\"name\":\"Acme\","
                        + "\"healthcheckPath\":\"/health\",\"baseUrls\":[{\"url\":\"https://acme.example\",\"label\":\"prod\"}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        secret = new ObjectMapper().readTree(created.body()).path("sharedSecret").asText();
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void retriesAfterLostAnswersAndASecondPublisherOfTheSameItemsCountEachItemOnce() throws Exception {
        List<MetricItem> items = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            items.add(MetricItem.synthetic(i % 10 == 0 ? MetricStatus.FAIL : MetricStatus.SUCCESS)
                    .withDurationMillis(i).withCheckName("login").withEventId("shared-" + i));
        }
        try (LosingProxy proxy = new LosingProxy(ingest, 2)) {
            RampartPublisher throughLosses = RampartPublisher.builder(proxy.url(), appKey, secret)
                    .retryFor(Duration.ofSeconds(30)).build();
            RampartPublisher direct = RampartPublisher.builder(URI.create(ingest), appKey, secret).build();

            CompletableFuture<PublishResult> first = CompletableFuture.supplyAsync(() -> publish(throughLosses, items));
            CompletableFuture<PublishResult> second = CompletableFuture.supplyAsync(() -> publish(direct, items));
            PublishResult a = first.get(60, TimeUnit.SECONDS);
            PublishResult b = second.get(60, TimeUnit.SECONDS);

            assertThat(proxy.lost()).isEqualTo(2);
            assertThat(a.requests()).isEqualTo(3);
            assertThat(a.accepted() + b.accepted()).isLessThanOrEqualTo(2500);
            assertThat(a.accepted() + a.duplicates()).isEqualTo(2500);
            assertThat(b.accepted() + b.duplicates()).isEqualTo(2500);
        }
        assertThat(count("select count(*) from app_event where app_key = ? and event_id like 'shared-%'")).isEqualTo(2500);
        assertThat(count("select count(distinct event_id) from app_event where app_key = ? and event_id like 'shared-%'"))
                .isEqualTo(2500);
        assertThat(count("select count(*) from app_event where app_key = ? and event_id like 'shared-%' and not succeeded"))
                .isEqualTo(250);
    }

    @Test
    @Order(2)
    void theCliPublishesOneItemAndExitsZero() throws Exception {
        Cli run = cli(secret, "--type", "IFRAME", "--status", "SUCCESS", "--duration-ms", "812", "--check", "dashboard",
                "--event-id", "cli-1", "--timestamp", Instant.now().minusSeconds(60).toString());

        assertThat(run.exit).as(run.err).isEqualTo(0);
        assertThat(run.out).contains("published 1 item(s): 1 counted, 0 already stored");
        assertThat(count("select count(*) from app_event where app_key = ? and event_id = 'cli-1' and duration_ms = 812"
                + " and check_name = 'dashboard' and kind = 'IFRAME_APP'")).isEqualTo(1);
    }

    @Test
    @Order(3)
    void aBadSecretExitsThreeWithTheServicesErrorAndNoSecretPrinted() throws Exception {
        Cli run = cli("not-the-secret", "--type", "SYNTHETIC", "--status", "SUCCESS", "--event-id", "cli-bad");

        assertThat(run.exit).isEqualTo(3);
        assertThat(run.err).contains("refused: 401 unauthorized").doesNotContain("not-the-secret").doesNotContain(secret);
        assertThat(count("select count(*) from app_event where app_key = ? and event_id = 'cli-bad'")).isZero();
    }

    @Test
    @Order(4)
    void fromJunitXmlPublishesEveryExecutedCaseOfTheBuildsOwnSurefireReportsOnceEvenWhenRunTwice() throws Exception {
        long executed = 0;
        long failed = 0;
        try (Stream<Path> files = Files.list(SUREFIRE_REPORTS)) {
            for (Path report : files.filter(file -> file.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                NodeList cases = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile())
                        .getElementsByTagName("testcase");
                for (int i = 0; i < cases.getLength(); i++) {
                    Element testCase = (Element) cases.item(i);
                    if (testCase.getElementsByTagName("skipped").getLength() == 0) {
                        executed++;
                        failed += testCase.getElementsByTagName("failure").getLength() > 0
                                || testCase.getElementsByTagName("error").getLength() > 0 ? 1 : 0;
                    }
                }
            }
        }
        assertThat(executed).as("test cases in " + SUREFIRE_REPORTS).isGreaterThan(20);

        Cli first = cli(secret, "--from-junit-xml", SUREFIRE_REPORTS.toString());
        Cli again = cli(secret, "--from-junit-xml", SUREFIRE_REPORTS.toString());

        assertThat(first.exit).as(first.err).isEqualTo(0);
        assertThat(again.exit).as(again.err).isEqualTo(0);
        assertThat(again.out).contains("0 counted, " + executed + " already stored");
        assertThat(count("select count(*) from app_event where app_key = ? and event_id like 'junit-%'")).isEqualTo(executed);
        assertThat(count("select count(*) from app_event where app_key = ? and event_id like 'junit-%' and not succeeded"))
                .isEqualTo(failed);
        assertThat(count("select count(*) from app_event where app_key = ? and check_name"
                + " = 'io.rampart.publisher.RampartPublisherTest.a503IsRetriedAfterItsRetryAfterWithTheSameItems'")).isEqualTo(1);
    }

    @Test
    @Order(5)
    void theExtensionPublishesEachTestOfAVendorsTestClassFromItsOwnJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder vendorBuild = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "io.rampart.reliability.vendor.SampleVendorRun").redirectErrorStream(true);
        vendorBuild.environment().putAll(Map.of("RAMPART_URL", ingest, "RAMPART_APP_KEY", appKey,
                "RAMPART_SHARED_SECRET", secret));
        Process process = vendorBuild.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).as(output).isEqualTo(0);
        assertThat(output).contains("tests succeeded=1 failed=1 containersFailed=0", "published 2 test result(s)");
        String sample = "io.rampart.reliability.vendor.SampleVendorChecks.";
        assertThat(count("select count(*) from app_event where app_key = ? and kind = 'SYNTHETIC' and succeeded"
                + " and check_name = '" + sample + "signsIn' and duration_ms is not null")).isEqualTo(1);
        assertThat(count("select count(*) from app_event where app_key = ? and kind = 'SYNTHETIC' and not succeeded"
                + " and check_name = '" + sample + "exportsTimesheet'")).isEqualTo(1);
    }

    @Test
    @Order(6)
    void aStoppedIngestExitsFourAfterRetrying() throws Exception {
        cluster.stop("event-ingest-1");
        Instant started = Instant.now();

        Cli run = cli(secret, "--type", "SYNTHETIC", "--status", "SUCCESS", "--retry-for", "3");
        Duration took = Duration.between(started, Instant.now());

        assertThat(run.exit).as(run.err).isEqualTo(4);
        assertThat(run.err).contains("not published: gave up after").contains("unreachable");
        Matcher gaveUp = Pattern.compile("gave up after (\\d+) attempt").matcher(run.err);
        assertThat(gaveUp.find()).as(run.err).isTrue();
        int attempts = Integer.parseInt(gaveUp.group(1));
        // Waits are jittered within [half, whole] of 250 ms doubling, and a wait that would end past the retry time
        // gives up at once (docs/publisher.md): so the attempts made waited at least the half-waits before them.
        long leastWaited = 0;
        for (int attempt = 1; attempt < attempts; attempt++) {
            leastWaited += 125L << (attempt - 1);
        }
        assertThat(attempts).as(run.err).isGreaterThan(2);
        // At most the retry time, plus a JVM start on a busy machine.
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(leastWaited)).isLessThan(Duration.ofSeconds(3 + 12));
    }

    private static PublishResult publish(RampartPublisher publisher, List<MetricItem> items) {
        try {
            return publisher.publish(items);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long count(String sql) throws Exception {
        try (Connection database = cluster.database(); PreparedStatement statement = database.prepareStatement(sql)) {
            statement.setString(1, appKey);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private record Cli(int exit, String out, String err) {
    }

    /** {@code java -jar publisher/target/rampart-publish.jar} with the secret in an environment variable only. */
    private static Cli cli(String sharedSecret, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                CLI.toString(), "--url", ingest, "--app", appKey, "--secret-env", SECRET_VARIABLE));
        command.addAll(List.of(flags));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(SECRET_VARIABLE, sharedSecret);
        Path out = Files.createTempFile(Path.of("target"), "cli-", ".out");
        Path err = Files.createTempFile(Path.of("target"), "cli-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new Cli(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Forwards requests to the ingest and, for the first {@code losses} of them, answers 503 in
     * place of the ingest's answer: the commit happened, the publisher never heard of it.
     */
    private static final class LosingProxy implements AutoCloseable {

        private final HttpServer server;
        private final AtomicInteger lost = new AtomicInteger();

        LosingProxy(String target, int losses) throws IOException {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpResponse<byte[]> answer;
                try {
                    answer = http.send(HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI().getRawPath()))
                            .header("Authorization", exchange.getRequestHeaders().getFirst("Authorization"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                boolean lose = answer.statusCode() == 200 && lost.getAndUpdate(n -> n < losses ? n + 1 : n) < losses;
                byte[] reply = lose ? "{\"error\":\"unavailable\",\"detail\":\"answer lost\"}".getBytes(StandardCharsets.UTF_8)
                        : answer.body();
                if (lose) {
                    exchange.getResponseHeaders().add("Retry-After", "1");
                }
                exchange.sendResponseHeaders(lose ? 503 : answer.statusCode(), reply.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply);
                }
            });
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        int lost() {
            return lost.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
