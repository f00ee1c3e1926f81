package io.rampart.sli.rollup;

import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/** Deletes minute and hour rollups past their retention; replicas may run it at once harmlessly. */
@ApplicationScoped
public class RollupRetention {

    private static final Logger LOG = Logger.getLogger(RollupRetention.class);

    private final RollupRetentionRepository rollups;
    private final RollupConfig config;

    public RollupRetention(RollupRetentionRepository rollups, RollupConfig config) {
        this.rollups = rollups;
        this.config = config;
    }

    @Scheduled(every = "1h", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> deleteExpired() {
        return rollups.deleteExpired(config.minuteRetentionDays(), config.hourRetentionDays())
                .onFailure().invoke(e -> LOG.warnf("rollup retention failed: %s", e.getMessage()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }
}
