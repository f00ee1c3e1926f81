package io.rampart.sli.adjustment;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/**
 * The body of {@code POST /api/v1/adjustments} ({@code kind}, {@code appKeys}, {@code product},
 * {@code reference} there only) and of {@code POST /api/v1/apps/{appKey}/maintenance}. Instants
 * arrive as text so that a bad one is refused naming its field.
 */
@RegisterForReflection
public record AdjustmentRequest(String kind, String start, String end, String reason, List<String> appKeys,
        String product, List<String> slis, List<String> targets, String reference, Recurrence recurrence) {
}
