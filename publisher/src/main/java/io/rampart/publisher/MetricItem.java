package io.rampart.publisher;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One item of the Metric Publish API. Immutable: each {@code with...} answers a copy. An item
 * without a time is stamped when it is handed to {@link RampartPublisher#publish}, one without an
 * {@code eventId} gets a random one there, so that every retry sends the same item.
 */
public final class MetricItem {

    private final MetricsType type;
    private final MetricStatus status;
    private final Long durationMillis;
    private final Instant timestamp;
    private final String eventId;
    private final String checkName;

    private MetricItem(MetricsType type, MetricStatus status, Long durationMillis, Instant timestamp, String eventId,
            String checkName) {
        this.type = Objects.requireNonNull(type, "type");
        this.status = Objects.requireNonNull(status, "status");
        if (durationMillis != null && durationMillis < 0) {
            throw new IllegalArgumentException("durationMillis must not be negative");
        }
        this.durationMillis = durationMillis;
        this.timestamp = timestamp;
        this.eventId = eventId;
        this.checkName = checkName;
    }

    public static MetricItem of(MetricsType type, MetricStatus status) {
        return new MetricItem(type, status, null, null, null, null);
    }

    public static MetricItem synthetic(MetricStatus status) {
        return of(MetricsType.SYNTHETIC, status);
    }

    public static MetricItem iframe(MetricStatus status) {
        return of(MetricsType.IFRAME, status);
    }

    public MetricItem withDurationMillis(long durationMillis) {
        return new MetricItem(type, status, durationMillis, timestamp, eventId, checkName);
    }

    public MetricItem withTimestamp(Instant timestamp) {
        return new MetricItem(type, status, durationMillis, timestamp, eventId, checkName);
    }

    /** An id the app chooses: an item whose id is already stored for the app is not counted again. */
    public MetricItem withEventId(String eventId) {
        return new MetricItem(type, status, durationMillis, timestamp, eventId, checkName);
    }

    public MetricItem withCheckName(String checkName) {
        return new MetricItem(type, status, durationMillis, timestamp, eventId, checkName);
    }

    public MetricsType type() {
        return type;
    }

    public MetricStatus status() {
        return status;
    }

    public Long durationMillis() {
        return durationMillis;
    }

    public Instant timestamp() {
        return timestamp;
    }

    public String eventId() {
        return eventId;
    }

    public String checkName() {
        return checkName;
    }

    /** The item's fields as the API names them, absent ones left out. */
    Map<String, Object> wireFields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("metricsType", type.name());
        fields.put("status", status.name());
        if (durationMillis != null) {
            fields.put("durationInMillis", durationMillis);
        }
        if (timestamp != null) {
            fields.put("timestamp", timestamp.toString());
        }
        if (eventId != null) {
            fields.put("eventId", eventId);
        }
        if (checkName != null) {
            fields.put("checkName", checkName);
        }
        return fields;
    }

    @Override
    public String toString() {
        return wireFields().toString();
    }
}
