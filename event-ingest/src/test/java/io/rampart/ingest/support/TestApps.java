package io.rampart.ingest.support;

import io.rampart.store.local.LocalPostgres;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PostgresResource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Registry rows as sli-api writes them (apps and sealed shared secrets), and reads of what ingest
 * stored, straight through JDBC. Every test uses its own app keys: the database is shared.
 */
public final class TestApps {

    private TestApps() {
    }

    public static String newAppKey(String purpose) {
        return "test." + purpose + "." + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers an enabled app whose current shared secret is {@code secret}. */
    public static String register(SecretSealer sealer, String purpose, String secret) {
        String appKey = newAppKey(purpose);
        update("insert into app (app_key, name) values (?, ?)", appKey, "App " + appKey);
        addSecret(sealer, appKey, 1, secret);
        return appKey;
    }

    /** Rotates the shared secret the way sli-api does: the old one stays valid until {@code graceEnd}. */
    public static void rotate(SecretSealer sealer, String appKey, String newSecret, Instant graceEnd) {
        int version = (int) count("select max(version) from app_secret where app_key = ?", appKey);
        update("update app_secret set valid_until = ? where app_key = ? and valid_until is null",
                Timestamp.from(graceEnd), appKey);
        addSecret(sealer, appKey, version + 1, newSecret);
    }

    public static void setEnabled(String appKey, boolean enabled) {
        update("update app set enabled = ? where app_key = ?", enabled, appKey);
    }

    /** The first column of the first row of a query that counts (or sums) something. */
    public static long count(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters);
                ResultSet result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long events(String appKey) {
        return count("select count(*) from app_event where app_key = ?", appKey);
    }

    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(PostgresResource.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static void addSecret(SecretSealer sealer, String appKey, int version, String secret) {
        SecretSealer.Sealed sealed = sealer.seal(appKey, secret);
        update("insert into app_secret (app_key, version, key_id, sealed) values (?, ?, ?, ?)",
                appKey, version, sealed.keyId(), sealed.bytes());
    }

    private static void update(String sql, Object... parameters) {
        try (Connection connection = connect(); PreparedStatement statement = prepare(connection, sql, parameters)) {
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }
}
