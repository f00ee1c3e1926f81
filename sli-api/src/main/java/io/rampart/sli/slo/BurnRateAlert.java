package io.rampart.sli.slo;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One of the SRE workbook's alert conditions: it fires while both windows burn the error budget
 * at least {@code threshold} times as fast as the SLO allows.
 */
@RegisterForReflection
public record BurnRateAlert(String longWindow, String shortWindow, double threshold, String severity, boolean firing) {

    /** The workbook's pairs for a 30-day budget: 2 % of it in 1 h or 5 % in 6 h page, 10 % in 1 d or 3 d open a ticket. */
    enum Rule {
        FAST_PAGE(BurnRateWindow.H1, BurnRateWindow.M5, 14.4, "page"),
        SLOW_PAGE(BurnRateWindow.H6, BurnRateWindow.M30, 6, "page"),
        FAST_TICKET(BurnRateWindow.D1, BurnRateWindow.H2, 3, "ticket"),
        SLOW_TICKET(BurnRateWindow.D3, BurnRateWindow.H6, 1, "ticket");

        final BurnRateWindow longWindow;
        final BurnRateWindow shortWindow;
        final double threshold;
        final String severity;

        Rule(BurnRateWindow longWindow, BurnRateWindow shortWindow, double threshold, String severity) {
            this.longWindow = longWindow;
            this.shortWindow = shortWindow;
            this.threshold = threshold;
            this.severity = severity;
        }
    }
}
