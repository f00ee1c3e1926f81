package io.rampart.store.testing;

import io.rampart.store.local.LocalPostgres;
import io.rampart.store.secret.SecretSealer;

import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one set of test builders every module uses: registry rows as sli-api writes them (apps,
 * targets, sealed shared secrets, probe locations), raw events as the prober and ingest write them
 * (probe_result, app_event), and reads of what was stored, straight through JDBC on the test
 * database ({@link PostgresResource}). The database is shared by a module's tests: every app gets
 * a key no other test uses.
 */
public final class TestApps {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestApps() {
    }

    /** An app key no other test of this JVM uses: {@code test.<purpose>.<n>.<random>}. */
    public static String uniqueAppKey(String purpose) {
        return "test." + purpose + "." + SEQUENCE.incrementAndGet() + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** An app to register: defaults as sli-api's (enabled, health check path /health, every 60 s). */
    public static AppBuilder app(String purpose) {
        return new AppBuilder(uniqueAppKey(purpose));
    }

    /** Registers an enabled app whose current shared secret is {@code secret} and answers its key. */
    public static String register(SecretSealer sealer, String purpose, String secret) {
        return app(purpose).secret(sealer, secret).register();
    }

    /** The fields of one app row and its first shared secret. */
    public static final class AppBuilder {

        private final String appKey;
        private String name;
        private String healthcheckPath = "/health";
        private int checkIntervalSeconds = 60;
        private SecretSealer sealer;
        private String secret;

        private AppBuilder(String appKey) {
            this.appKey = appKey;
            this.name = "App " + appKey;
        }

        public AppBuilder name(String name) {
            this.name = name;
            return this;
        }

        public AppBuilder healthcheckPath(String healthcheckPath) {
            this.healthcheckPath = healthcheckPath;
            return this;
        }

        public AppBuilder checkIntervalSeconds(int checkIntervalSeconds) {
            this.checkIntervalSeconds = checkIntervalSeconds;
            return this;
        }

        /** The app's shared secret (version 1), sealed as sli-api seals it. */
        public AppBuilder secret(SecretSealer sealer, String secret) {
            this.sealer = sealer;
            this.secret = secret;
            return this;
        }

        /** Writes the rows and answers the app's key. */
        public String register() {
            execute("insert into app (app_key, name, healthcheck_path, check_interval_seconds) values (?, ?, ?, ?)",
                    appKey, name, healthcheckPath, checkIntervalSeconds);
            if (secret != null) {
                addSecret(sealer, appKey, 1, secret);
            }
            return appKey;
        }
    }

    /** A health check target of the app; answers its id. */
    public static long target(String appKey, String label, String baseUrl) {
        return count("insert into healthcheck_target (app_key, label, base_url) values (?, ?, ?) returning id",
                appKey, label, baseUrl);
    }

    public static long targetId(String appKey, String label) {
        return count("select id from healthcheck_target where app_key = ? and label = ?", appKey, label);
    }

    /** Rotates the shared secret the way sli-api does: the old one stays valid until {@code graceEnd}. */
    public static void rotate(SecretSealer sealer, String appKey, String newSecret, Instant graceEnd) {
        int version = (int) count("select max(version) from app_secret where app_key = ?", appKey);
        execute("update app_secret set valid_until = ? where app_key = ? and valid_until is null",
                Timestamp.from(graceEnd), appKey);
        addSecret(sealer, appKey, version + 1, newSecret);
    }

    public static void setEnabled(String appKey, boolean enabled) {
        execute("update app set enabled = ? where app_key = ?", enabled, appKey);
    }

    public static void setTargetEnabled(long targetId, boolean enabled) {
        execute("update healthcheck_target set enabled = ? where id = ?", enabled, targetId);
    }

    public static void setCheckInterval(String appKey, int intervalSeconds) {
        execute("update app set check_interval_seconds = ? where app_key = ?", intervalSeconds, appKey);
    }

    /** Where the app's targets are probed from, as sli-api stores it; none: every live location. */
    public static void setProbeLocations(String appKey, String... locations) {
        try (Connection connection = connect();
                PreparedStatement statement = connection.prepareStatement("update app set probe_locations = ? where app_key = ?")) {
            Array array = locations.length == 0 ? null : connection.createArrayOf("text", locations);
            statement.setArray(1, array);
            statement.setString(2, appKey);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The app's quorum rule over its locations ({@code any}, {@code quorum}, {@code all}), as sli-api stores it. */
    public static void setQuorum(String appKey, String quorum) {
        execute("update app set quorum = ? where app_key = ?", quorum, appKey);
    }

    /** One probe result as healthcheck-prober records it (location {@code local}, prober {@code test}). */
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

    /** The app's raw events as ingest stored them. */
    public static long events(String appKey) {
        return count("select count(*) from app_event where app_key = ?", appKey);
    }

    public static void execute(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters)) {
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of the first row of a query that counts, sums or returns an id. */
    public static long count(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first row of a query, column name to value. */
    public static Map<String, Object> query(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new IllegalStateException("no row for " + sql);
            }
            Map<String, Object> row = new HashMap<>();
            for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                row.put(rows.getMetaData().getColumnLabel(column), rows.getObject(column));
            }
            return row;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(PostgresResource.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static void addSecret(SecretSealer sealer, String appKey, int version, String secret) {
        SecretSealer.Sealed sealed = sealer.seal(appKey, secret);
        execute("insert into app_secret (app_key, version, key_id, sealed) values (?, ?, ?, ?)",
                appKey, version, sealed.keyId(), sealed.bytes());
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
