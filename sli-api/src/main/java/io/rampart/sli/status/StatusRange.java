package io.rampart.sli.status;

import io.quarkus.qute.TemplateData;

import java.time.Duration;
import java.util.Locale;

/** The ranges of the status page's switch: each a window of the SLI API and the step of its charts. */
@TemplateData
public enum StatusRange {
    DAY("Day", "1d", Duration.ofDays(1), "5m", "Last 24 hours"),
    WEEK("Week", "7d", Duration.ofDays(7), "1h", "Last 7 days"),
    // A month is the SLO period (28 days), so its error budget is the one the SLO speaks of.
    MONTH("Month", "28d", Duration.ofDays(28), "4h", "Last 28 days");

    private final String label;
    private final String window;
    private final Duration length;
    private final String step;
    private final String description;

    StatusRange(String label, String window, Duration length, String step, String description) {
        this.label = label;
        this.window = window;
        this.length = length;
        this.step = step;
        this.description = description;
    }

    public String label() {
        return label;
    }

    /** The {@code window} parameter of the SLI API. */
    public String window() {
        return window;
    }

    /** The length of {@link #window()}. */
    public Duration length() {
        return length;
    }

    /** The {@code step} of the charts' series. */
    public String step() {
        return step;
    }

    public String description() {
        return description;
    }

    /** The {@code range} query parameter: day, week or month. */
    public String parameter() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The range a parameter names; a missing or unknown one reads as a day. */
    public static StatusRange fromParameter(String parameter) {
        for (StatusRange range : values()) {
            if (range.parameter().equals(parameter)) {
                return range;
            }
        }
        return DAY;
    }
}
