package io.rampart.reliability;

import io.rampart.store.local.LocalPostgres;
import io.rampart.store.local.LocalReplication;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * PostgreSQL streaming replication on one machine, from the embedded binaries the tests use: a
 * primary and one hot standby streaming from it over a {@link TcpFront} (the replication link),
 * and a second front where the services connect ({@code rampart-db-rw}). Synchronous as the prod
 * overlay ({@code synchronous_standby_names = 'ANY 1 (standby)'}: a commit returns once the
 * standby has flushed it) or asynchronous (a commit returns once it is on the primary's disk).
 *
 * <p>The standby starts from a cold copy of the primary's data ({@link LocalReplication}).
 */
final class ReplicatedPostgres implements AutoCloseable {

    static final String STANDBY_NAME = "standby";

    private final int standbyPort;
    private final TcpFront link;
    private final TcpFront front;
    private LocalPostgres primary;
    private LocalPostgres standby;

    private ReplicatedPostgres(int standbyPort, TcpFront link, TcpFront front) {
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
        ReplicatedPostgres cluster = new ReplicatedPostgres(standbyPort,
                new TcpFront(primaryPort, linkLatency), new TcpFront(primaryPort, Duration.ZERO));
        try {
            LocalReplication.prepare(home.resolve("primary"), primaryPort, home.resolve("standby"), cluster.link.port(),
                    STANDBY_NAME, synchronous);
            cluster.primary = LocalPostgres.start(home.resolve("primary"), primaryPort, LocalReplication.DURABLE);
            cluster.standby = LocalPostgres.start(home.resolve("standby"), standbyPort, LocalReplication.DURABLE);
            LocalReplication.awaitStreaming(cluster.primary, STANDBY_NAME, synchronous, Duration.ofSeconds(30));
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Where the services connect: always the current primary. */
    int frontPort() {
        return front.port();
    }

    TcpFront link() {
        return link;
    }

    /**
     * Makes the standby synchronous or not, for every session at once (a configuration reload):
     * the replication cost benchmark measures both on the same pair of servers.
     */
    void setSynchronous(boolean synchronous) throws SQLException {
        try (Connection connection = primary.superuser(); Statement statement = connection.createStatement()) {
            statement.execute("alter system set synchronous_standby_names = '"
                    + (synchronous ? "ANY 1 (" + STANDBY_NAME + ")" : "") + "'");
            statement.execute("select pg_reload_conf()");
        }
    }

    /** The primary crashes: SIGKILL of the postmaster and every process of it, nothing written out. */
    void killPrimary() throws IOException {
        ProcessHandle postmaster = primary.postmaster();
        Stream.concat(Stream.of(postmaster), postmaster.descendants()).toList().forEach(ProcessHandle::destroyForcibly);
        postmaster.onExit().join();
        link.cutAll();
        front.cutAll();
    }

    /** Promotes the standby (as the operator does) and points the front at it; returns when it takes writes. */
    void promoteStandby() throws SQLException {
        LocalReplication.promote(standby);
        front.pointAt(standbyPort);
    }

    private static boolean running(LocalPostgres server) {
        try {
            return server.postmaster().isAlive();
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        front.close();
        link.close();
        for (LocalPostgres server : new LocalPostgres[] {standby, primary}) {
            if (server != null && running(server)) {
                server.close();
            }
        }
    }
}
