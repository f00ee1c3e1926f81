package io.rampart.prober.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * How the prober schedules, probes and records. Every key, its environment variable and its
 * default are listed in docs/prober.md.
 */
@ConfigMapping(prefix = "rampart.prober")
public interface ProberConfig {

    /** Whether this replica probes at all (an operator can park a replica without stopping it). */
    @WithDefault("true")
    boolean enabled();

    /** Name recorded in probe_result.prober and probe_schedule.lease_owner; default: host name and pid. */
    Optional<String> replicaId();

    /**
     * Where this replica probes from (a region, a data centre): stored with each result; the
     * replicas of one location share its slots, each slot probed once per location.
     */
    @WithDefault("local")
    String location();

    /**
     * A location none of whose replicas has synced for this long is gone: reported, and no longer
     * scheduled for the apps that do not list it explicitly.
     */
    @WithDefault("30s")
    Duration locationExpiry();

    /** A probe without a complete answer by then is a TIMEOUT recorded with this duration (DESIGN.md: 3 s). */
    @WithDefault("3s")
    Duration timeout();

    /**
     * Probes running at once on this replica; due probes past it wait, and the replica claims no
     * more until they have started. With a 3 s timeout, 5000 sustain 1,666 probes/s even when
     * every target times out.
     */
    @WithDefault("5000")
    int maxInFlight();

    /** Claimed slots waiting for their time at most; the replica claims no more past it. */
    @WithDefault("20000")
    int maxScheduled();

    /** Event loops the probes are spread over; default: one per CPU core. */
    Optional<Integer> eventLoops();

    /** Bytes of a 200 answer's body read at most; a longer body is BODY_TOO_LARGE. */
    @WithDefault("65536")
    int maxBodyBytes();

    /** Bytes of the status line and headers read at most; more is BODY_TOO_LARGE. */
    @WithDefault("16384")
    int maxHeaderBytes();

    /**
     * Probe targets whose address is loopback, private, link-local or any other special-purpose
     * address; off in production, where such a probe is BLOCKED (a vendor must not make the prober
     * reach inside the platform), on in the local and test profiles, whose targets are on loopback.
     */
    @WithDefault("false")
    boolean allowPrivateNetworks();

    /**
     * The replica's control target: a URL the platform serves and that answers 200 while the
     * replica's own network works. Probed every {@link #controlPeriod()}; while it fails, every
     * result of the replica is stored as PROBER_FAULT. Unset: no guard.
     */
    Optional<String> controlUrl();

    /** How often the control target is probed. */
    @WithDefault("5s")
    Duration controlPeriod();

    /**
     * The certificates trusted for https targets, instead of the JVM's default trust store: a
     * PEM file of CA certificates ({@code .pem}, {@code .crt}) or a PKCS#12 key store (any other
     * name, with {@link #trustStorePassword()}). Unset: the JVM's default trust store.
     */
    Optional<String> trustStore();

    /** The password of a PKCS#12 {@link #trustStore()}. */
    Optional<String> trustStorePassword();

    /** Reuse connections between probes; off so that every probe measures what a first request costs. */
    @WithDefault("false")
    boolean keepAlive();

    /** How often the replica claims the slots that fall due, on average: each wait is 0.5 to 1.5 of it. */
    @WithDefault("100ms")
    Duration claimPeriod();

    /** How far ahead of their slot targets are claimed, so that probes start on time. */
    @WithDefault("1s")
    Duration claimLookahead();

    /** Slots claimed at most per claim statement. */
    @WithDefault("2000")
    int claimBatchSize();

    /**
     * How often, at most, new, re-enabled and re-timed registry targets are brought into the
     * schedule; the prober syncs more often where an enabled app's interval is shorter.
     */
    @WithDefault("5s")
    Duration syncPeriod();

    /**
     * Longest time between two full syncs: between them, a sync whose registry fingerprint and live
     * locations are those of the last full one only records the replica as live.
     */
    @WithDefault("60s")
    Duration fullSyncPeriod();

    /** Results held in memory while the database cannot take them; past it results are dropped and counted. */
    @WithDefault("100000")
    int resultBufferSize();

    /** Results written per multi-row insert at most. */
    @WithDefault("1000")
    int writeBatchSize();

    /** Inserts of buffered results running at once, each on a connection of the pool. */
    @WithDefault("2")
    int writeConcurrency();

    /** How often buffered results are written. */
    @WithDefault("200ms")
    Duration writePeriod();
}
