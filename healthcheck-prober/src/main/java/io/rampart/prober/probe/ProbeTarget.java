package io.rampart.prober.probe;

import java.time.Instant;

/**
 * One claimed slot of one health check target: probe {@code url} at {@code slot}.
 *
 * @param slot the scheduled time of this probe (the schedule advances from it, never from a probe's end)
 */
public record ProbeTarget(long targetId, String appKey, String url, Instant slot) {
}
