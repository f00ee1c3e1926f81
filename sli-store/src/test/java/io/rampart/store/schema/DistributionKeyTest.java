package io.rampart.store.schema;

import io.rampart.store.testing.MigratedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The invariant that keeps the path beyond one primary open (docs/scale.md): the event and rollup
 * tables can be distributed by {@code app_key} (Citus), because every primary key and unique
 * constraint or index of theirs includes {@code app_key}, and no foreign key joins two of them.
 * An event or rollup table is one whose rows are timed ({@code occurred_at} or {@code bucket})
 * or that holds an app's event ids, so a new one is checked without being listed here.
 */
class DistributionKeyTest {

    /** Event and rollup tables: timed rows, or an app's event ids; partitions are checked through their parent. */
    private static final String EVENT_TABLES = """
            select c.relname
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = current_schema() and c.relkind in ('r', 'p') and not c.relispartition
              and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and not a.attisdropped
                                                        and a.attname in ('occurred_at', 'bucket'))
                   or c.relname like '%event_id')
            order by 1
            """;

    /** Primary keys, unique constraints and unique indexes of event tables that leave out app_key. */
    private static final String KEYS_WITHOUT_APP_KEY = """
            select t.relname || '.' || i.relname
            from pg_index x
            join pg_class i on i.oid = x.indexrelid
            join pg_class t on t.oid = x.indrelid
            where t.relname = any(?) and x.indisunique
              and not exists (select 1 from pg_attribute a
                              where a.attrelid = t.oid and a.attname = 'app_key' and a.attnum = any(x.indkey))
            order by 1
            """;

    /** Foreign keys from one event table to another. */
    private static final String FOREIGN_KEYS_BETWEEN_EVENT_TABLES = """
            select conname from pg_constraint
            where contype = 'f' and conrelid::regclass::text = any(?) and confrelid::regclass::text = any(?)
            """;

    private static MigratedDatabase database;

    @BeforeAll
    static void migrate() throws Exception {
        database = MigratedDatabase.start();
    }

    @AfterAll
    static void stop() throws Exception {
        database.close();
    }

    @Test
    void everyKeyOfAnEventOrRollupTableIncludesAppKeyAndNoForeignKeyJoinsTwoOfThem() throws SQLException {
        try (Connection connection = database.connect()) {
            List<String> eventTables = eventTables(connection);
            assertThat(eventTables).contains("app_event", "app_event_id", "probe_result", "sli_count_minute",
                    "sli_count_hour", "sli_count_day", "sli_latency_minute", "sli_latency_hour", "sli_latency_day");
            assertThat(violations(connection, eventTables)).isEmpty();
        }
    }

    @Test
    void theCheckFindsAKeyWithoutAppKeyAndAForeignKeyBetweenEventTables() throws SQLException {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("create table bad_rollup (id bigint primary key, app_key text, bucket timestamptz,"
                        + " unique (bucket))");
                statement.execute("create table bad_event (app_key text, occurred_at timestamptz,"
                        + " rollup_id bigint references bad_rollup (id))");
                assertThat(violations(connection, eventTables(connection))).containsExactlyInAnyOrder(
                        "bad_rollup.bad_rollup_pkey", "bad_rollup.bad_rollup_bucket_key",
                        "foreign key bad_event_rollup_id_fkey");
            } finally {
                connection.rollback();
            }
        }
    }

    private static List<String> eventTables(Connection connection) throws SQLException {
        return strings(connection, EVENT_TABLES);
    }

    private static List<String> violations(Connection connection, List<String> eventTables) throws SQLException {
        List<String> violations = new ArrayList<>(strings(connection, KEYS_WITHOUT_APP_KEY, eventTables));
        strings(connection, FOREIGN_KEYS_BETWEEN_EVENT_TABLES, eventTables, eventTables)
                .forEach(name -> violations.add("foreign key " + name));
        return violations;
    }

    private static List<String> strings(Connection connection, String sql, List<?>... arrays) throws SQLException {
        try (var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < arrays.length; i++) {
                statement.setArray(i + 1, connection.createArrayOf("text", arrays[i].toArray()));
            }
            List<String> found = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        }
    }
}
