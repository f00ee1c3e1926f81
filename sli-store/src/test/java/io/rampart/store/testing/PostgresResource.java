package io.rampart.store.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rampart.store.local.LocalPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real PostgreSQL behind every {@code @QuarkusTest}: one embedded server per test JVM, on a
 * free port, with its files under the module's {@code target/}. Also hands the services a fresh
 * platform key pair ({@link PlatformTokens} signs with it).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private static LocalPostgres postgres;
    private static Path directory;
    private static int port;

    @Override
    public synchronized Map<String, String> start() {
        if (postgres == null) {
            try {
                directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "embedded-pg-");
                postgres = LocalPostgres.start(directory, 0);
                port = postgres.port();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Map<String, String> config = new HashMap<>(connectionSettings());
        config.putAll(PlatformTokens.serviceConfig());
        return config;
    }

    /** The RAMPART_DB_* settings of the test database. */
    public static synchronized Map<String, String> connectionSettings() {
        return Map.of(
                "RAMPART_DB_HOST", "localhost",
                "RAMPART_DB_PORT", Integer.toString(port),
                "RAMPART_DB_NAME", LocalPostgres.DATABASE,
                "RAMPART_DB_USER", LocalPostgres.USER,
                "RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD);
    }

    /** A JDBC URL of the test database, for assertions that read the tables directly. */
    public static synchronized String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/" + LocalPostgres.DATABASE;
    }

    /** Stops the server, as an outage would; {@link #restartDatabase()} brings it back on the same port. */
    public static synchronized void stopDatabase() throws IOException {
        postgres.close();
    }

    /** Starts the server again on the same port with the same data. */
    public static synchronized void restartDatabase() throws IOException {
        postgres = LocalPostgres.start(directory, port);
    }

    @Override
    public void stop() {
        // The server outlives a test class so that the next one need not wait for a new one;
        // zonky stops it when the JVM exits.
    }
}
