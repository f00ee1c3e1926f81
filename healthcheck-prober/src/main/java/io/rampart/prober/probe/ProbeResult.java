package io.rampart.prober.probe;

import io.rampart.store.probe.ProbeOutcome;

import java.time.Instant;

/**
 * What one probe found, as stored in {@code probe_result}.
 *
 * @param startedAt  when the request started (probe_result.occurred_at)
 * @param durationMs time from start to a complete answer; the timeout for a TIMEOUT
 * @param statusCode the answer's status code, null where no answer arrived
 * @param prober     the replica that probed
 */
public record ProbeResult(long targetId, String appKey, Instant scheduledAt, Instant startedAt,
                          int durationMs, ProbeOutcome outcome, Integer statusCode, String prober) {
}
