package io.rampart.sli.diagnostics;

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

/**
 * Why an SLI failed (docs/sli-api.md, "Why it failed"): breakdowns of a window's events by cause
 * and the latest failed events, from the raw events (so within the raw retention), judged by the
 * same read rules as the SLI answers.
 */
@ApplicationScoped
public class DiagnosticsService {

    static final String SOURCE = "raw_events";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** How many sites a breakdown lists, those with the most failures first. */
    static final int TOP_SITES = 10;
    private static final String PROBE = "PROBE";

    private final DiagnosticsRepository events;
    private final SliService slis;
    private final SliConfig config;
    private final PartitionConfig raw;

    public DiagnosticsService(DiagnosticsRepository events, SliService slis, SliConfig config, PartitionConfig raw) {
        this.events = events;
        this.slis = slis;
        this.config = config;
        this.raw = raw;
    }

    /**
     * The window's events of one SLI by cause.
     *
     * @param withSites whether the caller may see sites (the app's vendor, admins)
     */
    public Uni<Breakdown> breakdown(String appKey, String sliId, String window, String from, String to,
            String webhookPolicy, String availabilityPolicy, String lifecycleScope, boolean withSites, Instant now) {
        SliId sli = sli(sliId);
        Window range = Window.parse(window, from, to, Duration.ofDays(1), config.maxWindowDays(), now);
        Instant earliest = now.minus(Duration.ofDays(raw.retentionDays()));
        if (range.from().isBefore(earliest)) {
            throw Refusal.invalid(from != null ? "from" : "window", "a breakdown reads raw events, kept "
                    + raw.retentionDays() + " days: start at " + earliest + " or later");
        }
        return slis.readRules(appKey, webhookPolicy, availabilityPolicy, lifecycleScope)
                .chain(rules -> groups(appKey, sli, range, rules)
                        .map(groups -> breakdown(appKey, sli, range, rules, groups, withSites, raw.retentionDays())));
    }

    /** The latest failed events of one SLI's source (of every source without one), newest first. */
    public Uni<FailureList> failures(String appKey, String sliId, String limit, String webhookPolicy,
            String availabilityPolicy, String lifecycleScope, boolean withSites, Instant now) {
        SliId sli = sliId == null ? null : sli(sliId);
        int most = limit(limit);
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
            return inTurn(reads).map(all -> new FailureList(appKey, sli == null ? null : sli.id(), from, to,
                    rules.webhook().wireValue(), rules.availability().wireValue(), rules.lifecycle().wireValue(),
                    all.stream().sorted(Comparator.comparing((Failed failed) -> failed.event().time()).reversed())
                            .limit(most).map(failed -> failure(failed, withSites)).toList()));
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

    private Uni<List<DiagnosticsRepository.Group>> groups(String appKey, SliId sli, Window range, ReadRules rules) {
        if (sli == SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE) {
            // The app server's loads wherever the app sent any in the window, else the host's (as the SLI).
            return events.eventGroups(appKey, "IFRAME_APP", range.from(), range.to(), false)
                    .chain(app -> app.isEmpty()
                            ? events.eventGroups(appKey, "IFRAME_HOST", range.from(), range.to(), false)
                            : Uni.createFrom().item(app));
        }
        String kind = kind(sli);
        return kind.equals(PROBE)
                ? events.probeGroups(appKey, range.from(), range.to(), rules.availability().wireValue())
                : events.eventGroups(appKey, kind, range.from(), range.to(),
                        kind.equals("LIFECYCLE") && rules.lifecycle() == LifecycleScope.INSTALLED);
    }

    private static Breakdown breakdown(String appKey, SliId sli, Window range, ReadRules rules,
            List<DiagnosticsRepository.Group> groups, boolean withSites, int rawRetentionDays) {
        Map<Map<String, Object>, long[]> causes = new LinkedHashMap<>();
        Map<String, long[]> sites = new LinkedHashMap<>();
        long total = 0;
        long good = 0;
        for (DiagnosticsRepository.Group group : groups) {
            long groupGood = isWebhook(group)
                    ? (rules.webhook().isGood(product(group.product()), group.statusCode()) ? group.count() : 0)
                    : group.good();
            long[] counts = causes.computeIfAbsent(dimensions(group, withSites), key -> new long[2]);
            counts[0] += group.count();
            counts[1] += groupGood;
            total += group.count();
            good += groupGood;
            if (withSites && group.site() != null) {
                long[] site = sites.computeIfAbsent(group.site(), key -> new long[2]);
                site[0] += group.count();
                site[1] += group.count() - groupGood;
            }
        }
        List<Breakdown.Cause> sorted = causes.entrySet().stream()
                .map(entry -> new Breakdown.Cause(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
                .sorted(Comparator.comparingLong((Breakdown.Cause cause) -> cause.count() - cause.good()).reversed()
                        .thenComparing(Comparator.comparingLong(Breakdown.Cause::count).reversed()))
                .toList();
        List<Breakdown.Site> topSites = withSites ? sites.entrySet().stream()
                .map(entry -> new Breakdown.Site(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
                .sorted(Comparator.comparingLong(Breakdown.Site::bad).reversed()
                        .thenComparing(Comparator.comparingLong(Breakdown.Site::count).reversed()))
                .limit(TOP_SITES).toList() : null;
        return new Breakdown(appKey, sli.id(), range.from(), range.to(), SOURCE, rawRetentionDays, rules.webhook().wireValue(),
                rules.availability().wireValue(), rules.lifecycle().wireValue(), total, total - good, sorted, topSites);
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

    private static FailureList.Failure failure(Failed failed, boolean withSites) {
        DiagnosticsRepository.FailedEvent event = failed.event();
        String outcome = event.outcome() != null ? event.outcome()
                : event.errorKind() != null ? event.errorKind()
                : event.statusCode() != null ? "HTTP_STATUS" : "FAIL";
        return new FailureList.Failure(event.time(), successRate(failed.kind()).id(), event.target(), event.location(),
                withSites ? event.site() : null, outcome, event.statusCode(), event.durationMs(),
                event.product() == null ? null : event.product().toLowerCase(Locale.ROOT), event.event(),
                event.lifecycle() == null ? null : LifecycleKind.valueOf(event.lifecycle()).wireValue(), event.checkName());
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
