package io.rampart.sli;

import io.rampart.store.local.LocalPostgres;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.secret.SecretsConfig;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;

/**
 * Test data as the other services write it: apps through the registry API, raw events straight
 * into probe_result and app_event with SQL (what the prober and ingest do).
 */
public final class TestData {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestData() {
    }

    /** An app key no other test of this JVM uses (one database per test JVM). */
    public static String uniqueAppKey(String prefix) {
        return "test." + prefix + "." + SEQUENCE.incrementAndGet() + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A whole hour three days ago: inside the prepared daily partitions, far from now. */
    public static Instant baseHour() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.DAYS);
    }

    /** A sealer whose active key is the one the test profile lists as previous: secrets sealed before a key rotation. */
    public static SecretSealer retiredKeySealer() {
        return new SecretSealer(new SecretsConfig() {
            @Override
            public String key() {
                return "old:b2xkLXJhbXBhcnQtc2VhbGluZy1rZXktMzItYnl0ZXM=";
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return Optional.empty();
            }
        });
    }

    /** Registers an app with the given target labels (https://label.example) and answers its key. */
    public static String registerApp(String prefix, String... targetLabels) {
        String appKey = uniqueAppKey(prefix);
        StringBuilder baseUrls = new StringBuilder();
        for (String label : targetLabels) {
            baseUrls.append(baseUrls.isEmpty() ? "" : ",")
                    .append("{\"label\":\"").append(label).append("\",\"url\":\"https://").append(label).append(".example\"}");
        }
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"appKey\":\"" + appKey + "\",\"name\":\"Test\",\"baseUrls\":[" + baseUrls + "]}")
                .post("/api/v1/apps").then().statusCode(201);
        return appKey;
    }

    public static long targetId(String appKey, String label) {
        return ((Number) query("select id from healthcheck_target where app_key = ? and label = ?", appKey, label)
                .get("id")).longValue();
    }

    /** One probe result as healthcheck-prober records it. */
    public static void probe(String appKey, long targetId, Instant at, int durationMs, String outcome, Integer statusCode) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                + " status_code, prober) values (?, ?, ?, ?, ?, ?, ?, 'test')",
                targetId, appKey, Timestamp.from(at), Timestamp.from(at), durationMs, outcome, statusCode);
    }

    /** One app_event row as event-ingest records it; null stands for a column left empty. */
    public static void event(String appKey, String kind, Instant at, Integer durationMs, Boolean succeeded,
            Integer statusCode, String errorKind, String product) {
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded, status_code, error_kind,"
                + " product) values (?, ?, ?, ?, ?, ?, ?, ?)",
                appKey, kind, Timestamp.from(at), durationMs, succeeded, statusCode, errorKind, product);
    }

    public static void execute(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first row of a query, column name to value. */
    public static Map<String, Object> query(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            var rows = statement.executeQuery();
            if (!rows.next()) {
                throw new IllegalStateException("no row for " + sql);
            }
            Map<String, Object> row = new java.util.HashMap<>();
            for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                row.put(rows.getMetaData().getColumnLabel(column), rows.getObject(column));
            }
            return row;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(PostgresResource.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
    }
}
