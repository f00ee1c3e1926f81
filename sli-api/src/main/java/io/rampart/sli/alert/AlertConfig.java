package io.rampart.sli.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Alert rules, incidents and their webhook notifications (docs/alerts.md). */
@ConfigMapping(prefix = "rampart.alerts")
public interface AlertConfig {

    /**
     * How often every enabled app's rules are evaluated ({@code RAMPART_ALERTS_EVALUATE_EVERY},
     * default {@code 1m}; {@code off} disables the scheduler, as the tests do).
     */
    @WithDefault("1m")
    String evaluateEvery();

    /**
     * Apps evaluated at once by one replica, each holding one pooled connection at a time
     * ({@code RAMPART_ALERTS_EVALUATE_CONCURRENCY}, default 4).
     */
    @WithDefault("4")
    int evaluateConcurrency();

    /**
     * Events a burn-rate alert's long window needs before it may fire, so that a quiet app does not
     * page on one failure ({@code RAMPART_ALERTS_BURN_RATE_MIN_EVENTS}, default 20).
     */
    @WithDefault("20")
    long burnRateMinEvents();

    /**
     * The SLO period the workbook's 30-day burn-rate thresholds are scaled to
     * ({@code RAMPART_ALERTS_SLO_PERIOD}, default {@code 28d}, DESIGN.md's SLO window).
     */
    @WithDefault("28d")
    Duration sloPeriod();

    /** The lifecycle rule's threshold in percent over 24 hours ({@code RAMPART_ALERTS_LIFECYCLE_THRESHOLD}, default 99.9). */
    @WithDefault("99.9")
    double lifecycleThreshold();

    /**
     * How long an app that has sent synthetic check results may send none before
     * {@code synthetic_checks_stale} opens, where the app sets no time of its own
     * ({@code RAMPART_ALERTS_SYNTHETIC_STALE_AFTER}, default 2h; whole minutes).
     */
    @WithDefault("2h")
    Duration syntheticStaleAfter();

    /**
     * How many days before an https target's certificate expires the rule {@code certificate_expiring}
     * opens an incident ({@code RAMPART_ALERTS_CERTIFICATE_EXPIRING_DAYS}, default 14).
     */
    @WithDefault("14")
    int certificateExpiringDays();

    /**
     * Where people reach this sli-api, for the links in notifications to the status page and the
     * incident ({@code RAMPART_ALERTS_PUBLIC_URL}, default {@code http://localhost:8083}).
     */
    @WithDefault("http://localhost:8083")
    String publicUrl();

    /**
     * Notification channels one app may have ({@code RAMPART_ALERTS_CHANNELS_PER_APP}, default 10):
     * every channel is a delivery per incident change, so an app's channels are bounded like its load.
     */
    @WithDefault("10")
    int channelsPerApp();

    Delivery delivery();

    /** The vendors' API addresses (settable for tests and proxies; the defaults are the vendors' own). */
    Vendors vendors();

    interface Vendors {

        /** PagerDuty Events API v2 ({@code RAMPART_ALERTS_VENDORS_PAGERDUTY_EVENTS_URL}). */
        @WithDefault("https://events.pagerduty.com/v2/enqueue")
        String pagerdutyEventsUrl();

        /** Opsgenie API base of US accounts ({@code RAMPART_ALERTS_VENDORS_OPSGENIE_US_URL}). */
        @WithDefault("https://api.opsgenie.com")
        String opsgenieUsUrl();

        /** Opsgenie API base of EU accounts ({@code RAMPART_ALERTS_VENDORS_OPSGENIE_EU_URL}). */
        @WithDefault("https://api.eu.opsgenie.com")
        String opsgenieEuUrl();
    }

    /** Webhook deliveries of incident notifications. */
    interface Delivery {

        /** How often due deliveries are sent ({@code RAMPART_ALERTS_DELIVERY_EVERY}, default {@code 5s}; {@code off} disables). */
        @WithDefault("5s")
        String every();

        /** Attempts before a delivery is marked FAILED ({@code RAMPART_ALERTS_DELIVERY_MAX_ATTEMPTS}, default 6). */
        @WithDefault("6")
        int maxAttempts();

        /** Wait after the first failed attempt, doubled after each further one ({@code RAMPART_ALERTS_DELIVERY_INITIAL_BACKOFF}, default 10s). */
        @WithDefault("10s")
        Duration initialBackoff();

        /** Longest wait between attempts ({@code RAMPART_ALERTS_DELIVERY_MAX_BACKOFF}, default 10m). */
        @WithDefault("10m")
        Duration maxBackoff();

        /** Connect and response timeout of one attempt ({@code RAMPART_ALERTS_DELIVERY_TIMEOUT}, default 10s). */
        @WithDefault("10s")
        Duration timeout();

        /**
         * Whether receivers on loopback, private and link-local addresses may be reached
         * ({@code RAMPART_ALERTS_DELIVERY_ALLOW_PRIVATE_NETWORKS}, default false; true in the test and
         * local profiles, whose receivers run on 127.0.0.1).
         */
        @WithDefault("false")
        boolean allowPrivateNetworks();

        /** Deliveries one replica claims per round ({@code RAMPART_ALERTS_DELIVERY_BATCH}, default 50). */
        @WithDefault("50")
        int batch();

        /**
         * Failed attempts in a row after which a channel is shown as failing on the API and the
         * status page ({@code RAMPART_ALERTS_DELIVERY_FAILING_AFTER}, default 3); one delivered
         * attempt clears it.
         */
        @WithDefault("3")
        int failingAfter();

        /**
         * Deliveries of one app in flight at once, across replicas ({@code RAMPART_ALERTS_DELIVERY_PER_APP_IN_FLIGHT},
         * default 5): an app whose receivers never answer holds at most this many, and each claim
         * takes every app's first due delivery before any app's second.
         */
        @WithDefault("5")
        int perAppInFlight();

        /**
         * Deliveries one replica has in flight at once ({@code RAMPART_ALERTS_DELIVERY_MAX_IN_FLIGHT},
         * default 200): rounds do not wait for slow receivers, so this bounds their connections.
         */
        @WithDefault("200")
        int maxInFlight();
    }
}
