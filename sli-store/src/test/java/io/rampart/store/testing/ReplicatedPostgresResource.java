package io.rampart.store.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.rampart.store.local.LocalPostgres;
import io.rampart.store.local.LocalReplication;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A primary and a hot standby streaming from it (asynchronously, as the {@code -ro} replicas
 * may lag), for the read-replica tests: the service writes to the primary ({@code RAMPART_DB_*})
 * and reads from the standby ({@code RAMPART_DB_READ_*}). Use it in a test profile that disables
 * the global {@link PostgresResource}.
 */
public class ReplicatedPostgresResource implements QuarkusTestResourceLifecycleManager {

    private static final String STANDBY_NAME = "readreplica";
    private static LocalPostgres primary;
    private static LocalPostgres standby;
    private static int primaryPort;
    private static int standbyPort;

    @Override
    public synchronized Map<String, String> start() {
        try {
            Path directory = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "replicated-pg-");
            primaryPort = freePort();
            standbyPort = freePort();
            LocalReplication.prepare(directory.resolve("primary"), primaryPort, directory.resolve("standby"), primaryPort,
                    STANDBY_NAME, false);
            primary = LocalPostgres.start(directory.resolve("primary"), primaryPort, LocalReplication.DURABLE);
            standby = LocalPostgres.start(directory.resolve("standby"), standbyPort, LocalReplication.DURABLE);
            LocalReplication.awaitStreaming(primary, STANDBY_NAME, false, Duration.ofSeconds(30));
            Map<String, String> config = new HashMap<>(PlatformTokens.serviceConfig());
            config.putAll(Map.of(
                    "RAMPART_DB_HOST", "localhost",
                    "RAMPART_DB_PORT", Integer.toString(primaryPort),
                    "RAMPART_DB_READ_HOST", "localhost",
                    "RAMPART_DB_READ_PORT", Integer.toString(standbyPort),
                    "RAMPART_DB_NAME", LocalPostgres.DATABASE,
                    "RAMPART_DB_USER", LocalPostgres.USER,
                    "RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The primary, for the test's own writes and checks. */
    public static String primaryJdbcUrl() {
        return "jdbc:postgresql://localhost:" + primaryPort + "/" + LocalPostgres.DATABASE;
    }

    /** The standby, to see what it has replayed. */
    public static String standbyJdbcUrl() {
        return "jdbc:postgresql://localhost:" + standbyPort + "/" + LocalPostgres.DATABASE;
    }

    /** Stops (or resumes) the standby's replay: it keeps receiving WAL, but its answers fall behind. */
    public static void pauseReplay(boolean paused) throws SQLException {
        LocalReplication.pauseReplay(standby, paused);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public synchronized void stop() {
        try {
            standby.close();
            primary.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
