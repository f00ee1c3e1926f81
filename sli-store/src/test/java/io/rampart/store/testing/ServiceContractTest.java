package io.rampart.store.testing;

import io.quarkus.test.common.http.TestHTTPResource;
import io.rampart.store.local.LocalPostgres;
import io.rampart.store.testing.hostile.ServiceLog;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.enterprise.inject.spi.CDI;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every Rampart service answers to an operator: liveness, readiness that follows the
 * database and Prometheus metrics on the management port, its OpenAPI document on the API port,
 * the JSON error contract for a request it cannot decode, and a quiet log through a database
 * outage. Each service's test extends it.
 */
public abstract class ServiceContractTest {

    /** Quarkus's management interface, where health checks and metrics are served, on a port of its own. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    /** A request to the management interface. */
    protected RequestSpecification managementInterface() {
        return given().baseUri("http://localhost").port(management.getPort());
    }

    @Test
    void isLive() {
        managementInterface().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void isReadyWhenTheDatabaseAnswers() {
        managementInterface().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void exposesPrometheusMetrics() {
        managementInterface().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    void servesHealthAndMetricsOnlyOnTheManagementPortAndItsApiDocumentOnTheApiPort() {
        assertThat(management.getPort()).isNotEqualTo(RestAssured.port);
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/metrics")) {
            assertThat(given().when().get(path).then().extract().statusCode()).as("%s on the API port", path).isEqualTo(404);
        }
        assertThat(managementInterface().queryParam("format", "json").when().get("/q/openapi").then().extract()
                .statusCode()).as("the OpenAPI document on the management port").isEqualTo(404);
    }

    @Test
    void publishesItsOpenApiDocument() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("openapi", startsWith("3."));
    }

    /**
     * A request line of one of the service's own operations ({@code METHOD /path}), to which the
     * malformed escapes are added.
     */
    protected String anOperation() {
        return "GET /q/openapi";
    }

    @Test
    void malformedEscapesAreRefusedWithTheErrorContractAndNothingOfTheRequestIsLogged() throws IOException {
        ServiceLog log = ServiceLog.fromNow();
        String token = PlatformTokens.admin();
        String method = anOperation().substring(0, anOperation().indexOf(' '));
        String path = anOperation().substring(anOperation().indexOf(' ') + 1);
        String inPath = path.substring(0, path.lastIndexOf('/')) + "/%zz" + path.substring(path.lastIndexOf('/'));
        for (String target : List.of(path + "?jwt=" + token + "&x=%zz", path + "?x=%z&jwt=" + token,
                path + "?jwt=" + token + "&x=%", inPath + "?jwt=" + token, path + "%G1?jwt=" + token)) {
            RawAnswer answer = RawAnswer.of(method, target);
            assertThat(answer.status()).as(target).isBetween(400, 499);
            assertThat(answer.contentType()).as(target).startsWith("application/json");
            assertThat(answer.body()).as(target).contains("\"error\"", "\"detail\"").doesNotContain(token, "%zz");
        }
        log.assertNoLeaks(List.of(token));
    }

    /** An answer to a request line written byte for byte: HTTP clients refuse to send a malformed escape. */
    private record RawAnswer(int status, String contentType, String body) {

        static RawAnswer of(String method, String target) throws IOException {
            try (Socket socket = new Socket("localhost", RestAssured.port)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n[]")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String[] answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .split("\r\n\r\n", 2);
                String[] head = answer[0].split("\r\n");
                String contentType = Arrays.stream(head).filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-type:"))
                        .map(line -> line.substring(line.indexOf(':') + 1).trim()).findFirst().orElse("");
                return new RawAnswer(Integer.parseInt(head[0].split(" ")[1]), contentType,
                        answer.length > 1 ? answer[1] : "");
            }
        }
    }

    @Test
    void migratedTheSchemaAtStart() throws Exception {
        try (Connection connection = DriverManager.getConnection(PostgresResource.jdbcUrl(),
                LocalPostgres.USER, LocalPostgres.PASSWORD);
                ResultSet applied = connection.createStatement().executeQuery(
                        "select count(*) from flyway_schema_history where success and version = '1'")) {
            applied.next();
            assertThat(applied.getInt(1)).isEqualTo(1);
        }
    }

    /**
     * What every statement does while PostgreSQL restarts: the connect is refused, the statement
     * fails at once, and vertx-sql-client's pool timer fires later on the completed statement. A
     * pool of the service's Vert.x with a 1 s connection timeout, on a port nobody listens on,
     * shows in two seconds what a restart shows after the default 30 s.
     */
    @Test
    void aStatementFailingWhileTheDatabaseIsDownLogsNoError() throws Exception {
        ServiceLog log = ServiceLog.fromNow();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setConnectionTimeout(1))
                .connectingTo(new PgConnectOptions().setHost("localhost").setPort(closedPort)
                        .setDatabase(LocalPostgres.DATABASE).setUser(LocalPostgres.USER).setPassword(LocalPostgres.PASSWORD))
                .using(CDI.current().select(Vertx.class).get()).build();
        try {
            Throwable failure = pool.query("select 1").execute().toCompletionStage().handle((rows, e) -> e)
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(failure).as("the statement's own failure").isNotNull();
            Thread.sleep(2000);
        } finally {
            pool.close();
        }
        assertThat(log.written()).contains("WARN").contains("vertx-sql-client#1706");
        log.assertNoLeaks(List.of());
    }

    @Test
    void readinessFollowsTheDatabaseDownAndBackUp() throws Exception {
        PostgresResource.stopDatabase();
        try {
            awaitReadiness(503);
        } finally {
            PostgresResource.restartDatabase();
        }
        awaitReadiness(200);
    }

    private void awaitReadiness(int status) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int last;
        do {
            last = managementInterface().when().get("/q/health/ready").then().extract().statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(250);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("readiness stayed " + last + ", expected " + status);
    }
}
