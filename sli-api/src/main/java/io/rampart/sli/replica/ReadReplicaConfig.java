package io.rampart.sli.replica;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where sli-api's read-only queries go (docs/deploy.md, "Reads on replicas"). */
@ConfigMapping(prefix = "rampart.db.read")
public interface ReadReplicaConfig {

    /** {@code RAMPART_DB_READ_HOST}: a replica (in Kubernetes the cluster's {@code -ro} Service); unset, the primary. */
    Optional<String> host();

    /** A replica further behind than this is not read: its queries go to the primary until it catches up. */
    @WithDefault("10S")
    Duration maxLag();

    /** How often the replica's lag is measured. */
    @WithDefault("1S")
    Duration lagCheckInterval();
}
