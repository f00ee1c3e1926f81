package io.rampart.sli.adjustment;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The limits on maintenance windows that vendors declare (admins have none), and when a platform fault is suspected. */
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

    /** How often the last minute is checked for a suspected platform fault (a scheduler period; off: never). */
    @WithDefault("1m")
    String detectEvery();

    /** A suspected platform fault needs at least this many apps probed in its minute. */
    @WithDefault("20")
    int suspectedFaultMinApps();

    /** ... and at least this share of them (0 to 1) failing availability in it. */
    @WithDefault("0.5")
    double suspectedFaultShare();
}
