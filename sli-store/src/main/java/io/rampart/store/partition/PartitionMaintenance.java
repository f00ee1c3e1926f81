package io.rampart.store.partition;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.LocalDate;
import java.util.Arrays;
import java.time.ZoneOffset;

/**
 * Keeps daily partitions of the raw event tables ready ahead of time and drops those past
 * retention. Every service runs it; the database functions serialise concurrent runs.
 */
@ApplicationScoped
public class PartitionMaintenance {

    private static final Logger LOG = Logger.getLogger(PartitionMaintenance.class);
    static final String[] RAW_EVENT_TABLES = {"probe_result", "app_event"};

    /**
     * Creates table $1's daily partitions from $2 to $3 and drops those before $4 (past retention);
     * answers how many of each.
     */
    private static final String MAINTAIN_PARTITIONS = """
            select rampart_ensure_daily_partitions($1, $2, $3), rampart_drop_daily_partitions_before($1, $4)""";

    private final Pool pool;
    private final PartitionConfig config;

    public PartitionMaintenance(Pool pool, PartitionConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(every = "1h", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> maintain() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return Uni.join().all(Arrays.stream(RAW_EVENT_TABLES)
                        .map(table -> maintain(table, today)).toList())
                .andFailFast()
                .onFailure().invoke(e -> LOG.warnf("raw event partition maintenance failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private Uni<Void> maintain(String table, LocalDate today) {
        return pool.withTransaction(connection -> connection
                        .preparedQuery(MAINTAIN_PARTITIONS)
                        .execute(Tuple.of(table, today.minusDays(1), today.plusDays(config.daysAhead()),
                                today.minusDays(config.retentionDays()))))
                .invoke(rows -> rows.forEach(row -> {
                    if (row.getInteger(0) > 0 || row.getInteger(1) > 0) {
                        LOG.infof("%s: %d daily partitions created, %d dropped past retention",
                                table, row.getInteger(0), row.getInteger(1));
                    }
                }))
                .replaceWithVoid();
    }
}
