package io.rampart.sli.slo;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.Map;

/**
 * A ratio SLI against its objective: the target in percent, the share of the error budget left
 * over the query's window in percent (100 untouched, 0 spent, below 0 overspent; null without
 * events), the burn rate over each window of {@link BurnRateWindow} (null without events) and the
 * alert conditions they make.
 */
@RegisterForReflection
public record SloStatus(double target, Double errorBudgetRemaining, Map<String, Double> burnRates,
        List<BurnRateAlert> alerts) {
}
