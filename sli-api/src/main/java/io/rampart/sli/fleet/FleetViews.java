package io.rampart.sli.fleet;

import io.rampart.sli.adjustment.SuspectedFault;
import io.rampart.sli.adjustment.SuspectedFaultService;
import io.rampart.sli.api.HumanPages;
import io.rampart.sli.indicator.SeriesPoint;
import io.rampart.sli.indicator.SliEntry;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.status.PageFormat;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The fleet page's view (docs/fleet.md): a page of {@link FleetService}'s ranking over the chosen
 * period, each app's figures in the status page's words and a daily sparkline of its ranked SLI
 * (one series read per app shown, one after the other).
 */
@ApplicationScoped
public class FleetViews {

    private static final String SPARKLINE_STEP = "1d";
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final double SPARKLINE_WIDTH = 120;
    private static final double SPARKLINE_HEIGHT = 28;
    private static final double SPARKLINE_DASH = 3;

    /** How many of a suspected fault's failing apps its row names. */
    private static final int SUSPECTED_FAULT_APPS_SHOWN = 10;

    private final FleetService fleet;
    private final SliService slis;
    private final FleetConfig config;
    private final SuspectedFaultService suspectedFaults;

    public FleetViews(FleetService fleet, SliService slis, FleetConfig config, SuspectedFaultService suspectedFaults) {
        this.fleet = fleet;
        this.slis = slis;
        this.config = config;
        this.suspectedFaults = suspectedFaults;
    }

    /** The page; {@code admin} adds the open suspected platform faults, which only admins decide. */
    Uni<FleetView> view(FleetView.Filters filters, String cursor, Instant now, boolean admin) {
        Period period = filters.calendarPeriod() == null ? null : Period.parse(filters.calendarPeriod(), null, null);
        FleetService.Query query = period == null
                ? new FleetService.Query(FleetView.ROLLING, null, null, filters.sli(), filters.belowSlo(), filters.prefix(),
                        filters.product(), null, null, null, config.pageRows(), cursor)
                : new FleetService.Query(null, period.from().toString(), period.to().toString(), filters.sli(),
                        filters.belowSlo(), filters.prefix(), filters.product(), null, null, null, config.pageRows(), cursor);
        Uni<List<FleetView.SuspectedFaultRow>> suspected = admin
                ? suspectedFaults.list("open").map(open -> open.stream().map(FleetViews::suspectedFaultRow).toList())
                : Uni.createFrom().item(List.of());
        return suspected.chain(faults -> fleet.page(query, now).chain(page -> Multi.createFrom().iterable(page.items())
                .onItem().transformToUniAndConcatenate(item -> row(item, page, filters.sli(), now))
                .collect().asList()
                .map(rows -> new FleetView(filters, label(filters.period()),
                        page.from() + " – " + page.to(), periods(filters, now), FleetView.sliOptions(),
                        FleetView.productOptions(), rows,
                        HumanPages.withQuery("/fleet/compliance.csv", "period", filters.period()).toString(),
                        page.next() == null ? null : filters.href(filters.period(), page.next()),
                        cursor == null ? null : filters.href(filters.period(), null), faults))));
    }

    private static FleetView.SuspectedFaultRow suspectedFaultRow(SuspectedFault fault) {
        List<String> keys = fault.appKeys();
        String apps = String.join(", ", keys.subList(0, Math.min(keys.size(), SUSPECTED_FAULT_APPS_SHOWN)))
                + (keys.size() > SUSPECTED_FAULT_APPS_SHOWN ? " and " + (keys.size() - SUSPECTED_FAULT_APPS_SHOWN) + " more" : "");
        return new FleetView.SuspectedFaultRow(fault.id(), MINUTE.format(fault.minute()), fault.summary(), apps);
    }

    /** An app's row, with the sparkline of its ranked SLI over the page's window by day. */
    private Uni<FleetView.Row> row(FleetItem item, FleetPage page, String sliFilter, Instant now) {
        SliEntry ranked = ranked(item.slis(), sliFilter);
        String statusHref = HumanPages.statusPage(item.appKey()).toString();
        if (ranked == null) {
            return Uni.createFrom().item(new FleetView.Row(item.appKey(), item.name(), "", PageFormat.value(SliId.Measure.RATIO, null),
                    "", "", false, "No data", item.openIncidents(), "", 0, statusHref));
        }
        SliId sli = SliId.of(ranked.id());
        boolean below = FleetService.belowSlo(ranked);
        String state = ranked.slo() == null ? "No SLO" : below ? "Below SLO" : ranked.value() == null ? "No data" : "Meeting SLO";
        return slis.series(item.appKey(), ranked.id(), new SliService.Query(null, page.from().toString(), page.to().toString(),
                        null, null, null), SPARKLINE_STEP, null, now)
                .map(series -> {
                    List<Double> values = series.points().stream().map(SeriesPoint::value).toList();
                    return new FleetView.Row(item.appKey(), item.name(), ranked.name(),
                            PageFormat.value(sli.measure(), ranked.value()),
                            ranked.slo() == null ? "" : "SLO " + PageFormat.percent(ranked.slo().target()),
                            ranked.slo() == null ? "" : PageFormat.budget(ranked.slo().errorBudgetRemaining()),
                            below, state, item.openIncidents(), sparkline(values),
                            (int) values.stream().filter(Objects::nonNull).count(), statusHref);
                });
    }

    /** The SLI an app is ranked by: the filter's, else the one with an objective and the least budget left, else the first. */
    static SliEntry ranked(List<SliEntry> entries, String sliFilter) {
        if (entries.isEmpty()) {
            return null;
        }
        if (sliFilter != null) {
            return entries.get(0);
        }
        return entries.stream().filter(entry -> entry.slo() != null)
                .min(Comparator.comparing((SliEntry entry) -> entry.slo().errorBudgetRemaining(),
                        Comparator.nullsLast(Comparator.naturalOrder())))
                .orElse(entries.get(0));
    }

    /** An SVG polyline's points: one per step with a value, scaled between the lowest and the highest. */
    static String sparkline(List<Double> values) {
        double low = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).min().orElse(0);
        double high = values.stream().filter(Objects::nonNull).mapToDouble(Double::doubleValue).max().orElse(0);
        double stepWidth = values.size() > 1 ? SPARKLINE_WIDTH / (values.size() - 1) : 0;
        List<String> points = new ArrayList<>();
        for (int index = 0; index < values.size(); index++) {
            Double value = values.get(index);
            if (value == null) {
                continue;
            }
            double height = high > low ? (value - low) / (high - low) : 0.5;
            double y = SPARKLINE_HEIGHT - 2 - height * (SPARKLINE_HEIGHT - 4);
            double x = index * stepWidth;
            if (values.stream().filter(Objects::nonNull).count() == 1) {
                // a single day draws a short dash rather than an invisible point
                points.add(point(Math.max(0, x - SPARKLINE_DASH), y));
                x = Math.min(SPARKLINE_WIDTH, x + SPARKLINE_DASH);
            }
            points.add(point(x, y));
        }
        return String.join(" ", points);
    }

    private static String point(double x, double y) {
        return String.format(Locale.ROOT, "%.1f,%.1f", x, y);
    }

    /** The period switch: rolling 28 days, this month and the two before, this quarter and the one before. */
    static List<FleetView.Link> periods(FleetView.Filters filters, Instant now) {
        YearMonth month = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        List<String> choices = new ArrayList<>(List.of(FleetView.ROLLING));
        for (int back = 0; back < 3; back++) {
            choices.add(month.minusMonths(back).toString());
        }
        YearMonth quarterStart = month.minusMonths((month.getMonthValue() - 1) % 3);
        for (int back = 0; back < 2; back++) {
            YearMonth start = quarterStart.minusMonths(3L * back);
            choices.add(start.getYear() + "-Q" + ((start.getMonthValue() - 1) / 3 + 1));
        }
        if (!choices.contains(filters.period())) {
            choices.add(filters.period());
        }
        return choices.stream().map(period -> new FleetView.Link(label(period), period, filters.href(period, null),
                period.equals(filters.period()))).toList();
    }

    /** A period in words: "Rolling 28 days", "November 2026", "2026 Q4". */
    static String label(String period) {
        if (period.equals(FleetView.ROLLING)) {
            return "Rolling 28 days";
        }
        if (period.contains("Q")) {
            return period.replace("-", " ");
        }
        YearMonth month = YearMonth.parse(period);
        return month.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH) + " " + month.getYear();
    }
}
