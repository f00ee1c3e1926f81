package io.rampart.ingest.event;

import io.rampart.store.event.DeliveryErrorKind;
import io.rampart.store.event.EventKind;
import io.rampart.store.event.LifecycleKind;
import io.rampart.store.event.Product;

import java.time.OffsetDateTime;

/** One row of {@code app_event} as validated from a request: raw outcomes only (see V1); {@code site} host events only. */
public record EventRow(String appKey, EventKind kind, OffsetDateTime occurredAt, Integer durationMs,
                       Boolean succeeded, Integer statusCode, DeliveryErrorKind errorKind,
                       LifecycleKind lifecycle, Product product, String webhookEvent, Integer queueMs,
                       String checkName, String eventId, String site) {
}
