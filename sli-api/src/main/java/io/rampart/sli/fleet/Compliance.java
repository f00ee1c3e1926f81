package io.rampart.sli.fleet;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/** The answer of {@code GET /api/v1/fleet/compliance}: every app against each of its SLOs over one period. */
@RegisterForReflection
public record Compliance(String period, Instant from, Instant to, List<ComplianceRow> items) {
}
