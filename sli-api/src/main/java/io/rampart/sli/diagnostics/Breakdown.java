package io.rampart.sli.diagnostics;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.adjustment.Exclusions;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code GET /api/v1/apps/{appKey}/slis/{sliId}/breakdown}: the window's events of
 * the SLI grouped by cause, largest first, the counts adding up to {@code total}, those of the
 * minutes the {@code adjustments} leave out not among them ({@code excluded} counts them);
 * {@code source} {@code rollups} or {@code raw_events}, with the dimensions the rollups could not
 * give ({@code missingDimensions}); {@code sites} (the sites with the most failures, raw events
 * only) only to the app's vendor and admins.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Breakdown(String appKey, String sliId, Instant from, Instant to, String source,
        List<String> missingDimensions, int rawRetentionDays, String webhookPolicy, String availabilityPolicy,
        String lifecycleScope, long total, long bad, long excluded, List<Exclusions.Applied> adjustments,
        List<Cause> causes, List<Site> sites) {

    /** Events with equal causes: {@code dimensions} names them, {@code good} of {@code count} were good. */
    @RegisterForReflection
    public record Cause(Map<String, Object> dimensions, long count, long good) {
    }

    /** One site's events in the window and how many of them failed. */
    @RegisterForReflection
    public record Site(String site, long count, long bad) {
    }
}
