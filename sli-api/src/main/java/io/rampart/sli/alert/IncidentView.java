package io.rampart.sli.alert;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * One incident: OPEN while its rule fires, RESOLVED once it stops; {@code sliValue} is the last
 * value read while it was open. {@code notifications} is the delivery state per channel and status.
 */
@RegisterForReflection
public record IncidentView(String id, String appKey, String rule, String severity, String status, String metricName,
        String metricUnit, long measurementDurationSeconds, Double sliValue, Double sloValue, Instant openedAt,
        Instant updatedAt, Instant resolvedAt, List<Notification> notifications) {

    /** One notification of the incident to one channel: PENDING (retrying), DELIVERED or FAILED. */
    @RegisterForReflection
    public record Notification(long id, String channelId, String incidentStatus, String state, int attempts,
            Instant lastAttemptAt, Integer lastStatusCode, String lastError, Instant nextAttemptAt,
            Instant deliveredAt) {
    }
}
