package io.rampart.sli.slo;

import io.rampart.store.sli.SliId;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Targets, error budgets and burn rates of the ratio SLIs (docs/slis.md, "SLOs"). */
@ApplicationScoped
public class SloCalculator {

    private final SloConfig config;

    public SloCalculator(SloConfig config) {
        this.config = config;
    }

    /** The target in percent of a ratio SLI for an app, or null where it has none. */
    public Double target(SliId sli, Map<String, Double> overrides) {
        Double override = overrides.get(sli.id());
        if (override != null) {
            return override;
        }
        return switch (sli) {
            case AVAILABILITY_SUCCESS_RATE -> config.availability();
            case WEBHOOK_DELIVERY_SUCCESS_RATE -> config.webhookDelivery();
            case LIFECYCLE_SUCCESS_RATE -> config.lifecycle();
            case IFRAME_LOAD_SUCCESS_RATE, IFRAME_LOAD_SUCCESS_RATE_APP_SERVER, IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE ->
                    config.iframeLoad();
            default -> null;
        };
    }

    /**
     * @param window     bad and total events over the query's window
     * @param burnWindows bad and total events over each burn-rate window
     */
    public SloStatus status(double target, long bad, long total, Map<BurnRateWindow, EventCounts> burnWindows) {
        Map<String, Double> burnRates = new LinkedHashMap<>();
        Map<BurnRateWindow, Double> byWindow = new LinkedHashMap<>();
        for (BurnRateWindow window : BurnRateWindow.values()) {
            EventCounts counts = burnWindows.get(window);
            Double rate = burnRate(target, counts.bad(), counts.total());
            burnRates.put(window.label(), rate);
            byWindow.put(window, rate);
        }
        List<BurnRateAlert> alerts = new ArrayList<>();
        for (BurnRateAlert.Rule rule : BurnRateAlert.Rule.values()) {
            Double longRate = byWindow.get(rule.longWindow);
            Double shortRate = byWindow.get(rule.shortWindow);
            alerts.add(new BurnRateAlert(rule.longWindow.label(), rule.shortWindow.label(), rule.threshold, rule.severity,
                    longRate != null && shortRate != null && longRate >= rule.threshold && shortRate >= rule.threshold));
        }
        Double spent = burnRate(target, bad, total);
        return new SloStatus(target, spent == null ? null : 100 * (1 - spent), burnRates, alerts);
    }

    /** The error rate over the allowed error rate: 1 spends the budget exactly over the SLO window. */
    static Double burnRate(double target, long bad, long total) {
        if (total == 0) {
            return null;
        }
        return ((double) bad / total) / (1 - target / 100);
    }
}
