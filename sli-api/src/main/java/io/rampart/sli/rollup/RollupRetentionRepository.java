package io.rampart.sli.rollup;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** The rollups past their retention, deleted for {@link RollupRetention}; replicas may run it at once harmlessly. */
@ApplicationScoped
public class RollupRetentionRepository {

    /** Deletes the minute rollups older than $1 days and the hour rollups older than $2 (day rollups are kept). */
    private static final String DELETE_EXPIRED = """
            with minute_counts as (delete from sli_count_minute where bucket < now() - make_interval(days => $1)),
                 minute_latencies as (delete from sli_latency_minute where bucket < now() - make_interval(days => $1)),
                 hour_counts as (delete from sli_count_hour where bucket < now() - make_interval(days => $2)),
                 hour_latencies as (delete from sli_latency_hour where bucket < now() - make_interval(days => $2)),
                 hour_phases as (delete from probe_phase_hour where bucket < now() - make_interval(days => $2))
            select 1""";

    private final Pool pool;

    public RollupRetentionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Deletes the minute rollups older than {@code minuteDays} days and the hour rollups older than {@code hourDays}. */
    Uni<RowSet<Row>> deleteExpired(int minuteDays, int hourDays) {
        return pool.preparedQuery(DELETE_EXPIRED).execute(Tuple.of(minuteDays, hourDays));
    }
}
