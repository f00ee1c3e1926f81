package io.rampart.sli.adjustment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The limits on maintenance windows that vendors declare (admins have none). */
@ConfigMapping(prefix = "rampart.adjustments")
public interface AdjustmentConfig {

    /** How long ahead of its start a vendor must declare a window. */
    @WithDefault("24h")
    Duration vendorNotice();

    /** The longest window (each occurrence) a vendor may declare. */
    @WithDefault("4h")
    Duration vendorMaxWindow();

    /** The most maintenance a vendor's app may have in any 28 days, recurrences included. */
    @WithDefault("8h")
    Duration vendorMaxPer28Days();
}
