package io.rampart.sli.indicator;

import io.rampart.store.sli.AvailabilityPolicy;
import io.rampart.store.sli.LifecycleScope;
import io.rampart.store.sli.WebhookPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;
import org.eclipse.microprofile.config.spi.Converter;

/** Settings of the SLI queries. */
@ConfigMapping(prefix = "rampart.sli")
public interface SliConfig {

    /**
     * The webhook policy of answers that name none ({@code RAMPART_SLI_WEBHOOK_POLICY}:
     * {@code normalized} or {@code per-product}; default {@code normalized}, as DESIGN.md says).
     */
    @WithDefault("normalized")
    WebhookPolicy webhookPolicy();

    /**
     * The availability policy of apps that set none, where an answer names none
     * ({@code RAMPART_SLI_AVAILABILITY_POLICY}: {@code 2xx} or {@code http-200}; default {@code 2xx}).
     */
    @WithDefault("2xx")
    @WithConverter(AvailabilityPolicyConverter.class)
    AvailabilityPolicy availabilityPolicy();

    /**
     * The lifecycle scope of apps that set none, where an answer names none
     * ({@code RAMPART_SLI_LIFECYCLE_SCOPE}: {@code all} or {@code installed}; default {@code all}).
     */
    @WithDefault("all")
    @WithConverter(LifecycleScopeConverter.class)
    LifecycleScope lifecycleScope();

    /** The longest window a query may ask for, in days ({@code RAMPART_SLI_MAX_WINDOW_DAYS}, default 400). */
    @WithDefault("400")
    int maxWindowDays();

    /** The most points a series may have ({@code RAMPART_SLI_MAX_SERIES_POINTS}, default 2000). */
    @WithDefault("2000")
    int maxSeriesPoints();

    /** Reads an availability policy by its wire value. */
    final class AvailabilityPolicyConverter implements Converter<AvailabilityPolicy> {
        @Override
        public AvailabilityPolicy convert(String value) {
            return AvailabilityPolicy.find(value.trim())
                    .orElseThrow(() -> new IllegalArgumentException("rampart.sli.availability-policy: 2xx or http-200, not " + value));
        }
    }

    /** Reads a lifecycle scope by its wire value. */
    final class LifecycleScopeConverter implements Converter<LifecycleScope> {
        @Override
        public LifecycleScope convert(String value) {
            return LifecycleScope.find(value.trim())
                    .orElseThrow(() -> new IllegalArgumentException("rampart.sli.lifecycle-scope: all or installed, not " + value));
        }
    }
}
