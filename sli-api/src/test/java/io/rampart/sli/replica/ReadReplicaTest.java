package io.rampart.sli.replica;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rampart.store.local.LocalPostgres;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.ReplicatedPostgresResource;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongPredicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads on a replica, against a real streaming standby: SLI answers come from it while it is
 * within the lag bound, from the primary once it falls further behind; the registry reads its own
 * writes from the primary whatever the replica shows.
 */
@QuarkusTest
@TestProfile(ReadReplicaTest.OnAStandby.class)
class ReadReplicaTest {

    private static final Duration MAX_LAG = Duration.ofSeconds(4);

    /** The service on a primary with a streaming standby as its read host, a short lag bound. */
    public static class OnAStandby implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ReplicatedPostgresResource.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rampart.db.read.max-lag", MAX_LAG.toMillis() + "ms", "rampart.db.read.lag-check-interval", "200ms");
        }
    }

    private final Instant hour = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.HOURS);

    @AfterEach
    void resumeReplay() throws SQLException {
        ReplicatedPostgresResource.pauseReplay(false);
    }

    @Test
    void slisAreReadOnTheReplicaWithinTheLagBoundAndOnThePrimaryBeyondIt() throws Exception {
        String appKey = register();
        insertIframeLoads(appKey, 10);
        awaitTotal(appKey, total -> total == 10, Duration.ofSeconds(20));

        // A fresh commit on the replica, then its replay stops: from here on it lags.
        String marker = register();
        awaitOnStandby(marker);
        ReplicatedPostgresResource.pauseReplay(true);
        Instant paused = Instant.now();
        insertIframeLoads(appKey, 5);

        assertThat(total(appKey)).as("read on the replica, behind by less than the bound").isEqualTo(10);
        awaitTotal(appKey, total -> total == 15, Duration.ofSeconds(20));
        assertThat(Duration.between(paused, Instant.now())).as("the primary took over once the lag passed the bound")
                .isGreaterThanOrEqualTo(MAX_LAG.minusSeconds(1));
    }

    @Test
    void theRegistryReadsItsOwnWritesFromThePrimaryWhileTheReplicaLags() throws Exception {
        ReplicatedPostgresResource.pauseReplay(true);
        String appKey = register();
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"name\": \"Renamed\"}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(200);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200)
                .body("name", org.hamcrest.Matchers.equalTo("Renamed"));
        try (Connection standby = DriverManager.getConnection(ReplicatedPostgresResource.standbyJdbcUrl(),
                LocalPostgres.USER, LocalPostgres.PASSWORD);
                PreparedStatement app = standby.prepareStatement("select count(*) from app where app_key = ?")) {
            app.setString(1, appKey);
            try (ResultSet rows = app.executeQuery()) {
                rows.next();
                assertThat(rows.getLong(1)).as("the replica has not replayed the app yet").isZero();
            }
        }
    }

    private static String register() {
        String appKey = "test.replica." + UUID.randomUUID().toString().substring(0, 8);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"appKey\":\"" + appKey + "\",\"name\":\"Replica test\",\"baseUrls\":[]}")
                .post("/api/v1/apps").then().statusCode(201);
        return appKey;
    }

    private void insertIframeLoads(String appKey, int count) throws SQLException {
        try (Connection primary = DriverManager.getConnection(ReplicatedPostgresResource.primaryJdbcUrl(),
                LocalPostgres.USER, LocalPostgres.PASSWORD);
                PreparedStatement insert = primary.prepareStatement("insert into app_event (app_key, kind, occurred_at,"
                        + " duration_ms, succeeded) select ?, 'IFRAME_HOST', ?, 800, true from generate_series(1, ?)")) {
            insert.setString(1, appKey);
            insert.setTimestamp(2, Timestamp.from(hour.plusSeconds(90)));
            insert.setInt(3, count);
            insert.executeUpdate();
        }
    }

    private static void awaitOnStandby(String appKey) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        try (Connection standby = DriverManager.getConnection(ReplicatedPostgresResource.standbyJdbcUrl(),
                LocalPostgres.USER, LocalPostgres.PASSWORD);
                PreparedStatement app = standby.prepareStatement("select count(*) from app where app_key = ?")) {
            app.setString(1, appKey);
            while (Instant.now().isBefore(deadline)) {
                try (ResultSet rows = app.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) == 1) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("the standby did not replay " + appKey);
    }

    private long total(String appKey) {
        return given().auth().oauth2(PlatformTokens.admin())
                .queryParam("from", hour.toString()).queryParam("to", hour.plus(1, ChronoUnit.HOURS).toString())
                .get("/api/v1/apps/" + appKey + "/slis").then().statusCode(200).extract().jsonPath()
                .getLong("slis.find { it.id == 'iframe_load_success_rate' }.total");
    }

    private void awaitTotal(String appKey, LongPredicate expected, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        long total = -1;
        while (Instant.now().isBefore(deadline)) {
            total = total(appKey);
            if (expected.test(total)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the iframe load total stayed at " + total);
    }
}
