package io.rampart.sli.indicator;

import io.rampart.sli.adjustment.AdjustmentService;
import io.rampart.sli.adjustment.Exclusions;
import io.rampart.sli.slo.BurnRateWindow;
import io.rampart.sli.slo.EventCounts;
import io.rampart.sli.slo.SloCalculator;
import io.rampart.sli.slo.SloOverrides;
import io.rampart.store.error.Refusal;
import io.rampart.store.sli.AvailabilityPolicy;
import io.rampart.store.sli.LifecycleScope;
import io.rampart.store.sli.SliId;
import io.rampart.store.sli.WebhookPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Answers the SLI queries of one app from the rollups. */
@ApplicationScoped
public class SliService {

    static final Duration SUMMARY_WINDOW = Duration.ofDays(28);
    static final Duration SERIES_WINDOW = Duration.ofHours(24);
    static final Duration SERIES_STEP = Duration.ofMinutes(5);
    /** {@code ?adjustments=none}: the raw figures. */
    static final String NO_ADJUSTMENTS = "none";

    /**
     * Query parameters common to both answers; {@code adjustments} is {@code none} for the raw
     * figures; a null policy or scope takes the app's, else the platform's.
     */
    public record Query(String window, String from, String to, String target, String webhookPolicy, String quantile,
            String adjustments, String availabilityPolicy, String lifecycleScope) {

        /** With the app's availability policy and lifecycle scope. */
        public Query(String window, String from, String to, String target, String webhookPolicy, String quantile,
                String adjustments) {
            this(window, from, to, target, webhookPolicy, quantile, adjustments, null, null);
        }

        /** With every active adjustment applied. */
        public Query(String window, String from, String to, String target, String webhookPolicy, String quantile) {
            this(window, from, to, target, webhookPolicy, quantile, null);
        }
    }

    /** A location's name, as the prober's RAMPART_PROBER_LOCATION: letters, digits, '.', '_', '-'. */
    /** Where the query's own window is in the ranges of a summary. */
    private static final int QUERY_RANGE = 0;

    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * What an SLI answer needs of the registry and the adjustments: the app's SLO overrides, if asked
     * the target's id, and the minutes its adjustments leave out.
     */
    /** @param severalLocations whether a slot can have results of several probe locations (V170) */
    private record AppContext(Map<String, Double> sloOverrides, Long targetId, Exclusions exclusions, ReadRules rules,
            boolean severalLocations) {
    }

    private final SliRepository repository;
    private final RollupRepository rollups;
    private final SloCalculator slos;
    private final SliConfig config;
    private final AdjustmentService adjustments;
    private final ProbeQuorumRepository locations;

    public SliService(SliRepository repository, RollupRepository rollups, SloCalculator slos, SliConfig config,
            AdjustmentService adjustments, ProbeQuorumRepository locations) {
        this.repository = repository;
        this.rollups = rollups;
        this.slos = slos;
        this.config = config;
        this.adjustments = adjustments;
        this.locations = locations;
    }

    public Uni<SliSummary> summary(String appKey, Query query, Instant now) {
        return summary(appKey, query, null, now);
    }

    /**
     * The summary with availability counted per probe slot by the app's quorum rule, or narrowed
     * to one probe location ({@code location}, null for all).
     */
    public Uni<SliSummary> summary(String appKey, Query query, String location, Instant now) {
        checkLocation(location);
        Window window = window(query, now);
        Quantile quantile = Quantile.parse(query.quantile());
        List<RollupRepository.Range> ranges = ranges(window, true);
        Instant earliest = ranges.stream().map(RollupRepository.Range::from).min(Instant::compareTo).orElseThrow();
        return context(appKey, query, earliest, window.to())
                .chain(app -> rollups.read(appKey, ranges, app.targetId(), SliReadings.ALL_STREAMS, 1,
                                app.exclusions().groups())
                        .chain(figures -> byLocation(appKey, app, ranges, location, figures))
                        .map(figures -> new SliSummary(appKey, window.from(), window.to(), app.rules().webhook().wireValue(),
                                app.rules().availability().wireValue(), app.rules().lifecycle().wireValue(),
                                query.target(), app.exclusions().appliedWithin(window.from(), window.to()),
                                entries(figures, app.exclusions(), app.rules(), quantile, app.sloOverrides(), true))));
    }

    /**
     * The read rules of an answer about one app that asks for these (each null where it asks
     * none); fails with 404 for an unknown app.
     */
    public Uni<ReadRules> readRules(String appKey, String webhookPolicy, String availabilityPolicy, String lifecycleScope) {
        return registry(appKey, null, policy(webhookPolicy), availabilityPolicy(availabilityPolicy),
                lifecycleScope(lifecycleScope)).map(AppContext::rules);
    }

    /** The window of a summary: {@code window}, or {@code from} and {@code to}, by default the last 28 days. */
    public Window window(Query query, Instant now) {
        return Window.parse(query.window(), query.from(), query.to(), SUMMARY_WINDOW, config.maxWindowDays(), now);
    }

    /**
     * The summaries' SLI entries of many apps over one window, by app key, each as {@link #summary}
     * answers it: every app's active adjustments applied, or none with {@code adjustments} "none",
     * each app under its own read rules. With {@code full} false only the window's own counts are
     * read: values, good, total and error budgets of ratios and counts, no quantiles nor burn rates
     * (what ranking and compliance need, cheap over thousands of apps).
     *
     * @param sloOverrides every app's SLO overrides, by app key
     */
    public Uni<Map<String, List<SliEntry>>> entries(Map<String, Map<String, Double>> sloOverrides, Window window,
            String webhookPolicy, String quantile, String adjustments, boolean full) {
        WebhookPolicy policy = policy(webhookPolicy);
        Quantile parsed = Quantile.parse(quantile);
        List<RollupRepository.Range> ranges = ranges(window, full);
        Instant earliest = ranges.stream().map(RollupRepository.Range::from).min(Instant::compareTo).orElseThrow();
        List<String> appKeys = List.copyOf(sloOverrides.keySet());
        return exclusions(adjustments, () -> this.adjustments.exclusionsByApp(appKeys, earliest, window.to()), Map.of())
                .chain(exclusions -> appRules(appKeys, policy).chain(rules -> {
                    Map<String, List<Exclusions.Group>> groups = new HashMap<>();
                    exclusions.forEach((appKey, excluded) -> groups.put(appKey, excluded.groups()));
                    return rollups.read(appKeys, ranges, null, SliReadings.ALL_STREAMS, full ? 1 : 0, groups)
                            .chain(figures -> locations.applyQuorum(appKeys, ranges, figures, availabilityPolicies(rules)))
                            .map(figures -> {
                                Map<String, List<SliEntry>> entries = new java.util.LinkedHashMap<>();
                                sloOverrides.forEach((appKey, overrides) -> entries.put(appKey, entries(
                                        figures.getOrDefault(appKey, RollupRepository.none(ranges.size(), 0)),
                                        exclusions.getOrDefault(appKey, Exclusions.NONE), rules.get(appKey), parsed,
                                        overrides, full)));
                                return entries;
                            });
                }));
    }

    /** Each app's read rules, by app key, under one webhook policy. */
    private Uni<Map<String, ReadRules>> appRules(List<String> appKeys, WebhookPolicy webhook) {
        return repository.appRules(appKeys).map(rows -> {
            Map<String, ReadRules> rules = new HashMap<>();
            for (String appKey : appKeys) {
                rules.put(appKey, new ReadRules(webhook, config.availabilityPolicy(), config.lifecycleScope()));
            }
            for (Row row : rows) {
                rules.put(row.getString("app_key"), rules(webhook, null, null, row));
            }
            return rules;
        });
    }

    private static Map<String, AvailabilityPolicy> availabilityPolicies(Map<String, ReadRules> rules) {
        Map<String, AvailabilityPolicy> policies = new HashMap<>();
        rules.forEach((appKey, rule) -> policies.put(appKey, rule.availability()));
        return policies;
    }

    /**
     * The window ({@link #QUERY_RANGE}) and, for a full summary, each burn-rate window ending where
     * it ends ({@link #burnRange}).
     */
    private static List<RollupRepository.Range> ranges(Window window, boolean full) {
        List<RollupRepository.Range> ranges = new ArrayList<>();
        ranges.add(new RollupRepository.Range(window.from(), window.to()));
        if (full) {
            for (BurnRateWindow burn : BurnRateWindow.values()) {
                ranges.add(new RollupRepository.Range(window.to().minus(burn.length()), window.to()));
            }
        }
        return ranges;
    }

    private List<SliEntry> entries(RollupRepository.Figures figures, Exclusions exclusions, ReadRules rules,
            Quantile quantile, Map<String, Double> overrides, boolean full) {
        List<SliEntry> entries = new ArrayList<>();
        for (SliId sli : SliId.values()) {
            entries.add(entry(sli, figures, exclusions, rules, quantile, overrides, full));
        }
        return entries;
    }

    public Uni<SliSeries> series(String appKey, String sliId, Query query, String step, String location, Instant now) {
        checkLocation(location);
        SliId sli = SliId.find(sliId).orElseThrow(() -> Refusal.notFound("no SLI " + sliId));
        Window window = Window.parse(query.window(), query.from(), query.to(), SERIES_WINDOW, config.maxWindowDays(), now);
        Duration stepLength = step == null ? SERIES_STEP : Window.length("step", step);
        Quantile quantile = Quantile.parse(query.quantile());
        // Points start on multiples of the step (since the epoch, UTC), so graphs show round
        // times; the first and the last point cover only the part of their step inside the window.
        long stepSeconds = stepLength.toSeconds();
        Instant first = Instant.ofEpochSecond(Math.floorDiv(window.from().getEpochSecond(), stepSeconds) * stepSeconds);
        long points = (Duration.between(first, window.to()).toSeconds() + stepSeconds - 1) / stepSeconds;
        if (points > config.maxSeriesPoints()) {
            throw Refusal.invalid("step", "the window would have " + points + " points, at most "
                    + config.maxSeriesPoints() + ": take a longer step");
        }
        List<RollupRepository.Range> ranges = new ArrayList<>();
        List<Instant> timestamps = new ArrayList<>();
        for (Instant start = first; start.isBefore(window.to()); start = start.plus(stepLength)) {
            timestamps.add(start);
            Instant end = start.plus(stepLength);
            ranges.add(new RollupRepository.Range(start.isBefore(window.from()) ? window.from() : start,
                    end.isAfter(window.to()) ? window.to() : end));
        }
        int quantileRanges = sli.measure() == SliId.Measure.LATENCY ? ranges.size() : 0;
        return context(appKey, query, window.from(), window.to())
                .chain(app -> rollups.read(appKey, ranges, app.targetId(), SliReadings.streams(sli), quantileRanges,
                                app.exclusions().groups())
                        .chain(figures -> sli == SliId.AVAILABILITY_SUCCESS_RATE
                                ? byLocation(appKey, app, ranges, location, figures)
                                : Uni.createFrom().item(figures))
                        .map(figures -> {
                    List<SeriesPoint> seriesPoints = new ArrayList<>();
                    for (int point = 0; point < ranges.size(); point++) {
                        SliReadings.Reading reading = SliReadings.reading(sli,
                                adjusted(figures, app.exclusions(), sli, point), app.rules(), quantile);
                        seriesPoints.add(new SeriesPoint(timestamps.get(point), reading.value(), reading.good(),
                                reading.total(), reading.count()));
                    }
                    return new SliSeries(appKey, sli.id(), sli.unit(), step == null ? "5m" : step, window.from(),
                            window.to(), app.rules().webhook().wireValue(), app.rules().availability().wireValue(),
                            app.rules().lifecycle().wireValue(), query.target(),
                            sli.measure() == SliId.Measure.LATENCY ? quantile.name() : null,
                            app.exclusions().appliedWithin(window.from(), window.to()), seriesPoints);
                }));
    }

    /** Where a burn-rate window is in the ranges of a full summary: after the query's, in the enum's order. */
    private static int burnRange(BurnRateWindow window) {
        return QUERY_RANGE + 1 + window.ordinal();
    }

    private SliEntry entry(SliId sli, RollupRepository.Figures figures, Exclusions exclusions, ReadRules rules,
            Quantile quantile, Map<String, Double> overrides, boolean full) {
        SliReadings.Reading reading = SliReadings.reading(sli, adjusted(figures, exclusions, sli, QUERY_RANGE), rules, quantile);
        SliReadings.Reading raw = SliReadings.reading(sli, figures.ranges().get(QUERY_RANGE), rules, quantile);
        Double target = sli.measure() == SliId.Measure.RATIO ? slos.target(sli, overrides) : null;
        return new SliEntry(sli.id(), sli.displayName(), sli.unit(), reading.value(), reading.good(), reading.total(),
                reading.count(), sli.measure() == SliId.Measure.LATENCY ? quantile.name() : null,
                target == null ? null : slos.status(target, reading.total() - reading.good(), reading.total(),
                        burnWindows(sli, figures, exclusions, rules, full)),
                events(raw) - events(reading));
    }

    /** The events an SLI reading counts: total on ratios and counts, observations on latencies. */
    private static long events(SliReadings.Reading reading) {
        return reading.total() != null ? reading.total() : reading.count();
    }

    /**
     * The figures of one SLI over one range: the whole range less the minutes its exclusion groups
     * leave out (the groups of one SLI never overlap, so each minute is taken away at most once).
     */
    private static Map<String, StreamTotals> adjusted(RollupRepository.Figures figures, Exclusions exclusions, SliId sli,
            int point) {
        Map<String, StreamTotals> whole = figures.ranges().get(point);
        Map<String, StreamTotals> adjusted = null;
        for (int group = 0; group < exclusions.groups().size(); group++) {
            if (!exclusions.groups().get(group).slis().contains(sli)) {
                continue;
            }
            // Only the streams the SLI is computed from: copying every stream's histogram per SLI is the cost.
            Map<String, StreamTotals> excluded = figures.excluded().get(group).get(point);
            if (adjusted == null) {
                adjusted = new HashMap<>();
                for (String stream : SliReadings.streams(sli)) {
                    adjusted.put(stream, new StreamTotals());
                    adjusted.get(stream).add(whole.getOrDefault(stream, StreamTotals.NONE), 1);
                }
            }
            for (String stream : SliReadings.streams(sli)) {
                adjusted.get(stream).add(excluded.getOrDefault(stream, StreamTotals.NONE), -1);
            }
        }
        return adjusted == null ? whole : adjusted;
    }

    private static Map<BurnRateWindow, EventCounts> burnWindows(SliId sli, RollupRepository.Figures figures,
            Exclusions exclusions, ReadRules rules, boolean full) {
        Map<BurnRateWindow, EventCounts> burn = new EnumMap<>(BurnRateWindow.class);
        for (BurnRateWindow window : BurnRateWindow.values()) {
            burn.put(window, full ? SliReadings.counts(sli, adjusted(figures, exclusions, sli, burnRange(window)), rules)
                    : EventCounts.NONE);
        }
        return burn;
    }

    private static void checkLocation(String location) {
        if (location != null && !LOCATION.matcher(location).matches()) {
            throw Refusal.invalid("location", "a probe location's name: letters, digits, '.', '_' or '-'");
        }
    }

    private WebhookPolicy policy(String requested) {
        if (requested == null) {
            return config.webhookPolicy();
        }
        return WebhookPolicy.find(requested).orElseThrow(() -> Refusal.invalid("webhookPolicy", "one of normalized, per-product"));
    }

    /** The app's context for an answer over [from, to); its exclusions are read at the same time. */
    private Uni<AppContext> context(String appKey, Query query, Instant from, Instant to) {
        Uni<Exclusions> exclusions = exclusions(query.adjustments(), () -> adjustments.exclusions(appKey, from, to),
                Exclusions.NONE);
        WebhookPolicy webhook = policy(query.webhookPolicy());
        AvailabilityPolicy availability = availabilityPolicy(query.availabilityPolicy());
        LifecycleScope lifecycle = lifecycleScope(query.lifecycleScope());
        return Uni.combine().all().unis(registry(appKey, query.target(), webhook, availability, lifecycle), exclusions).asTuple()
                .map(both -> new AppContext(both.getItem1().sloOverrides(), both.getItem1().targetId(), both.getItem2(),
                        both.getItem1().rules(), both.getItem1().severalLocations()));
    }

    /**
     * The availability counts per probe slot by the app's quorum rule, or of one location; an app
     * whose slots each have one location's results at most needs no correction and costs no query.
     */
    private Uni<RollupRepository.Figures> byLocation(String appKey, AppContext app, List<RollupRepository.Range> ranges,
            String location, RollupRepository.Figures figures) {
        if (location == null && !app.severalLocations()) {
            return Uni.createFrom().item(figures);
        }
        return locations.apply(appKey, ranges, location, figures.ranges(), app.rules().availability()).replaceWith(figures);
    }

    /** {@code ?adjustments=}: absent, every active adjustment ({@code applied}); {@code none}, the raw figures ({@code none}). */
    private static <T> Uni<T> exclusions(String adjustments, java.util.function.Supplier<Uni<T>> applied, T none) {
        checkAdjustments(adjustments);
        return adjustments == null ? applied.get() : Uni.createFrom().item(none);
    }

    /** Refuses an {@code adjustments} other than absent (every active adjustment) or {@code none} (400). */
    public static void checkAdjustments(String adjustments) {
        if (adjustments != null && !NO_ADJUSTMENTS.equals(adjustments)) {
            throw Refusal.invalid("adjustments", "none, or leave it out to apply every active adjustment");
        }
    }

    /**
     * The read rules of one answer: those it asks for ({@code availability}, {@code lifecycle} null
     * where it asks none), else the app's row's, else the platform's.
     */
    private ReadRules rules(WebhookPolicy webhook, AvailabilityPolicy availability, LifecycleScope lifecycle, Row app) {
        return new ReadRules(webhook,
                Optional.ofNullable(availability).or(() -> AvailabilityPolicy.find(app.getString("availability_policy")))
                        .orElse(config.availabilityPolicy()),
                Optional.ofNullable(lifecycle).or(() -> LifecycleScope.find(app.getString("lifecycle_scope")))
                        .orElse(config.lifecycleScope()));
    }

    /** {@code ?availabilityPolicy=}: null where the answer asks none. */
    public static AvailabilityPolicy availabilityPolicy(String requested) {
        if (requested == null) {
            return null;
        }
        return AvailabilityPolicy.find(requested).orElseThrow(() -> Refusal.invalid("availabilityPolicy", "one of 2xx, http-200"));
    }

    /** {@code ?lifecycleScope=}: null where the answer asks none. */
    public static LifecycleScope lifecycleScope(String requested) {
        if (requested == null) {
            return null;
        }
        return LifecycleScope.find(requested).orElseThrow(() -> Refusal.invalid("lifecycleScope", "one of all, installed"));
    }

    private Uni<AppContext> registry(String appKey, String targetLabel, WebhookPolicy webhook,
            AvailabilityPolicy availability, LifecycleScope lifecycle) {
        return repository.appContext(appKey, targetLabel)
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw Refusal.notFound("no app " + appKey);
                    }
                    Row row = rows.iterator().next();
                    if (targetLabel != null && row.getLong("target_id") == null) {
                        throw Refusal.notFound("the app " + appKey + " has no target labelled " + targetLabel);
                    }
                    return new AppContext(SloOverrides.fromJson(row.getJsonObject("slo_overrides")),
                            row.getLong("target_id"), Exclusions.NONE, rules(webhook, availability, lifecycle, row),
                            row.getBoolean("several_locations"));
                });
    }
}
