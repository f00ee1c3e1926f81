package io.rampart.sli.diagnostics;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/**
 * The answer of {@code GET /api/v1/apps/{appKey}/failures}: the latest failed events, newest
 * first, within the raw retention, judged by the read rules it names.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FailureList(String appKey, String sli, Instant from, Instant to, String webhookPolicy,
        String availabilityPolicy, String lifecycleScope, List<Failure> failures) {

    /**
     * One failed event: when, where (a probe's target and location, a host event's site), what
     * ({@code outcome}: a probe outcome, an error kind, {@code HTTP_STATUS}, an iframe load's
     * {@code late} or {@code never}, a vendor item's {@code FAIL}), its status code and duration.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(Instant time, String sli, String target, String location, String site, String outcome,
            Integer statusCode, Integer durationMs, String product, String event, String lifecycle, String checkName) {
    }
}
