package io.rampart.sli.slo;

import java.time.Duration;

/** The windows of the SRE workbook's multi-window, multi-burn-rate alerts, each ending at the query's end. */
public enum BurnRateWindow {
    M5("5m", Duration.ofMinutes(5)),
    M30("30m", Duration.ofMinutes(30)),
    H1("1h", Duration.ofHours(1)),
    H2("2h", Duration.ofHours(2)),
    H6("6h", Duration.ofHours(6)),
    D1("1d", Duration.ofDays(1)),
    D3("3d", Duration.ofDays(3));

    private final String label;
    private final Duration length;

    BurnRateWindow(String label, Duration length) {
        this.label = label;
        this.length = length;
    }

    public String label() {
        return label;
    }

    public Duration length() {
        return length;
    }
}
