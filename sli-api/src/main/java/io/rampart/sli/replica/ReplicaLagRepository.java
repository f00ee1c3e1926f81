package io.rampart.sli.replica;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** How far the read replica is behind its primary, measured on the replica for {@link ReadPool}. */
@ApplicationScoped
public class ReplicaLagRepository {

    /**
     * The replica's lag in seconds: 0 when it has replayed all it received (or is a primary), else
     * the age of the last transaction it replayed. A replica cut off from its primary also reads 0
     * here; CloudNativePG takes such an instance out of the {@code -ro} Service.
     */
    private static final String LAG = """
            select case when not pg_is_in_recovery() then 0
                        when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                        else extract(epoch from now() - pg_last_xact_replay_timestamp()) end::float8 as lag_seconds
            """;

    private final Pool replica;

    public ReplicaLagRepository(@ReactiveDataSource("read") Pool replica) {
        this.replica = replica;
    }

    /** The replica's lag, to the millisecond. */
    Uni<Duration> lag() {
        return replica.query(LAG).execute()
                .map(rows -> Duration.ofMillis(Math.round(rows.iterator().next().getDouble("lag_seconds") * 1000)));
    }
}
