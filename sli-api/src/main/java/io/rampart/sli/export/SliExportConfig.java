package io.rampart.sli.export;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the Prometheus export of every app's SLIs (docs/sli-api.md, "Prometheus"). */
@ConfigMapping(prefix = "rampart.sli-export")
public interface SliExportConfig {

    /**
     * How often the figures are computed again ({@code RAMPART_SLI_EXPORT_REFRESH_EVERY}, default
     * 5m; {@code off} stops it). A scrape answers the last computed figures, so its cost does not
     * grow with the number of scrapers; computing them costs up to about 40 ms of CPU per app
     * (docs/sli-api.md), so at 5,000 apps a 5-minute refresh takes about 0.6 of a core.
     */
    @WithDefault("5m")
    String refreshEvery();

    /** Apps computed at once ({@code RAMPART_SLI_EXPORT_CONCURRENCY}, default 4): bounds the load on the database. */
    @WithDefault("4")
    int concurrency();
}
