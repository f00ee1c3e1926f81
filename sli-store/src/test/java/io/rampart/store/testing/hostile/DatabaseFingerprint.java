package io.rampart.store.testing.hostile;

import io.rampart.store.local.LocalPostgres;
import io.rampart.store.testing.PostgresResource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What the database holds, in brief: the row count of every table of the public schema that has
 * rows (partitioned event tables and their partitions included; a new empty partition does not
 * count), and a hash of every registry row, so that a changed name shows as well as a new row.
 * Equal fingerprints before and after a refused request mean that it stored nothing. Tables that a
 * service's scheduled work writes whatever the requests (rankings, incidents, deliveries, rollup
 * retention) can be left out, so that a fingerprint changes only by what a request did.
 */
public record DatabaseFingerprint(Map<String, Long> rows, Map<String, String> registryHashes) {

    private static final List<String> REGISTRY = List.of("app", "healthcheck_target", "app_secret", "notification_channel",
            "statuspage_config", "statuspage_metric");
    private static Connection connection;
    /** The last fingerprint read, of which background tables, and the transaction snapshot it was read under. */
    private static DatabaseFingerprint last;
    private static Set<String> lastBackground;
    private static String lastSnapshot;

    public static DatabaseFingerprint take() {
        return take(Set.of());
    }

    /** The fingerprint of every table but the {@code backgroundTables}. */
    public static synchronized DatabaseFingerprint take(Set<String> backgroundTables) {
        try {
            return read(backgroundTables);
        } catch (SQLException first) {
            // The connection did not survive a database restart of another test: one new try.
            connection = null;
            lastSnapshot = null;
            try {
                return read(backgroundTables);
            } catch (SQLException e) {
                throw new IllegalStateException("the database could not be read", e);
            }
        }
    }

    /** The tables whose row count or registry hash differ between this fingerprint and {@code other}. */
    public Set<String> changedTables(DatabaseFingerprint other) {
        Set<String> changed = new TreeSet<>();
        Stream.concat(rows.keySet().stream(), other.rows.keySet().stream())
                .filter(table -> !Objects.equals(rows.get(table), other.rows.get(table))).forEach(changed::add);
        Stream.concat(registryHashes.keySet().stream(), other.registryHashes.keySet().stream())
                .filter(table -> !Objects.equals(registryHashes.get(table), other.registryHashes.get(table)))
                .forEach(changed::add);
        return changed;
    }

    /**
     * Counts afresh only where some transaction wrote since the last count: a row changes only in a
     * transaction that takes a transaction id, so an unchanged snapshot (the next id, and the ids
     * still running then) means an unchanged database. Counting every table after each of a walk's
     * requests took most of its time.
     */
    private static DatabaseFingerprint read(Set<String> backgroundTables) throws SQLException {
        if (connection == null) {
            connection = DriverManager.getConnection(PostgresResource.jdbcUrl(), LocalPostgres.USER, LocalPostgres.PASSWORD);
        }
        String snapshot;
        try (Statement statement = connection.createStatement();
             ResultSet current = statement.executeQuery("select pg_current_snapshot()::text")) {
            current.next();
            snapshot = current.getString(1);
        }
        if (snapshot.equals(lastSnapshot) && backgroundTables.equals(lastBackground)) {
            return last;
        }
        last = count(backgroundTables);
        lastBackground = Set.copyOf(backgroundTables);
        lastSnapshot = snapshot;
        return last;
    }

    private static DatabaseFingerprint count(Set<String> backgroundTables) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet names = statement.executeQuery("select c.relname from pg_class c join pg_namespace n"
                    + " on n.oid = c.relnamespace where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1")) {
                while (names.next()) {
                    if (!backgroundTables.contains(names.getString(1))) {
                        tables.add(names.getString(1));
                    }
                }
            }
            String counts = tables.stream().map(table -> "select '" + table + "', count(*)::text from only \"" + table + "\"")
                    .collect(Collectors.joining(" union all "));
            String hashes = REGISTRY.stream().filter(tables::contains)
                    .map(table -> "select '#" + table + "', md5(coalesce(string_agg(t::text, '|' order by t::text), ''))"
                            + " from \"" + table + "\" t")
                    .collect(Collectors.joining(" union all "));
            Map<String, Long> rows = new TreeMap<>();
            Map<String, String> registry = new TreeMap<>();
            try (ResultSet result = statement.executeQuery(counts + " union all " + hashes)) {
                while (result.next()) {
                    String name = result.getString(1);
                    if (name.startsWith("#")) {
                        registry.put(name.substring(1), result.getString(2));
                    } else if (!result.getString(2).equals("0")) {
                        rows.put(name, Long.parseLong(result.getString(2)));
                    }
                }
            }
            return new DatabaseFingerprint(rows, registry);
        }
    }
}
