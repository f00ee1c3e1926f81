package io.rampart.sli.location;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** When a probe location counts as gone; the same rule as the prober's {@code rampart.prober.location-expiry}. */
@ConfigMapping(prefix = "rampart.probe-locations")
public interface ProbeLocationConfig {

    /** A location none of whose replicas synced for this long is gone ({@code RAMPART_PROBE_LOCATIONS_EXPIRY}). */
    @WithDefault("30s")
    Duration expiry();
}
