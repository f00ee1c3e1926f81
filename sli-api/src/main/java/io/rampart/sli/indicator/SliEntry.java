package io.rampart.sli.indicator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.rampart.sli.slo.SloStatus;

/**
 * One SLI over the window: {@code value} always (null without events), {@code good} and
 * {@code total} on ratios and counts, {@code count} on latencies (observations) and counts (events),
 * {@code quantile} on latencies, {@code slo} on ratios that have an objective, {@code excluded} the
 * events (observations on latencies) the applied adjustments left out.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SliEntry(String id, String name, String unit, @JsonInclude(JsonInclude.Include.ALWAYS) Double value,
        Long good, Long total, Long count, String quantile, SloStatus slo, long excluded) {
}
