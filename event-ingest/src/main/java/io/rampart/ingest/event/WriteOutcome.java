package io.rampart.ingest.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer to a committed request: events stored, and events not stored again because their
 * {@code eventId} was already stored for the app (or came earlier in the same batch).
 */
@RegisterForReflection
public record WriteOutcome(int accepted, int duplicates) {
}
