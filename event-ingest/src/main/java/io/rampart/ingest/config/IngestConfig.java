package io.rampart.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Limits and tuning of event-ingest; docs/ingest.md lists every key with its environment
 * variable ({@code rampart.ingest.max-items} is {@code RAMPART_INGEST_MAX_ITEMS}).
 */
@ConfigMapping(prefix = "rampart.ingest")
public interface IngestConfig {

    /** Items (vendor metrics or host events) one request may carry; more is answered 413. */
    @WithDefault("1000")
    int maxItems();

    /** Bytes one request body may have; more is answered 413. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** How far in the past an event's time may lie (the longest SLO window). */
    @WithDefault("P28D")
    Duration maxPast();

    /** How far in the future an event's time may lie (clock skew of the sender). */
    @WithDefault("5M")
    Duration maxFuture();

    RateLimit rateLimit();

    Connect connect();

    Credentials credentials();

    Writer writer();

    /** Per-app token bucket on vendor events, per replica. */
    interface RateLimit {

        /** Events per second an app may publish, sustained. */
        @WithDefault("1000")
        double eventsPerSecond();

        /** Events an app may publish at once; at least max-items, or a full request never passes. */
        @WithDefault("10000")
        int burst();
    }

    /** What a Connect JWT may claim beyond the wire contract's checks. */
    interface Connect {

        /** Longest {@code exp - iat} accepted: a leaked token cannot serve for longer. */
        @WithDefault("1H")
        Duration maxTokenLifetime();
    }

    /** The cache of the apps' enabled flag and opened shared secrets. */
    interface Credentials {

        /** How long a looked-up app is kept: a disable or a grace period's end shows within it. */
        @WithDefault("5S")
        Duration cacheTtl();

        /** A token that fails against a cached entry at least this old makes one fresh look-up (a new secret works at once). */
        @WithDefault("1S")
        Duration recheckAfter();

        /** Apps kept in the cache at most. */
        @WithDefault("100000")
        long maxApps();
    }

    /** The group-commit writer. */
    interface Writer {

        /** Events one transaction takes at most (whole requests only, so a larger request goes alone). */
        @WithDefault("5000")
        int maxBatchEvents();

        /** Transactions in flight at once. */
        @WithDefault("2")
        int concurrency();

        /** Events waiting for a transaction at most; beyond, requests are answered 503. */
        @WithDefault("200000")
        int maxQueuedEvents();

        /** A transaction not committed within this is failed (503) so that its requests can retry. */
        @WithDefault("10S")
        Duration commitTimeout();
    }
}
