package io.rampart.sli.indicator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.adjustment.Exclusions;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/v1/apps/{appKey}/slis}: every SLI of the table over [from, to), and
 * the adjustments (occurrences) applied to it.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SliSummary(String appKey, Instant from, Instant to, String webhookPolicy, String availabilityPolicy,
        String lifecycleScope, String target,
        List<Exclusions.Applied> adjustments, List<SliEntry> slis) {
}
