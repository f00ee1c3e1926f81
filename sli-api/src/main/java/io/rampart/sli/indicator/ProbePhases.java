package io.rampart.sli.indicator;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/**
 * The phases of an app's probes over a window: each phase's quantile (P90) in ms, null where no
 * probe of the window completed that phase (tlsMs for http targets).
 *
 * @param probes the probes of the window (those that count for the app)
 */
@RegisterForReflection
public record ProbePhases(String appKey, Instant from, Instant to, double quantile, long probes, Double dnsMs,
        Double connectMs, Double tlsMs, Double firstByteMs, Double totalMs) {
}
