package io.rampart.prober.probe;

import java.time.Instant;

/**
 * One claimed slot of one health check target: probe {@code url} at {@code slot}.
 *
 * @param slot the scheduled time of this probe (the schedule advances from it, never from a probe's end)
 * @param latestStart the slot plus half the target's interval: started later, the probe would come
 *                    within half an interval of the target's next slot, so it is skipped instead
 */
public record ProbeTarget(long targetId, String appKey, String url, Instant slot, Instant latestStart) {

    /** A probe to run at once, outside the schedule (the control target, tests): it has no latest start. */
    public ProbeTarget(long targetId, String appKey, String url, Instant slot) {
        this(targetId, appKey, url, slot, Instant.MAX);
    }
}
