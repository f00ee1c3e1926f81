package io.rampart.prober.probe;

import io.rampart.store.probe.ProbeOutcome;

import java.time.Instant;

/**
 * What one probe found, as stored in {@code probe_result}.
 *
 * @param startedAt   when the request started (probe_result.occurred_at)
 * @param durationMs  time from start to a complete answer; the timeout for a TIMEOUT
 * @param statusCode  the answer's status code, null where no answer arrived
 * @param prober      the replica that probed
 * @param phases      how long each step took, those the probe completed (docs/prober.md, <i>Phases</i>)
 * @param certificate the leaf certificate an HTTPS target presented in a completed handshake, else null
 */
public record ProbeResult(long targetId, String appKey, Instant scheduledAt, Instant startedAt,
                          int durationMs, ProbeOutcome outcome, Integer statusCode, String prober,
                          ProbePhases phases, ProbeCertificate certificate) {

    /** A result without phases or certificate. */
    public ProbeResult(long targetId, String appKey, Instant scheduledAt, Instant startedAt, int durationMs,
            ProbeOutcome outcome, Integer statusCode, String prober) {
        this(targetId, appKey, scheduledAt, startedAt, durationMs, outcome, statusCode, prober, ProbePhases.NONE, null);
    }

    /**
     * The steps of a probe, in milliseconds, each null where the probe did not complete it: resolving
     * the host, the TCP connect, the TLS handshake (null for http), and from the request sent to
     * the answer's status line and headers (the first byte). The total is the result's duration.
     */
    public record ProbePhases(Integer dnsMs, Integer connectMs, Integer tlsMs, Integer firstByteMs) {
        public static final ProbePhases NONE = new ProbePhases(null, null, null, null);
    }

    /** The leaf certificate of an HTTPS target: when it expires and who issued it (RFC 2253 name). */
    public record ProbeCertificate(Instant notAfter, String issuer) {
    }
}
