package io.rampart.sli.diagnostics;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.adjustment.Exclusions;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/v1/apps/{appKey}/failures}: the latest failed events, newest
 * first, within the raw retention, judged by the read rules it names; {@code adjustments} the
 * occurrences that leave some of them out of the figures.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailureList(String appKey, String sli, Instant from, Instant to, String webhookPolicy,
        String availabilityPolicy, String lifecycleScope, List<Exclusions.Applied> adjustments, List<Failure> failures) {

    /**
     * One failed event: when, where (a probe's target and location, a host event's site), what
     * ({@code outcome}: a probe outcome, an error kind, {@code HTTP_STATUS}, an iframe load's
     * {@code late} or {@code never}, a vendor item's {@code FAIL}), its status code and duration;
     * {@code excluded} true where an adjustment leaves its minute out of the SLI it counts against.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(Instant time, String sli, String target, String location, String site, String outcome,
            Integer statusCode, Integer durationMs, String product, String event, String lifecycle, String checkName,
            Boolean excluded) {
    }
}
