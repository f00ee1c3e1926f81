package io.rampart.sli.rollup;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long the rollups (V30) are kept; day rollups, a few rows per app and day, are kept for good. */
@ConfigMapping(prefix = "rampart.rollups")
public interface RollupConfig {

    /** Days of minute rollups ({@code RAMPART_ROLLUPS_MINUTE_RETENTION_DAYS}, default 40, as the raw events). */
    @WithDefault("40")
    int minuteRetentionDays();

    /** Days of hour rollups ({@code RAMPART_ROLLUPS_HOUR_RETENTION_DAYS}, default 400). */
    @WithDefault("400")
    int hourRetentionDays();
}
