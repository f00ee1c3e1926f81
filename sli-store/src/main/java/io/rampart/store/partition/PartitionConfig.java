package io.rampart.store.partition;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long raw events are kept, and how far ahead their daily partitions are made. */
@ConfigMapping(prefix = "rampart.raw-events")
public interface PartitionConfig {

    /** Days of raw events kept; at least 35 so that every 28-day window can be recomputed. */
    @WithDefault("40")
    int retentionDays();

    /** Days of partitions made ahead of today. */
    @WithDefault("14")
    int daysAhead();
}
