package io.rampart.sli.slo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Default SLO targets in percent (DESIGN.md), overridable per app with the app's sloOverrides. */
@ConfigMapping(prefix = "rampart.slo")
public interface SloConfig {

    /** availability_success_rate ({@code RAMPART_SLO_AVAILABILITY}, default 99.9). */
    @WithDefault("99.9")
    double availability();

    /** webhook_delivery_success_rate ({@code RAMPART_SLO_WEBHOOK_DELIVERY}, default 99). */
    @WithDefault("99")
    double webhookDelivery();

    /** lifecycle_success_rate ({@code RAMPART_SLO_LIFECYCLE}, default 99). */
    @WithDefault("99")
    double lifecycle();

    /** The three iframe load success rates ({@code RAMPART_SLO_IFRAME_LOAD}, default 99). */
    @WithDefault("99")
    double iframeLoad();
}
