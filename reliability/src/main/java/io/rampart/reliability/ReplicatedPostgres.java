package io.rampart.reliability;

import io.rampart.store.local.LocalPostgres;

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
 * PostgreSQL streaming replication on one machine, from the embedded binaries the tests use: a
 * primary and one hot standby streaming from it over a {@link TcpFront} (the replication link),
 * and a second front where the services connect ({@code rampart-db-rw}). Synchronous as the prod
 * overlay ({@code synchronous_standby_names = 'ANY 1 (standby)'}: a commit returns once the
 * standby has flushed it) or asynchronous (a commit returns once it is on the primary's disk).
 *
 * <p>The standby starts from a cold copy of the primary's data (the binaries carry no
 * {@code pg_basebackup}): initialise, stop cleanly, copy, start both.
 */
final class ReplicatedPostgres implements AutoCloseable {

    static final String STANDBY_NAME = "standby";
    /** Files of the embedded server that belong to one running instance, not to its data. */
    private static final Set<String> INSTANCE_FILES = Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

    private final boolean synchronous;
    private final int primaryPort;
    private final int standbyPort;
    private final TcpFront link;
    private final TcpFront front;
    private LocalPostgres primary;
    private LocalPostgres standby;

    private ReplicatedPostgres(boolean synchronous, int primaryPort, int standbyPort, TcpFront link,
            TcpFront front) {
        this.synchronous = synchronous;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
        this.link = link;
        this.front = front;
    }

    /**
     * @param linkLatency one-way latency of the replication link
     */
    static ReplicatedPostgres start(Path home, boolean synchronous, Duration linkLatency) throws IOException {
        int primaryPort = Ports.free();
        int standbyPort = Ports.free();
        ReplicatedPostgres cluster = new ReplicatedPostgres(synchronous, primaryPort, standbyPort,
                new TcpFront(primaryPort, linkLatency), new TcpFront(primaryPort, Duration.ZERO));
        try {
            // Initialise the primary (database and role), stop it cleanly, copy its data for the standby.
            LocalPostgres.start(home.resolve("primary"), primaryPort).close();
            copyData(home.resolve("primary").resolve("data"), home.resolve("standby").resolve("data"));
            Path standbyData = home.resolve("standby").resolve("data");
            Files.writeString(standbyData.resolve("standby.signal"), "");
            Files.writeString(standbyData.resolve("postgresql.auto.conf"), String.format(
                    "primary_conninfo = 'host=localhost port=%d user=postgres application_name=%s'%n",
                    cluster.link.port(), STANDBY_NAME));
            cluster.primary = LocalPostgres.start(home.resolve("primary"), primaryPort, Map.of(
                    "synchronous_standby_names", synchronous ? "ANY 1 (" + STANDBY_NAME + ")" : "",
                    "wal_keep_size", "512MB"));
            cluster.standby = LocalPostgres.start(home.resolve("standby"), standbyPort, Map.of("hot_standby", "on"));
            cluster.awaitStreaming(Duration.ofSeconds(30));
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    boolean synchronous() {
        return synchronous;
    }

    /** Where the services connect: always the current primary. */
    int frontPort() {
        return front.port();
    }

    int standbyPort() {
        return standbyPort;
    }

    TcpFront link() {
        return link;
    }

    /** The primary crashes: SIGKILL of the postmaster and every process of it, nothing written out. */
    void killPrimary() throws InterruptedException {
        ProcessHandle postmaster = primary.process();
        Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList().forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().join();
        link.cutAll();
        front.cutAll();
    }

    /** Promotes the standby (as the operator does) and points the front at it; returns when it takes writes. */
    void promoteStandby() throws SQLException {
        try (Connection connection = standby.superuser(); Statement statement = connection.createStatement()) {
            ResultSet promoted = statement.executeQuery("select pg_promote(true, 30)");
            promoted.next();
            if (!promoted.getBoolean(1)) {
                throw new SQLException("the standby was not promoted within 30 s");
            }
        }
        front.pointAt(standbyPort);
    }

    /** Whether the standby streams from the primary, and (synchronous) is its synchronous standby. */
    private void awaitStreaming(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String wanted = synchronous ? "quorum" : "async";
        while (System.nanoTime() < deadline) {
            try (Connection connection = primary.superuser(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("select sync_state from pg_stat_replication"
                            + " where application_name = '" + STANDBY_NAME + "' and state = 'streaming'")) {
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

    private static void copyData(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                if (INSTANCE_FILES.contains(source.getFileName().toString())) {
                    continue;
                }
                // Directories too, with their permissions: PostgreSQL refuses a data directory others may read.
                Files.copy(source, to.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    @Override
    public void close() throws IOException {
        front.close();
        link.close();
        for (LocalPostgres server : new LocalPostgres[] {standby, primary}) {
            if (server != null && server.process().isAlive()) {
                server.close();
            }
        }
    }
}
