package io.rampart.sli.sli;

import io.rampart.store.sli.WebhookPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the SLI queries. */
@ConfigMapping(prefix = "rampart.sli")
public interface SliConfig {

    /**
     * The webhook policy of answers that name none ({@code RAMPART_SLI_WEBHOOK_POLICY}:
     * {@code normalized} or {@code per-product}; default {@code normalized}, as DESIGN.md says).
     */
    @WithDefault("normalized")
    WebhookPolicy webhookPolicy();

    /** The longest window a query may ask for, in days ({@code RAMPART_SLI_MAX_WINDOW_DAYS}, default 400). */
    @WithDefault("400")
    int maxWindowDays();

    /** The most points a series may have ({@code RAMPART_SLI_MAX_SERIES_POINTS}, default 2000). */
    @WithDefault("2000")
    int maxSeriesPoints();
}
