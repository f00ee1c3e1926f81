package io.rampart.store.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * PostgreSQL streaming replication from the embedded binaries (for the failover drill and the
 * read-replica tests). The binaries carry no {@code pg_basebackup}, so a standby starts from a
 * cold copy of its primary's data: {@link #prepare} initialises the primary, stops it cleanly and
 * copies its data; then both are started with {@link #DURABLE} settings.
 */
public final class LocalReplication {

    /**
     * The embedded server's defaults (synchronous_commit off) would acknowledge a commit before it
     * is anywhere but in memory, and never wait for a standby: replication commits as production does.
     */
    public static final Map<String, String> DURABLE = Map.of("synchronous_commit", "on", "wal_keep_size", "512MB");
    /** Files of the embedded server that belong to one running instance, not to its data. */
    private static final Set<String> INSTANCE_FILES = Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

    private LocalReplication() {
    }

    /**
     * Initialises a primary under {@code primary} (stopped afterwards) and a standby under
     * {@code standby} that streams from {@code upstreamPort} as {@code standbyName}; with
     * {@code synchronous}, the primary waits for it at every commit ({@code ANY 1 (name)}).
     */
    public static void prepare(Path primary, int primaryPort, Path standby, int upstreamPort, String standbyName,
            boolean synchronous) throws IOException {
        LocalPostgres.start(primary, primaryPort).close();
        Path primaryData = primary.resolve("data");
        Path standbyData = standby.resolve("data");
        copyData(primaryData, standbyData);
        writeSetting(standbyData, "standby.signal", "");
        writeSetting(standbyData, "postgresql.auto.conf", String.format(
                "primary_conninfo = 'host=localhost port=%d user=postgres application_name=%s'%n", upstreamPort,
                standbyName));
        if (synchronous) {
            writeSetting(primaryData, "postgresql.auto.conf", "synchronous_standby_names = 'ANY 1 (" + standbyName + ")'\n");
        }
    }

    /** Waits until the primary streams to the standby ({@code sync_state} quorum when synchronous, else async). */
    public static void awaitStreaming(LocalPostgres primary, String standbyName, boolean synchronous, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String wanted = synchronous ? "quorum" : "async";
        while (System.nanoTime() < deadline) {
            try (Connection connection = primary.superuser(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select sync_state from pg_stat_replication"
                            + " where application_name = '" + standbyName + "' and state = 'streaming'")) {
                if (rows.next() && wanted.equals(rows.getString(1))) {
                    return;
                }
                Thread.sleep(100);
            } catch (SQLException e) {
                throw new IOException("could not read the primary's replication state", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("the standby did not stream (" + wanted + ") within " + timeout.toSeconds() + " s");
    }

    /** Promotes a standby, as the operator does at a failover; returns once it takes writes. */
    public static void promote(LocalPostgres standby) throws SQLException {
        try (Connection connection = standby.superuser(); Statement statement = connection.createStatement();
                ResultSet promoted = statement.executeQuery("select pg_promote(true, 30)")) {
            promoted.next();
            if (!promoted.getBoolean(1)) {
                throw new SQLException("the standby was not promoted within 30 s");
            }
        }
    }

    /** Pauses or resumes a standby's replay: it keeps receiving WAL but shows none of it, so it lags. */
    public static void pauseReplay(LocalPostgres standby, boolean paused) throws SQLException {
        try (Connection connection = standby.superuser(); Statement statement = connection.createStatement()) {
            statement.execute(paused ? "select pg_wal_replay_pause()" : "select pg_wal_replay_resume()");
        }
    }

    /** A file of a data directory, owned as the directory is (the embedded server may run as another user). */
    private static void writeSetting(Path data, String file, String content) throws IOException {
        Path path = data.resolve(file);
        Files.writeString(path, content);
        Files.setOwner(path, Files.getOwner(data));
    }

    private static void copyData(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                if (!INSTANCE_FILES.contains(source.getFileName().toString())) {
                    // Directories too, with their permissions: PostgreSQL refuses a data directory others may read.
                    Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
