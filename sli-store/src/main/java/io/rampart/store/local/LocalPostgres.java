package io.rampart.store.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * A real PostgreSQL server started from the binaries shipped in a Maven artifact, for local runs
 * and tests on machines without Docker. Its data stays in {@code directory/data}, so a restart
 * keeps what was stored; the database and role {@value #DATABASE} are created on first start.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String DATABASE = "rampart";
    public static final String USER = "rampart";
    public static final String PASSWORD = "rampart";

    private final EmbeddedPostgres server;
    private final Path data;

    private LocalPostgres(EmbeddedPostgres server, Path data) {
        this.server = server;
        this.data = data;
    }

    /**
     * Starts (or, after a stop, restarts) the server keeping its files under {@code directory}.
     *
     * @param port the port to listen on, or 0 for any free port
     */
    public static LocalPostgres start(Path directory, int port) throws IOException {
        return start(directory, port, Map.of());
    }

    /**
     * As {@link #start(Path, int)}, with more server settings (replication, for the failover drill
     * and the read-replica tests; values without spaces: pg_ctl passes them on a command line). A
     * standby (its data holds {@code standby.signal}) is only read.
     */
    public static LocalPostgres start(Path directory, int port, Map<String, String> serverConfig) throws IOException {
        Path binaries = directory.resolve("binaries");
        Files.createDirectories(binaries);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setOverrideWorkingDirectory(binaries.toFile())
                .setDataDirectory(directory.resolve("data"))
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "300")
                .setServerConfig("timezone", "UTC");
        serverConfig.forEach(builder::setServerConfig);
        if (port > 0) {
            builder.setPort(port);
        }
        LocalPostgres postgres = new LocalPostgres(builder.start(), directory.resolve("data"));
        if (!Files.exists(directory.resolve("data").resolve("standby.signal"))) {
            postgres.createDatabase();
        }
        return postgres;
    }

    public int port() {
        return server.getPort();
    }

    /**
     * The postmaster (pg_ctl starts it as a daemon, so it is no child of ours): a crash of the
     * server is a SIGKILL of it and its processes.
     */
    public ProcessHandle postmaster() throws IOException {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).orElseThrow(() -> new IOException("the postmaster " + pid + " is not running"));
    }

    /** A connection as the superuser, to the maintenance database (replication control: pg_promote). */
    public Connection superuser() throws SQLException {
        return server.getPostgresDatabase().getConnection();
    }

    private void createDatabase() throws IOException {
        try (Connection connection = server.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            if (!statement.executeQuery("select 1 from pg_roles where rolname = '" + USER + "'").next()) {
                statement.execute("create role " + USER + " login password '" + PASSWORD + "'");
            }
            if (!statement.executeQuery("select 1 from pg_database where datname = '" + DATABASE + "'").next()) {
                statement.execute("create database " + DATABASE + " owner " + USER);
            }
        } catch (SQLException e) {
            throw new IOException("could not create the " + DATABASE + " database", e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
