package io.rampart.sli.status;

import io.rampart.sli.indicator.SliEntry;
import io.rampart.store.sli.SliId;

import java.math.BigDecimal;
import java.util.Locale;

/** How the status and fleet pages write the SLI API's numbers: formatting only, never a computation. */
public final class PageFormat {

    static final String NO_DATA = "No data";
    /** A time on the status page: day, month, hour and minute in UTC. */
    static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("d MMM HH:mm 'UTC'", Locale.ROOT).withZone(java.time.ZoneOffset.UTC);

    private PageFormat() {
    }

    public static String value(SliId.Measure measure, Double value) {
        if (value == null) {
            return NO_DATA;
        }
        return switch (measure) {
            // Three decimals near the top, so that 99.899 % never reads as a 99.90 % that meets a 99.9 % SLO.
            case RATIO -> String.format(Locale.ROOT, value >= 99 ? "%.3f %%" : "%.2f %%", value);
            case LATENCY -> value < 1000 ? String.format(Locale.ROOT, "%.0f ms", value)
                    : String.format(Locale.ROOT, "%.2f s", value / 1000);
            case COUNT -> String.format(Locale.ROOT, "%,d", value.longValue());
        };
    }

    static String raw(Double value) {
        return value == null ? "" : value.toString();
    }

    static String detail(SliEntry entry, SliId.Measure measure) {
        return switch (measure) {
            case RATIO -> String.format(Locale.ROOT, "%,d of %,d good", entry.good(), entry.total());
            case LATENCY -> String.format(Locale.ROOT, "%s of %,d observations", entry.quantile().toUpperCase(Locale.ROOT),
                    entry.count());
            case COUNT -> String.format(Locale.ROOT, "of %,d callbacks", entry.total());
        };
    }

    /** What adjustments changed in a figure, or null where they left nothing out. */
    static String adjusted(SliEntry entry) {
        if (entry.excluded() == 0) {
            return null;
        }
        return String.format(Locale.ROOT, "%,d %s left out by maintenance and platform faults", entry.excluded(),
                entry.excluded() == 1 ? "event" : "events");
    }

    public static String percent(double target) {
        return BigDecimal.valueOf(target).stripTrailingZeros().toPlainString() + " %";
    }

    public static String budget(Double remaining) {
        if (remaining == null) {
            return "No events, budget untouched";
        }
        return remaining < 0 ? String.format(Locale.ROOT, "Error budget spent (%.1f %% left)", remaining)
                : String.format(Locale.ROOT, "%.1f %% of error budget left", remaining);
    }

    /** The budget left as a meter reads it: 0 when overspent, 100 when untouched. */
    static Double meter(Double remaining) {
        return remaining == null ? 100.0 : Math.max(0, Math.min(100, remaining));
    }
}
