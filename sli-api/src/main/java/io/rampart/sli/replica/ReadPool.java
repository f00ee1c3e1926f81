package io.rampart.sli.replica;

import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * The pool for read-only queries (SLI summaries, series, status pages): a replica when one is
 * configured and no further behind than {@code rampart.db.read.max-lag}, else the primary, so
 * an answer is never staler than the bound. Writes and reads that must see them (registry,
 * channels, incidents) use the primary's pool directly.
 */
@ApplicationScoped
public class ReadPool {

    private static final Logger LOG = Logger.getLogger(ReadPool.class);

    private final Pool primary;
    private final Pool replica;
    private final ReadReplicaConfig config;
    private final ReplicaLagRepository replicaLag;
    /** The replica's last measured lag; null while unknown or unreachable (reads go to the primary). */
    private volatile Duration lag;

    public ReadPool(Pool primary, @ReactiveDataSource("read") Pool replica, ReadReplicaConfig config,
            ReplicaLagRepository replicaLag) {
        this.primary = primary;
        this.replica = replica;
        this.config = config;
        this.replicaLag = replicaLag;
    }

    /** The pool a read-only query should use now. */
    public Pool current() {
        Duration measured = lag;
        return config.host().isPresent() && measured != null && measured.compareTo(config.maxLag()) <= 0 ? replica : primary;
    }

    @Scheduled(every = "${rampart.db.read.lag-check-interval:1S}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> measureLag() {
        if (config.host().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return replicaLag.lag()
                .onFailure().recoverWithItem(failure -> null)
                .invoke(this::record)
                .replaceWithVoid();
    }

    private void record(Duration measured) {
        boolean wasUsable = lag != null && lag.compareTo(config.maxLag()) <= 0;
        boolean usable = measured != null && measured.compareTo(config.maxLag()) <= 0;
        if (wasUsable != usable) {
            if (usable) {
                LOG.infof("reading from the replica again (lag %d ms)", measured.toMillis());
            } else {
                LOG.warnf("the replica is %s: reading from the primary", measured == null ? "unreachable"
                        : "behind by " + measured.toMillis() + " ms, more than " + config.maxLag().toMillis() + " ms");
            }
        }
        lag = measured;
    }
}
