package io.rampart.sli.diagnostics;

import io.rampart.sli.adjustment.AdjustmentService;
import io.rampart.sli.adjustment.Exclusions;
import io.rampart.sli.indicator.ReadRules;
import io.rampart.sli.indicator.SliConfig;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.indicator.Window;
import io.rampart.store.error.Refusal;
import io.rampart.store.event.LifecycleKind;
import io.rampart.store.event.Product;
import io.rampart.store.partition.PartitionConfig;
import io.rampart.store.sli.LifecycleScope;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Why an SLI failed (docs/sli-api.md, "Why it failed"): breakdowns of a window's events by cause,
 * from the rollups (any window, the keys they hold) or the raw events (within the raw retention,
 * every cause), less the minutes the adjustments leave out; and the latest failed events, from the
 * raw events. Judged by the same read rules as the SLI answers.
 */
@ApplicationScoped
public class DiagnosticsService {

    static final String RAW_EVENTS = "raw_events";
    static final String ROLLUPS = "rollups";
    /** What the rollups do not keep of each stream, which a breakdown from them says it could not give. */
    private static final Map<String, List<String>> MISSING_FROM_ROLLUPS = Map.of(
            "PROBE", List.of("outcome", "location"),
            "WEBHOOK", List.of("event", "errorKind", "site"),
            "LIFECYCLE", List.of("errorKind", "site"),
            "IFRAME_HOST", List.of("site"),
            "IFRAME_APP", List.of("checkName", "site"),
            "SYNTHETIC", List.of("checkName", "site"));
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** How many sites a breakdown lists, those with the most failures first. */
    static final int TOP_SITES = 10;
    private static final String PROBE = "PROBE";

    private final DiagnosticsRepository events;
    private final SliService slis;
    private final AdjustmentService adjustments;
    private final SliConfig config;
    private final PartitionConfig raw;

    public DiagnosticsService(DiagnosticsRepository events, SliService slis, AdjustmentService adjustments,
            SliConfig config, PartitionConfig raw) {
        this.events = events;
        this.slis = slis;
        this.adjustments = adjustments;
        this.config = config;
        this.raw = raw;
    }

    /** {@link #breakdown(String, String, String, String, String, String, String, String, String, String, boolean, Instant)}
     * from the source the window allows, every active adjustment applied. */
    public Uni<Breakdown> breakdown(String appKey, String sliId, String window, String from, String to,
            String webhookPolicy, String availabilityPolicy, String lifecycleScope, boolean withSites, Instant now) {
        return breakdown(appKey, sliId, window, from, to, webhookPolicy, availabilityPolicy, lifecycleScope, null, null,
                withSites, now);
    }

    /**
     * The window's events of one SLI by cause, less those of the minutes its active adjustments
     * leave out (as the summary does; {@code adjustments} "none": every event).
     *
     * @param source    {@code rollups}, {@code raw_events}, or null: the raw events where the window
     *                  starts within their retention, else the rollups
     * @param withSites whether the caller may see sites (the app's vendor, admins)
     */
    public Uni<Breakdown> breakdown(String appKey, String sliId, String window, String from, String to,
            String webhookPolicy, String availabilityPolicy, String lifecycleScope, String source, String adjustments,
            boolean withSites, Instant now) {
        SliId sli = sli(sliId);
        Window range = Window.parse(window, from, to, Duration.ofDays(1), config.maxWindowDays(), now);
        SliService.checkAdjustments(adjustments);
        boolean fromRollups = fromRollups(source, range, now);
        return slis.readRules(appKey, webhookPolicy, availabilityPolicy, lifecycleScope)
                .chain(rules -> (adjustments == null ? this.adjustments.exclusions(appKey, range.from(), range.to())
                        : Uni.createFrom().item(Exclusions.NONE))
                        .chain(exclusions -> {
                            List<DiagnosticsRepository.Cut> cuts = cuts(exclusions, sli);
                            Uni<Tally> tally = fromRollups ? rollupTally(appKey, sli, range, rules, cuts)
                                    : rawTally(appKey, sli, range, rules, cuts, withSites);
                            return tally.map(counted -> breakdown(appKey, sli, range, rules, counted, withSites,
                                    fromRollups, exclusions.appliedWithin(range.from(), range.to()), raw.retentionDays()));
                        }));
    }

    /**
     * Whether a breakdown reads the rollups: when asked, or by default when the window starts before
     * the raw retention; raw events asked for such a window are refused (400).
     */
    private boolean fromRollups(String source, Window range, Instant now) {
        Instant earliest = now.minus(Duration.ofDays(raw.retentionDays()));
        boolean withinRaw = !range.from().isBefore(earliest);
        if (source == null) {
            return !withinRaw;
        }
        if (ROLLUPS.equals(source)) {
            return true;
        }
        if (!RAW_EVENTS.equals(source)) {
            throw Refusal.invalid("source", "rollups or raw_events, or leave it out (raw events within their retention,"
                    + " else the rollups)");
        }
        if (!withinRaw) {
            throw Refusal.invalid("source", "raw events are kept " + raw.retentionDays() + " days: start at " + earliest
                    + " or later, or read the rollups");
        }
        return false;
    }

    /**
     * The minutes the SLI's adjustments leave out: its exclusion groups' (disjoint within one SLI,
     * so each minute is left out once), of one probe target where the group has one.
     */
    private static List<DiagnosticsRepository.Cut> cuts(Exclusions exclusions, SliId sli) {
        List<DiagnosticsRepository.Cut> cuts = new ArrayList<>();
        for (Exclusions.Group group : exclusions.groups()) {
            if (group.slis().contains(sli)) {
                for (Exclusions.Interval interval : group.intervals()) {
                    cuts.add(new DiagnosticsRepository.Cut(interval.from(), interval.to(), group.targetId()));
                }
            }
        }
        return cuts;
    }

    /**
     * The latest failed events of one SLI's source (of every source without one), newest first, each
     * marked {@code excluded} where the active adjustments leave its minute out of its SLI
     * ({@code adjustments} "none": none marked), with the occurrences applied over their span.
     */
    public Uni<FailureList> failures(String appKey, String sliId, String limit, String webhookPolicy,
            String availabilityPolicy, String lifecycleScope, String adjustments, boolean withSites, Instant now) {
        SliId sli = sliId == null ? null : sli(sliId);
        int most = limit(limit);
        SliService.checkAdjustments(adjustments);
        Instant to = now;
        Instant from = now.minus(Duration.ofDays(raw.retentionDays()));
        List<String> kinds = sli == null ? List.of(PROBE, "WEBHOOK", "LIFECYCLE", "IFRAME_HOST", "IFRAME_APP", "SYNTHETIC")
                : sli == SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE ? List.of("IFRAME_APP", "IFRAME_HOST") : List.of(kind(sli));
        return slis.readRules(appKey, webhookPolicy, availabilityPolicy, lifecycleScope).chain(rules -> {
            List<Uni<List<Failed>>> reads = new ArrayList<>();
            for (String kind : kinds) {
                reads.add((kind.equals(PROBE)
                        ? events.failedProbes(appKey, from, to, rules.availability().wireValue(), most)
                        : events.failedEvents(appKey, kind, from, to, rules.webhook().wireValue(),
                                rules.lifecycle() == LifecycleScope.INSTALLED, most))
                        .map(found -> found.stream().map(event -> new Failed(kind, event)).toList()));
            }
            return inTurn(reads).chain(all -> {
                List<Failed> latest = all.stream()
                        .sorted(Comparator.comparing((Failed failed) -> failed.event().time()).reversed())
                        .limit(most).toList();
                Instant oldest = latest.isEmpty() ? to : latest.get(latest.size() - 1).event().time();
                return (adjustments == null && !latest.isEmpty() ? this.adjustments.exclusions(appKey, oldest, to)
                        : Uni.createFrom().item(Exclusions.NONE))
                        .map(exclusions -> new FailureList(appKey, sli == null ? null : sli.id(), from, to,
                                rules.webhook().wireValue(), rules.availability().wireValue(), rules.lifecycle().wireValue(),
                                exclusions.appliedWithin(oldest, to), latest.stream()
                                        .map(failed -> failure(failed, withSites, exclusions)).toList()));
            });
        });
    }

    /** A failed event and the stream it came from. */
    private record Failed(String kind, DiagnosticsRepository.FailedEvent event) {
    }

    /** The reads one after the other (one pooled connection at a time), their rows together. */
    private static Uni<List<Failed>> inTurn(List<Uni<List<Failed>>> reads) {
        Uni<List<Failed>> all = Uni.createFrom().item(new ArrayList<>());
        for (Uni<List<Failed>> read : reads) {
            all = all.chain(sofar -> read.map(more -> {
                sofar.addAll(more);
                return sofar;
            }));
        }
        return all;
    }

    /** Counted events with equal causes: their dimensions (a site among them where shown), site, count, good. */
    private record Counted(Map<String, Object> dimensions, String site, long count, long good) {
    }

    /** What a breakdown counted: the events by cause, those left out, and the dimensions its source lacks. */
    private record Tally(List<Counted> counted, long excluded, List<String> missing) {
    }

    /** The raw events by every cause they hold, those of the left-out minutes apart. */
    private Uni<Tally> rawTally(String appKey, SliId sli, Window range, ReadRules rules,
            List<DiagnosticsRepository.Cut> cuts, boolean withSites) {
        Uni<List<DiagnosticsRepository.Group>> groups;
        if (sli == SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE) {
            // The app server's loads wherever the app sent any counted in the window, else the host's (as the SLI).
            groups = events.eventGroups(appKey, "IFRAME_APP", range.from(), range.to(), false, cuts)
                    .chain(app -> app.stream().anyMatch(group -> !group.excluded())
                            ? Uni.createFrom().item(app)
                            : events.eventGroups(appKey, "IFRAME_HOST", range.from(), range.to(), false, cuts));
        } else {
            String kind = kind(sli);
            groups = kind.equals(PROBE)
                    ? events.probeGroups(appKey, range.from(), range.to(), rules.availability().wireValue(), cuts)
                    : events.eventGroups(appKey, kind, range.from(), range.to(),
                            kind.equals("LIFECYCLE") && rules.lifecycle() == LifecycleScope.INSTALLED, cuts);
        }
        return groups.map(found -> {
            List<Counted> counted = new ArrayList<>();
            long excluded = 0;
            for (DiagnosticsRepository.Group group : found) {
                if (group.excluded()) {
                    excluded += group.count();
                    continue;
                }
                long good = isWebhook(group)
                        ? (rules.webhook().isGood(product(group.product()), group.statusCode()) ? group.count() : 0)
                        : group.good();
                counted.add(new Counted(dimensions(group, withSites), group.site(), group.count(), good));
            }
            return new Tally(counted, excluded, null);
        });
    }

    /**
     * The rollups by the keys they hold, less the left-out minutes: good by the same read rules as
     * the summary's (io.rampart.sli.indicator.StreamTotals and SliReadings apply them to the same rows).
     */
    private Uni<Tally> rollupTally(String appKey, SliId sli, Window range, ReadRules rules,
            List<DiagnosticsRepository.Cut> cuts) {
        Set<String> streams = sli == SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE ? Set.of("IFRAME_APP", "IFRAME_HOST")
                : Set.of(kind(sli));
        return events.rollupGroups(appKey, streams, range.from(), range.to(), cuts).map(found -> {
            // The effective iframe SLI: the app server's loads wherever any is counted in the window, else the host's.
            String stream = streams.size() == 1 ? streams.iterator().next()
                    : found.stream().anyMatch(group -> group.stream().equals("IFRAME_APP") && group.count() > 0)
                            ? "IFRAME_APP" : "IFRAME_HOST";
            List<Counted> counted = new ArrayList<>();
            long excluded = 0;
            for (DiagnosticsRepository.RollupGroup group : found) {
                if (!group.stream().equals(stream) || stream.equals("LIFECYCLE")
                        && !rules.lifecycle().counts(lifecycleKind(group.product()))) {
                    continue;
                }
                excluded += group.leftOut();
                counted.addAll(rollupCauses(group, rules));
            }
            counted.removeIf(cause -> cause.count() == 0);
            return new Tally(counted, excluded, MISSING_FROM_ROLLUPS.get(stream));
        });
    }

    /** One rollup key's causes: by status code, target, product, kind; good and bad apart where that is all it keeps. */
    private static List<Counted> rollupCauses(DiagnosticsRepository.RollupGroup group, ReadRules rules) {
        Map<String, Object> dimensions = new LinkedHashMap<>();
        Integer code = group.statusCode() == 0 ? null : group.statusCode();
        switch (group.stream()) {
            case PROBE -> {
                // the code of an answer within the timeout (none: no answer in time); 2xx by the availability policy
                putIfPresent(dimensions, "statusCode", code);
                dimensions.put("target", group.target());
                long good = group.good() + (code != null && code != 200 && rules.availability().isGoodAnswer(code)
                        ? group.count() : 0);
                return List.of(new Counted(dimensions, null, group.count(), good));
            }
            case "WEBHOOK" -> {
                putIfPresent(dimensions, "product", group.product().isEmpty() ? null : group.product().toLowerCase(Locale.ROOT));
                putIfPresent(dimensions, "statusCode", code);
                long good = rules.webhook().isGood(product(group.product()), code) ? group.count() : 0;
                return List.of(new Counted(dimensions, null, group.count(), good));
            }
            case "LIFECYCLE" -> {
                putIfPresent(dimensions, "lifecycle", group.product().isEmpty() ? null : group.product().toLowerCase(Locale.ROOT));
                putIfPresent(dimensions, "statusCode", code);
                return List.of(new Counted(dimensions, null, group.count(), group.good()));
            }
            default -> {
                // iframe loads and vendor items keep good and total only
                boolean host = group.stream().equals("IFRAME_HOST");
                return List.of(
                        new Counted(Map.of(host ? "result" : "status", host ? "connected" : "SUCCESS"), null,
                                group.good(), group.good()),
                        new Counted(Map.of(host ? "result" : "status", host ? "failed" : "FAIL"), null,
                                group.count() - group.good(), 0));
            }
        }
    }

    private static Breakdown breakdown(String appKey, SliId sli, Window range, ReadRules rules, Tally tally,
            boolean withSites, boolean fromRollups, List<Exclusions.Applied> applied, int rawRetentionDays) {
        Map<Map<String, Object>, long[]> causes = new LinkedHashMap<>();
        Map<String, long[]> sites = new LinkedHashMap<>();
        long total = 0;
        long good = 0;
        for (Counted each : tally.counted()) {
            long[] counts = causes.computeIfAbsent(each.dimensions(), key -> new long[2]);
            counts[0] += each.count();
            counts[1] += each.good();
            total += each.count();
            good += each.good();
            if (withSites && each.site() != null) {
                long[] site = sites.computeIfAbsent(each.site(), key -> new long[2]);
                site[0] += each.count();
                site[1] += each.count() - each.good();
            }
        }
        List<Breakdown.Cause> sorted = causes.entrySet().stream()
                .map(entry -> new Breakdown.Cause(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
                .sorted(Comparator.comparingLong((Breakdown.Cause cause) -> cause.count() - cause.good()).reversed()
                        .thenComparing(Comparator.comparingLong(Breakdown.Cause::count).reversed()))
                .toList();
        // The rollups keep no site: none to list, to anyone.
        List<Breakdown.Site> topSites = withSites && !fromRollups ? sites.entrySet().stream()
                .map(entry -> new Breakdown.Site(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
                .sorted(Comparator.comparingLong(Breakdown.Site::bad).reversed()
                        .thenComparing(Comparator.comparingLong(Breakdown.Site::count).reversed()))
                .limit(TOP_SITES).toList() : null;
        return new Breakdown(appKey, sli.id(), range.from(), range.to(), fromRollups ? ROLLUPS : RAW_EVENTS,
                tally.missing(), rawRetentionDays, rules.webhook().wireValue(), rules.availability().wireValue(),
                rules.lifecycle().wireValue(), total, total - good, tally.excluded(), applied, sorted, topSites);
    }

    /** Whether a group is of webhook deliveries: the only events with a product. */
    private static boolean isWebhook(DiagnosticsRepository.Group group) {
        return group.product() != null;
    }

    /** A group's causes, by the names docs/sli-api.md gives them; a site only for who may see it. */
    private static Map<String, Object> dimensions(DiagnosticsRepository.Group group, boolean withSites) {
        Map<String, Object> dimensions = new LinkedHashMap<>();
        if (group.target() != null) {
            // a probe
            dimensions.put("outcome", group.outcome());
            putIfPresent(dimensions, "statusCode", group.statusCode());
            dimensions.put("target", group.target());
            dimensions.put("location", group.location());
            return dimensions;
        }
        if (group.outcome() != null) {
            dimensions.put("result", group.outcome());
        }
        if (group.product() != null) {
            dimensions.put("product", group.product().toLowerCase(Locale.ROOT));
            putIfPresent(dimensions, "event", group.event());
        }
        if (group.lifecycle() != null) {
            dimensions.put("lifecycle", group.lifecycle().toLowerCase(Locale.ROOT));
        }
        putIfPresent(dimensions, "statusCode", group.statusCode());
        putIfPresent(dimensions, "errorKind", group.errorKind());
        putIfPresent(dimensions, "checkName", group.checkName());
        if (group.outcome() == null && group.product() == null && group.lifecycle() == null && group.statusCode() == null
                && group.errorKind() == null && group.succeeded() != null) {
            // a vendor item
            dimensions.put("status", group.succeeded() ? "SUCCESS" : "FAIL");
        }
        if (withSites) {
            putIfPresent(dimensions, "site", group.site());
        }
        return dimensions;
    }

    private static FailureList.Failure failure(Failed failed, boolean withSites, Exclusions exclusions) {
        DiagnosticsRepository.FailedEvent event = failed.event();
        String outcome = event.outcome() != null ? event.outcome()
                : event.errorKind() != null ? event.errorKind()
                : event.statusCode() != null ? "HTTP_STATUS" : "FAIL";
        SliId countsAgainst = successRate(failed.kind());
        return new FailureList.Failure(event.time(), countsAgainst.id(), event.target(), event.location(),
                withSites ? event.site() : null, outcome, event.statusCode(), event.durationMs(),
                event.product() == null ? null : event.product().toLowerCase(Locale.ROOT), event.event(),
                event.lifecycle() == null ? null : LifecycleKind.valueOf(event.lifecycle()).wireValue(), event.checkName(),
                leftOut(exclusions, countsAgainst, event) ? Boolean.TRUE : null);
    }

    /** Whether an event's minute is one its SLI's adjustments leave out (of every target, or of the probe's own). */
    private static boolean leftOut(Exclusions exclusions, SliId sli, DiagnosticsRepository.FailedEvent event) {
        for (Exclusions.Group group : exclusions.groups()) {
            if (group.slis().contains(sli) && (group.targetId() == null || group.targetId().equals(event.targetId()))) {
                for (Exclusions.Interval interval : group.intervals()) {
                    if (!event.time().isBefore(interval.from()) && event.time().isBefore(interval.to())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void putIfPresent(Map<String, Object> dimensions, String name, Object value) {
        if (value != null) {
            dimensions.put(name, value);
        }
    }

    private static Product product(String stored) {
        for (Product product : Product.values()) {
            if (product.name().equals(stored)) {
                return product;
            }
        }
        return null;
    }

    private static LifecycleKind lifecycleKind(String stored) {
        for (LifecycleKind kind : LifecycleKind.values()) {
            if (kind.name().equals(stored)) {
                return kind;
            }
        }
        return null;
    }

    private static SliId sli(String sliId) {
        return SliId.find(sliId).orElseThrow(() -> Refusal.notFound("no SLI " + sliId));
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int parsed = Integer.parseInt(limit);
            if (parsed >= 1 && parsed <= MAX_LIMIT) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw Refusal.invalid("limit", "a whole number from 1 to " + MAX_LIMIT);
    }

    /** The stream (probe_result, or an app_event kind) an SLI is computed from. */
    private static String kind(SliId sli) {
        return switch (sli) {
            case AVAILABILITY_SUCCESS_RATE, AVAILABILITY_LATENCY -> PROBE;
            case IFRAME_LOAD_SUCCESS_RATE, IFRAME_LOAD_LATENCY -> "IFRAME_HOST";
            case IFRAME_LOAD_SUCCESS_RATE_APP_SERVER, IFRAME_LOAD_LATENCY_APP_SERVER -> "IFRAME_APP";
            case LIFECYCLE_SUCCESS_RATE, LIFECYCLE_FAILURE_COUNT, LIFECYCLE_LATENCY -> "LIFECYCLE";
            case WEBHOOK_DELIVERY_SUCCESS_RATE, WEBHOOK_LATENCY -> "WEBHOOK";
            case SYNTHETIC_CHECK_SUCCESS_RATE_APP_SERVER, SYNTHETIC_CHECK_LATENCY_APP_SERVER -> "SYNTHETIC";
            case IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE -> throw new IllegalArgumentException("derived from two streams");
        };
    }

    /** The success-rate SLI a failed event of a stream counts against. */
    private static SliId successRate(String kind) {
        return switch (kind) {
            case PROBE -> SliId.AVAILABILITY_SUCCESS_RATE;
            case "IFRAME_HOST" -> SliId.IFRAME_LOAD_SUCCESS_RATE;
            case "IFRAME_APP" -> SliId.IFRAME_LOAD_SUCCESS_RATE_APP_SERVER;
            case "LIFECYCLE" -> SliId.LIFECYCLE_SUCCESS_RATE;
            case "WEBHOOK" -> SliId.WEBHOOK_DELIVERY_SUCCESS_RATE;
            default -> SliId.SYNTHETIC_CHECK_SUCCESS_RATE_APP_SERVER;
        };
    }
}
