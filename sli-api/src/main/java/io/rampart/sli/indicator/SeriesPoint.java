package io.rampart.sli.indicator;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/** One step of a series: the SLI over [timestamp, timestamp + step), with the fields of {@link SliEntry}. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SeriesPoint(Instant timestamp, @JsonInclude(JsonInclude.Include.ALWAYS) Double value, Long good,
        Long total, Long count) {
}
