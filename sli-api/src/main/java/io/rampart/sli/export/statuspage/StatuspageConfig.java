package io.rampart.sli.export.statuspage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The Statuspage exporter's settings (docs/status-page.md); the environment names are RAMPART_STATUSPAGE_*. */
@ConfigMapping(prefix = "rampart.statuspage")
public interface StatuspageConfig {

    /** Whether this replica takes part in exporting at all (it still needs the lease). */
    @WithDefault("true")
    boolean enabled();

    /** How often the exporter looks for points to send (also read by its @Scheduled). */
    @WithDefault("30s")
    Duration tick();

    /** The step of the exported points: each point is the SLI over one step (whole minutes). */
    @WithDefault("5m")
    Duration step();

    /** How far back a newly configured metric is filled in (Statuspage keeps 28 days). */
    @WithDefault("28d")
    Duration backfill();

    /** Most points per metric in one request; a backfill takes several requests. */
    @WithDefault("1000")
    int maxPointsPerMetric();

    /** Least time between two requests with the same API key (Statuspage allows 1 request/s). */
    @WithDefault("1s")
    Duration minRequestInterval();

    /** First wait after a 420, 429, 5xx or failed connection; doubled after each further failure. */
    @WithDefault("30s")
    Duration backoffInitial();

    @WithDefault("30m")
    Duration backoffMax();

    /** How long the lease of the replica that exports lasts without being renewed. */
    @WithDefault("60s")
    Duration lease();

    @WithDefault("10s")
    Duration requestTimeout();
}
