package io.rampart.sli.rollup;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Deletes minute and hour rollups past their retention; replicas may run it at once harmlessly. */
@ApplicationScoped
public class RollupRetention {

    private static final Logger LOG = Logger.getLogger(RollupRetention.class);

    /** Deletes the minute rollups older than $1 days and the hour rollups older than $2 (day rollups are kept). */
    private static final String DELETE_EXPIRED = """
            with minute_counts as (delete from sli_count_minute where bucket < now() - make_interval(days => $1)),
                 minute_latencies as (delete from sli_latency_minute where bucket < now() - make_interval(days => $1)),
                 minute_phases as (delete from probe_phase_minute where bucket < now() - make_interval(days => $1)),
                 hour_counts as (delete from sli_count_hour where bucket < now() - make_interval(days => $2)),
                 hour_latencies as (delete from sli_latency_hour where bucket < now() - make_interval(days => $2)),
                 hour_phases as (delete from probe_phase_hour where bucket < now() - make_interval(days => $2))
            select 1""";

    private final Pool pool;
    private final RollupConfig config;

    public RollupRetention(Pool pool, RollupConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> deleteExpired() {
        return pool.preparedQuery(DELETE_EXPIRED)
                .execute(Tuple.of(config.minuteRetentionDays(), config.hourRetentionDays()))
                .onFailure().invoke(e -> LOG.warnf("rollup retention failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
