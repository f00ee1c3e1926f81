package io.rampart.sli.export.statuspage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;

/** An app's Statuspage configuration and export state, as the API answers it: never the API key itself. */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatuspageView(String appKey, String apiBaseUrl, String pageId, boolean apiKeySet,
        List<Metric> metrics, String lastError, Instant lastErrorAt, Instant lastSuccessAt, int failures,
        Instant nextAttemptAt) {

    /**
     * One published SLI: {@code sentUntil} is the exporter's progress (points before it are sent),
     * {@code lastPointAt} and {@code lastValue} the last point sent.
     */
    @RegisterForReflection
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metric(String sliId, String metricId, Instant sentUntil, Instant lastPointAt, Double lastValue) {
    }
}
