package io.rampart.store.schema;

import io.rampart.store.local.LocalPostgres;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The migrations apply to an empty database, are idempotent, and are safe from several processes. */
class MigrationsTest {

    private static LocalPostgres postgres;

    @BeforeAll
    static void startDatabase() throws Exception {
        postgres = LocalPostgres.start(Files.createTempDirectory(Files.createDirectories(Path.of("target")), "pg-"), 0);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        postgres.close();
    }

    @Test
    void applyToAnEmptyDatabaseThenAreIdempotent() throws Exception {
        String url = freshDatabase("idempotent");
        assertThat(flyway(url).migrate().migrationsExecuted).isGreaterThan(0);
        assertThat(flyway(url).migrate().migrationsExecuted).isZero();
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD)) {
            assertThat(tables(connection)).contains("app", "healthcheck_target", "app_secret", "probe_result",
                    "app_event", "app_event_id");
            assertThat(count(connection, "select count(*) from pg_inherits where inhparent = 'app_event'::regclass"))
                    .as("daily partitions for 35 days back, 14 ahead, and the default one").isEqualTo(51);
        }
    }

    @Test
    void concurrentStartsMigrateOnce() throws Exception {
        String url = freshDatabase("concurrent");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<MigrateResult>> starts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                starts.add(() -> flyway(url).migrate());
            }
            int executed = 0;
            for (Future<MigrateResult> result : pool.invokeAll(starts)) {
                executed += result.get().migrationsExecuted;
            }
            assertThat(executed).isEqualTo(flyway(url).info().applied().length);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void anEventOutsideThePreparedDaysStillHasAPartition() throws Exception {
        String url = freshDatabase("default_partition");
        flyway(url).migrate();
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("insert into app_event (app_key, kind, occurred_at) values"
                    + " ('a', 'SYNTHETIC', now() - interval '400 days'), ('a', 'SYNTHETIC', now())");
            assertThat(count(connection, "select count(*) from app_event_default")).isEqualTo(1);
            assertThat(count(connection, "select count(*) from app_event")).isEqualTo(2);
        }
    }

    @Test
    void probesAndCallbacksRolledUpBeforeV175KeepTheirStatusCodesAndKinds() throws Exception {
        String url = freshDatabase("status_codes_kept");
        Flyway.configure().dataSource(url, LocalPostgres.USER, LocalPostgres.PASSWORD)
                .locations("classpath:db/migration").target("150").load().migrate();
        try (Connection connection = DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
                Statement statement = connection.createStatement()) {
            statement.execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms,"
                    + " outcome, status_code, prober) values"
                    + " (7, 'a', now() - interval '1 hour', now() - interval '1 hour', 90, 'SUCCESS', 200, 'p'),"
                    + " (7, 'a', now() - interval '1 hour', now() - interval '1 hour', 80, 'HTTP_STATUS', 204, 'p'),"
                    + " (7, 'a', now() - interval '1 hour', now() - interval '1 hour', 3000, 'TIMEOUT', 204, 'p')");
            statement.execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, lifecycle) values"
                    + " ('a', 'LIFECYCLE', now() - interval '1 hour', 50, 200, 'INSTALLED'),"
                    + " ('a', 'LIFECYCLE', now() - interval '1 hour', 50, 500, 'UPDATED')");
            flyway(url).migrate();
            for (String level : new String[] {"minute", "hour", "day"}) {
                String rows = "(select string_agg(stream || ':' || product || ':' || status_code || ':' || total || ':' || good,"
                        + " ',' order by stream, product, status_code) from sli_count_" + level + " where app_key = 'a')";
                try (ResultSet row = statement.executeQuery("select " + rows)) {
                    row.next();
                    assertThat(row.getString(1)).as(level).isEqualTo(
                            "LIFECYCLE:INSTALLED:200:1:1,LIFECYCLE:UPDATED:500:1:0,PROBE::0:1:0,PROBE::200:1:1,PROBE::204:1:0");
                }
            }
            statement.execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms,"
                    + " outcome, status_code, prober) values"
                    + " (7, 'a', now() - interval '1 hour', now() - interval '1 hour', 70, 'HTTP_STATUS', 204, 'p')");
            assertThat(count(connection, "select total from sli_count_minute where app_key = 'a' and status_code = 204"))
                    .as("a new probe lands in its status code's row").isEqualTo(2);
        }
    }

    private static String freshDatabase(String name) throws Exception {
        String admin = "jdbc:postgresql://localhost:" + postgres.port() + "/postgres";
        try (Connection connection = DriverManager.getConnection(admin, "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute("create database " + name + " owner " + LocalPostgres.USER);
        }
        return "jdbc:postgresql://localhost:" + postgres.port() + "/" + name;
    }

    private static Flyway flyway(String url) {
        return Flyway.configure().dataSource(url, LocalPostgres.USER, LocalPostgres.PASSWORD)
                .locations("classpath:db/migration").load();
    }

    private static List<String> tables(Connection connection) throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet rows = connection.getMetaData().getTables(null, "public", "%", new String[] {"TABLE", "PARTITIONED TABLE"})) {
            while (rows.next()) {
                names.add(rows.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    private static int count(Connection connection, String query) throws Exception {
        try (ResultSet rows = connection.createStatement().executeQuery(query)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
