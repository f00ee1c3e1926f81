package io.rampart.sli.fleet;

import io.rampart.store.error.Refusal;
import io.rampart.store.event.Product;
import io.rampart.store.sli.SliId;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What the fleet page shows: the filters, the period switch, one row per app of the page and the links. */
public record FleetView(Filters filters, String periodLabel, String window, List<Link> periods, List<Option> slis,
        List<Option> products, List<Row> rows, String csvHref, String nextHref, String firstHref,
        List<SuspectedFaultRow> suspectedFaults) {

    /** The rolling period, the page's default. */
    static final String ROLLING = "28d";

    private static final Pattern CALENDAR = Pattern.compile("[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]{0,255}");

    /**
     * The page's question as the address gives it: a period ({@code 28d}, {@code 2026-11},
     * {@code 2026-Q4}), an SLI, below-SLO apps only, an app key prefix and a product.
     */
    public record Filters(String period, String sli, boolean belowSlo, String prefix, String product) {

        static Filters of(String period, String sli, String belowSlo, String prefix, String product) {
            String chosen = period == null || period.isBlank() ? ROLLING : period;
            if (!chosen.equals(ROLLING) && !CALENDAR.matcher(chosen).matches()) {
                throw Refusal.invalid("period", "28d, a UTC calendar month such as 2026-11 or a quarter such as 2026-Q4");
            }
            String sliId = blankToNull(sli);
            if (sliId != null && SliId.find(sliId).isEmpty()) {
                throw Refusal.invalid("sli", "no SLI " + sliId);
            }
            String keyPrefix = blankToNull(prefix);
            if (keyPrefix != null && !PREFIX.matcher(keyPrefix).matches()) {
                throw Refusal.invalid("prefix", "letters, digits, '.', '_' and '-'");
            }
            return new Filters(chosen, sliId, "true".equals(belowSlo), keyPrefix, blankToNull(product));
        }

        /** The compliance question's {@code period}: null for the rolling window. */
        String calendarPeriod() {
            return period.equals(ROLLING) ? null : period;
        }

        /** The compliance question's {@code window}: null for a calendar period. */
        String rollingWindow() {
            return period.equals(ROLLING) ? ROLLING : null;
        }

        /** The page's address for these filters in another period (the filters kept). */
        String href(String otherPeriod, String cursor) {
            Map<String, String> parameters = new LinkedHashMap<>();
            parameters.put("period", otherPeriod);
            parameters.put("sli", sli);
            parameters.put("belowSlo", belowSlo ? "true" : null);
            parameters.put("prefix", prefix);
            parameters.put("product", product);
            parameters.put("cursor", cursor);
            return "/fleet?" + parameters.entrySet().stream().filter(entry -> entry.getValue() != null)
                    .map(entry -> entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
        }

        public boolean isSli(String id) {
            return id.equals(sli);
        }

        public boolean isProduct(String wireValue) {
            return wireValue.equals(product);
        }

        private static String blankToNull(String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }

    /** A choice of the period switch. */
    public record Link(String label, String period, String href, boolean current) {
    }

    /** A choice of a filter's list. */
    public record Option(String value, String label) {
    }

    /**
     * One app: the SLI it is ranked by (the filter's, else the one with the least budget left),
     * its figures in words, and its sparkline's polyline over the period (empty without data).
     */
    public record Row(String appKey, String name, String sliName, String value, String target, String budget,
            boolean belowSlo, String stateLabel, long openIncidents, String sparkline, int sparklinePoints,
            String statusHref) {
    }

    /**
     * An open suspected platform-wide fault, for an admin to confirm (it becomes a platform fault)
     * or dismiss through the API; {@code apps} the first of the failing apps' keys.
     */
    public record SuspectedFaultRow(long id, String minute, String summary, String apps) {
    }

    static List<Option> sliOptions() {
        return java.util.Arrays.stream(SliId.values()).map(sli -> new Option(sli.id(), sli.displayName())).toList();
    }

    static List<Option> productOptions() {
        return java.util.Arrays.stream(Product.values()).map(product -> new Option(product.wireValue(), product.wireValue())).toList();
    }
}
