package io.rampart.store.testing;

import io.rampart.store.local.LocalPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every Rampart service answers to an operator: liveness, readiness that follows the
 * database, Prometheus metrics and its OpenAPI document. Each service's test extends it.
 */
public abstract class ServiceContractTest {

    @Test
    void isLive() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void isReadyWhenTheDatabaseAnswers() {
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
    }

    @Test
    void publishesItsOpenApiDocument() {
        given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .body("openapi", startsWith("3."));
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

    private static void awaitReadiness(int status) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        int last;
        do {
            last = given().when().get("/q/health/ready").then().extract().statusCode();
            if (last == status) {
                return;
            }
            Thread.sleep(250);
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("readiness stayed " + last + ", expected " + status);
    }
}
