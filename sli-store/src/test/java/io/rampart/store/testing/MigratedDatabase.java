package io.rampart.store.testing;

import io.rampart.store.local.LocalPostgres;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** An embedded PostgreSQL under target/ with every migration applied, for tests of the schema's own SQL. */
public final class MigratedDatabase implements AutoCloseable {

    private final LocalPostgres postgres;
    private final String url;

    private MigratedDatabase(LocalPostgres postgres) {
        this.postgres = postgres;
        this.url = "jdbc:postgresql://localhost:" + postgres.port() + "/" + LocalPostgres.DATABASE;
    }

    public static MigratedDatabase start() throws IOException {
        MigratedDatabase database = new MigratedDatabase(
                LocalPostgres.start(Files.createTempDirectory(Files.createDirectories(Path.of("target")), "pg-"), 0));
        Flyway.configure().dataSource(database.url, LocalPostgres.USER, LocalPostgres.PASSWORD).load().migrate();
        return database;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
