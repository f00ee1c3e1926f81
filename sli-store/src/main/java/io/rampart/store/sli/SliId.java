package io.rampart.store.sli;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SLIs of DESIGN.md's table. The wire id of each is part of the API.
 */
public enum SliId {
    AVAILABILITY_SUCCESS_RATE("availability_success_rate", "App availability success rate", Measure.RATIO, Source.PROBER),
    AVAILABILITY_LATENCY("availability_latency", "App availability latency", Measure.LATENCY, Source.PROBER),
    IFRAME_LOAD_SUCCESS_RATE("iframe_load_success_rate", "Iframe load success rate", Measure.RATIO, Source.HOST),
    IFRAME_LOAD_LATENCY("iframe_load_latency", "Iframe load latency", Measure.LATENCY, Source.HOST),
    IFRAME_LOAD_SUCCESS_RATE_APP_SERVER("iframe_load_success_rate_app_server", "Iframe load success rate from app server",
            Measure.RATIO, Source.VENDOR),
    IFRAME_LOAD_LATENCY_APP_SERVER("iframe_load_latency_app_server", "Iframe load latency from app server",
            Measure.LATENCY, Source.VENDOR),
    IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE("iframe_load_success_rate_effective", "Iframe load success rate (effective)",
            Measure.RATIO, Source.DERIVED),
    LIFECYCLE_SUCCESS_RATE("lifecycle_success_rate", "Lifecycle success rate", Measure.RATIO, Source.HOST),
    LIFECYCLE_FAILURE_COUNT("lifecycle_failure_count", "Lifecycle failure count", Measure.COUNT, Source.HOST),
    LIFECYCLE_LATENCY("lifecycle_latency", "Lifecycle latency", Measure.LATENCY, Source.HOST),
    WEBHOOK_DELIVERY_SUCCESS_RATE("webhook_delivery_success_rate", "Webhook delivery success rate", Measure.RATIO, Source.HOST),
    WEBHOOK_LATENCY("webhook_latency", "Webhook latency", Measure.LATENCY, Source.HOST),
    SYNTHETIC_CHECK_SUCCESS_RATE_APP_SERVER("synthetic_check_success_rate_app_server",
            "Synthetic check success rate from app server", Measure.RATIO, Source.VENDOR),
    SYNTHETIC_CHECK_LATENCY_APP_SERVER("synthetic_check_latency_app_server", "Synthetic check latency from app server",
            Measure.LATENCY, Source.VENDOR);

    /** What kind of number an SLI is; it fixes the unit and which fields an answer carries. */
    public enum Measure {
        /** good / total over the window, in percent. */
        RATIO("%"),
        /** a quantile (P90 unless asked otherwise) of all observations in the window, in ms. */
        LATENCY("ms"),
        /** a number of events in the window. */
        COUNT("count");

        private final String unit;

        Measure(String unit) {
            this.unit = unit;
        }

        public String unit() {
            return unit;
        }
    }

    /** Who measures the events behind an SLI. */
    public enum Source {
        PROBER, HOST, VENDOR, DERIVED
    }

    private final String id;
    private final String displayName;
    private final Measure measure;
    private final Source source;

    SliId(String id, String displayName, Measure measure, Source source) {
        this.id = id;
        this.displayName = displayName;
        this.measure = measure;
        this.source = source;
    }

    public String id() {
        return id;
    }

    public String displayName() {
        return displayName;
    }

    public Measure measure() {
        return measure;
    }

    public Source source() {
        return source;
    }

    public String unit() {
        return measure.unit();
    }

    /** The SLI with this wire id; empty for null or an unknown id. */
    public static Optional<SliId> find(String id) {
        return Arrays.stream(values()).filter(sli -> sli.id.equals(id)).findFirst();
    }

    /** The SLI with this id, which Rampart itself wrote (a rollup row, a ranked entry): one of its own. */
    public static SliId of(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("no SLI " + id));
    }
}
