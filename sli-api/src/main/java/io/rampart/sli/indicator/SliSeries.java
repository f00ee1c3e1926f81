package io.rampart.sli.indicator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.adjustment.Exclusions;

import java.time.Instant;
import java.util.List;

/** The answer of {@code GET /api/v1/apps/{appKey}/slis/{sliId}/series}: one point per step, oldest first, and the adjustments applied. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SliSeries(String appKey, String sliId, String unit, String step, Instant from, Instant to,
        String webhookPolicy, String availabilityPolicy, String lifecycleScope, String target, String quantile, List<Exclusions.Applied> adjustments,
        List<SeriesPoint> points) {
}
