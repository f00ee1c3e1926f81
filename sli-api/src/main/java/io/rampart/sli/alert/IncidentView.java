package io.rampart.sli.alert;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * One incident: OPEN while its rule fires, RESOLVED once it stops; {@code sliValue} is the last
 * value read while it was open; {@code acknowledgedAt}/{@code acknowledgedBy} once someone
 * acknowledged it; {@code resolution} why it was resolved where that was not its rule's recovery
 * ("excluded: platform fault 12"). {@code notifications} is the delivery state per channel and status.
 */
@RegisterForReflection
public record IncidentView(String id, String appKey, String rule, String severity, String status, String metricName,
        String metricUnit, long measurementDurationSeconds, Double sliValue, Double sloValue, Instant openedAt,
        Instant updatedAt, Instant resolvedAt, String resolution, Instant acknowledgedAt, String acknowledgedBy,
        List<Notification> notifications) {

    /**
     * One notification of the incident to one channel: PENDING (not yet due, or retrying), DELIVERED,
     * FAILED, or CANCELLED (a reminder the acknowledgement or the resolution made moot);
     * {@code reminder} is 0 for the state change itself, n for its n-th reminder.
     */
    @RegisterForReflection
    public record Notification(long id, String channelId, String incidentStatus, int reminder, String state, int attempts,
            Instant lastAttemptAt, Integer lastStatusCode, String lastError, Instant nextAttemptAt,
            Instant deliveredAt) {
    }
}
