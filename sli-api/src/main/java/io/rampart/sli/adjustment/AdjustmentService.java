package io.rampart.sli.adjustment;

import io.rampart.sli.api.UnicodeText;
import io.rampart.store.error.Refusal;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maintenance windows and platform faults (docs/slis.md "Adjustments"): who may declare which,
 * within which limits, and the minutes they take out of an app's SLIs when reading.
 */
@ApplicationScoped
public class AdjustmentService {

    /** The SLIs a target-limited adjustment can touch: the only ones measured per target. */
    private static final Set<SliId> PER_TARGET = EnumSet.of(SliId.AVAILABILITY_SUCCESS_RATE, SliId.AVAILABILITY_LATENCY);
    private static final Duration LIMIT_PERIOD = Duration.ofDays(28);

    /** Who declares or withdraws: an admin has no limits, a vendor only its apps' maintenance, ahead of time. */
    public record Declarer(String name, boolean admin) {
    }

    private final AdjustmentRepository repository;
    private final AdjustmentConfig config;

    public AdjustmentService(AdjustmentRepository repository, AdjustmentConfig config) {
        this.repository = repository;
        this.config = config;
    }

    /** A platform fault or maintenance declared through {@code /api/v1/adjustments} (admins). */
    public Uni<AdjustmentView> declare(AdjustmentRequest request, Declarer by, Instant now) {
        requireBody(request);
        String kind = request.kind();
        if (AdjustmentView.MAINTENANCE.equals(kind)) {
            texts("appKeys", request.appKeys());
            if (request.appKeys() == null || request.appKeys().size() != 1) {
                throw Refusal.invalid("appKeys", "a maintenance window covers exactly one app");
            }
            return maintenance(request.appKeys().get(0), request, by, now);
        }
        if (!AdjustmentView.PLATFORM_FAULT.equals(kind)) {
            throw Refusal.invalid("kind", "one of maintenance, platform_fault");
        }
        if (request.appKeys() != null && request.product() != null) {
            throw Refusal.invalid("product", "give appKeys or product, not both");
        }
        if (request.appKeys() != null && request.appKeys().isEmpty()) {
            throw Refusal.invalid("appKeys", "at least one app; leave it out for every app");
        }
        texts("appKeys", request.appKeys());
        if (request.targets() != null && !request.targets().isEmpty()) {
            throw Refusal.invalid("targets", "a platform fault covers whole apps");
        }
        if (request.recurrence() != null) {
            throw Refusal.invalid("recurrence", "a platform fault does not recur");
        }
        if (request.product() != null && request.product().isBlank()) {
            throw Refusal.invalid("product", "a product name such as jira");
        }
        Instant[] span = span(request);
        String reference = reference(request.reference());
        List<String> slis = slis(request.slis());
        Uni<Void> known = Uni.createFrom().voidItem();
        if (request.appKeys() != null) {
            for (String appKey : request.appKeys()) {
                known = known.chain(() -> repository.targetLabels(appKey).invoke(labels -> {
                    if (labels == null) {
                        throw Refusal.invalid("appKeys", "no app " + appKey);
                    }
                })).replaceWithVoid();
            }
        }
        return known.chain(() -> repository.insert(new AdjustmentView(0, kind,
                request.appKeys() == null ? null : List.copyOf(new java.util.LinkedHashSet<>(request.appKeys())),
                request.product() == null ? null : request.product().toLowerCase(Locale.ROOT), span[0], span[1], slis,
                List.of(), reason(request.reason()), reference, null, by.name(), null, null, null)));
    }

    /** A maintenance window of one app: its vendor (ahead of time, within limits) or an admin. */
    public Uni<AdjustmentView> maintenance(String appKey, AdjustmentRequest request, Declarer by, Instant now) {
        requireBody(request);
        if (request.product() != null || request.reference() != null) {
            throw Refusal.invalid(request.product() != null ? "product" : "reference",
                    "only a platform fault names a product or a reference");
        }
        Instant[] span = span(request);
        Recurrence recurrence = recurrence(request.recurrence());
        List<String> slis = slis(request.slis());
        String reason = reason(request.reason());
        List<String> targets = request.targets() == null ? List.of()
                : List.copyOf(new java.util.LinkedHashSet<>(texts("targets", request.targets())));
        AdjustmentView window = new AdjustmentView(0, AdjustmentView.MAINTENANCE, List.of(appKey), null, span[0], span[1],
                slis, targets, reason, null, recurrence, by.name(), null, null, null);
        return repository.targetLabels(appKey).chain(labels -> {
            if (labels == null) {
                throw Refusal.notFound("no app " + appKey);
            }
            for (String target : targets) {
                if (!labels.contains(target)) {
                    throw Refusal.invalid("targets", "the app " + appKey + " has no target labelled " + target);
                }
            }
            if (by.admin()) {
                return repository.insert(window);
            }
            return vendorLimits(appKey, window, now).chain(() -> repository.insert(window));
        });
    }

    public Uni<List<AdjustmentView>> list(String appKey, String kind, String from, String to) {
        if (kind != null && !kind.equals(AdjustmentView.MAINTENANCE) && !kind.equals(AdjustmentView.PLATFORM_FAULT)) {
            throw Refusal.invalid("kind", "one of maintenance, platform_fault");
        }
        return repository.list(appKey, kind, from == null ? null : instant("from", from), to == null ? null : instant("to", to));
    }

    /** One adjustment; 404 where it is unknown or (appKey given) not a maintenance window of that app. */
    public Uni<AdjustmentView> get(long id, String appKey) {
        return repository.get(id).map(found -> {
            if (found == null || appKey != null && !isMaintenanceOf(found, appKey)) {
                throw Refusal.notFound("no adjustment " + id + (appKey == null ? "" : " of the app " + appKey));
            }
            return found;
        });
    }

    /** Withdraws an adjustment (kept with who and when); a withdrawn one stays withdrawn. */
    public Uni<Void> withdraw(long id, String appKey, Declarer by) {
        return get(id, appKey).chain(found -> found.withdrawnAt() != null ? Uni.createFrom().voidItem()
                : repository.withdraw(id, by.name()).replaceWithVoid());
    }

    /**
     * The minutes the app's active adjustments take out of [from, to): each occurrence widened to
     * whole minutes (its start rounded down, its end up) and cut to the range.
     */
    public Uni<Exclusions> exclusions(String appKey, Instant from, Instant to) {
        return repository.applicable(List.of(appKey), from, to)
                .map(found -> exclusions(found.getOrDefault(appKey, List.of()), from, to));
    }

    /** {@link #exclusions(String, Instant, Instant)} of many apps in one read, by app key; an app without any is left out. */
    public Uni<Map<String, Exclusions>> exclusionsByApp(List<String> appKeys, Instant from, Instant to) {
        return repository.applicable(appKeys, from, to).map(found -> {
            Map<String, Exclusions> byApp = new HashMap<>();
            found.forEach((appKey, applicable) -> {
                Exclusions exclusions = exclusions(applicable, from, to);
                if (!exclusions.groups().isEmpty()) {
                    byApp.put(appKey, exclusions);
                }
            });
            return byApp;
        });
    }

    static Exclusions exclusions(List<AdjustmentRepository.Applicable> found, Instant from, Instant to) {
        if (found.isEmpty()) {
            return Exclusions.NONE;
        }
        List<Exclusions.Applied> applied = new ArrayList<>();
        Map<SliId, List<Exclusions.Interval>> everyTarget = new EnumMap<>(SliId.class);
        Map<SliId, Map<Long, List<Exclusions.Interval>>> oneTarget = new EnumMap<>(SliId.class);
        for (AdjustmentRepository.Applicable each : found) {
            AdjustmentView adjustment = each.adjustment();
            List<Exclusions.Interval> occurrences = adjustment.recurrence() == null
                    ? List.of(new Exclusions.Interval(adjustment.start(), adjustment.end()))
                    : adjustment.recurrence().occurrences(adjustment.start(), adjustment.end(), from, to);
            Set<SliId> slis = EnumSet.noneOf(SliId.class);
            adjustment.slis().forEach(id -> SliId.find(id).ifPresent(slis::add));
            if (adjustment.slis().isEmpty()) {
                slis.addAll(EnumSet.allOf(SliId.class));
            }
            boolean targeted = !adjustment.targets().isEmpty();
            if (targeted) {
                slis.retainAll(PER_TARGET);
            }
            for (Exclusions.Interval occurrence : occurrences) {
                Instant start = occurrence.from().truncatedTo(ChronoUnit.MINUTES);
                Instant end = occurrence.to().truncatedTo(ChronoUnit.MINUTES).equals(occurrence.to()) ? occurrence.to()
                        : occurrence.to().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
                start = start.isBefore(from) ? from : start;
                end = end.isAfter(to) ? to : end;
                if (!start.isBefore(end) || slis.isEmpty()) {
                    continue;
                }
                applied.add(new Exclusions.Applied(adjustment.id(), adjustment.kind(), occurrence.from(), occurrence.to(),
                        adjustment.reason()));
                Exclusions.Interval minutes = new Exclusions.Interval(start, end);
                for (SliId sli : slis) {
                    if (!targeted) {
                        everyTarget.computeIfAbsent(sli, key -> new ArrayList<>()).add(minutes);
                    } else {
                        for (Long target : each.targetIds()) {
                            oneTarget.computeIfAbsent(sli, key -> new HashMap<>())
                                    .computeIfAbsent(target, key -> new ArrayList<>()).add(minutes);
                        }
                    }
                }
            }
        }
        // SLIs with the same minutes (and target) share one group: one subtraction each.
        Map<Map.Entry<Long, List<Exclusions.Interval>>, Set<SliId>> groups = new LinkedHashMap<>();
        for (SliId sli : SliId.values()) {
            List<Exclusions.Interval> all = union(everyTarget.getOrDefault(sli, List.of()));
            if (!all.isEmpty()) {
                groups.computeIfAbsent(new java.util.AbstractMap.SimpleImmutableEntry<>(null, all),
                        key -> EnumSet.noneOf(SliId.class)).add(sli);
            }
            for (Map.Entry<Long, List<Exclusions.Interval>> target : oneTarget.getOrDefault(sli, Map.of()).entrySet()) {
                List<Exclusions.Interval> own = minus(union(target.getValue()), all);
                if (!own.isEmpty()) {
                    groups.computeIfAbsent(new java.util.AbstractMap.SimpleImmutableEntry<>(target.getKey(), own),
                            key -> EnumSet.noneOf(SliId.class)).add(sli);
                }
            }
        }
        List<Exclusions.Group> result = new ArrayList<>();
        groups.forEach((key, slis) -> result.add(new Exclusions.Group(slis, key.getKey(), key.getValue())));
        applied.sort(Comparator.comparing(Exclusions.Applied::start).thenComparing(Exclusions.Applied::id));
        return new Exclusions(applied, result);
    }

    /** Sorted, disjoint intervals covering the same minutes. */
    static List<Exclusions.Interval> union(List<Exclusions.Interval> intervals) {
        List<Exclusions.Interval> sorted = new ArrayList<>(intervals);
        sorted.sort(Comparator.comparing(Exclusions.Interval::from));
        List<Exclusions.Interval> merged = new ArrayList<>();
        for (Exclusions.Interval next : sorted) {
            Exclusions.Interval last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && !next.from().isAfter(last.to())) {
                merged.set(merged.size() - 1, new Exclusions.Interval(last.from(),
                        next.to().isAfter(last.to()) ? next.to() : last.to()));
            } else {
                merged.add(next);
            }
        }
        return merged;
    }

    /** The minutes of sorted disjoint {@code intervals} outside sorted disjoint {@code taken}. */
    static List<Exclusions.Interval> minus(List<Exclusions.Interval> intervals, List<Exclusions.Interval> taken) {
        List<Exclusions.Interval> left = new ArrayList<>();
        for (Exclusions.Interval interval : intervals) {
            Instant start = interval.from();
            for (Exclusions.Interval cut : taken) {
                if (!cut.to().isAfter(start) || !cut.from().isBefore(interval.to())) {
                    continue;
                }
                if (cut.from().isAfter(start)) {
                    left.add(new Exclusions.Interval(start, cut.from()));
                }
                start = cut.to();
            }
            if (start.isBefore(interval.to())) {
                left.add(new Exclusions.Interval(start, interval.to()));
            }
        }
        return left;
    }

    /** A vendor's window: declared ahead of time, not too long, and not over the app's 28-day allowance. */
    private Uni<Void> vendorLimits(String appKey, AdjustmentView window, Instant now) {
        if (window.start().isBefore(now.plus(config.vendorNotice()))) {
            throw Refusal.invalid("start", "a vendor declares maintenance at least "
                    + hours(config.vendorNotice()) + " ahead of its start");
        }
        Duration length = Duration.between(window.start(), window.end());
        if (length.compareTo(config.vendorMaxWindow()) > 0) {
            throw Refusal.invalid("end", "a vendor's maintenance window lasts at most " + hours(config.vendorMaxWindow()));
        }
        // The busiest 28 days start where an occurrence starts or end where one ends; a weekly
        // recurrence repeats after 4 weeks, so 12 weeks after the new start see every case.
        Instant horizonFrom = window.start().minus(LIMIT_PERIOD);
        Instant horizonTo = window.start().plus(LIMIT_PERIOD.multipliedBy(3));
        return repository.list(appKey, AdjustmentView.MAINTENANCE, horizonFrom, horizonTo).map(existing -> {
            List<Exclusions.Interval> occurrences = new ArrayList<>();
            for (AdjustmentView other : existing) {
                if (other.withdrawnAt() == null && other.appKeys() != null && other.appKeys().contains(appKey)) {
                    occurrences.addAll(occurrences(other, horizonFrom, horizonTo));
                }
            }
            occurrences.addAll(occurrences(window, horizonFrom, horizonTo));
            List<Exclusions.Interval> merged = union(occurrences);
            for (Exclusions.Interval candidate : merged) {
                for (Instant periodStart : List.of(candidate.from(), candidate.to().minus(LIMIT_PERIOD))) {
                    Instant periodEnd = periodStart.plus(LIMIT_PERIOD);
                    Duration used = Duration.ZERO;
                    for (Exclusions.Interval interval : merged) {
                        Instant start = interval.from().isBefore(periodStart) ? periodStart : interval.from();
                        Instant end = interval.to().isAfter(periodEnd) ? periodEnd : interval.to();
                        if (start.isBefore(end)) {
                            used = used.plus(Duration.between(start, end));
                        }
                    }
                    if (used.compareTo(config.vendorMaxPer28Days()) > 0) {
                        throw Refusal.invalid(window.recurrence() != null ? "recurrence" : "end",
                                "a vendor's app has at most " + hours(config.vendorMaxPer28Days())
                                        + " of maintenance in any 28 days, recurrences included; this would make "
                                        + hours(used));
                    }
                }
            }
            return null;
        });
    }

    private static List<Exclusions.Interval> occurrences(AdjustmentView window, Instant from, Instant to) {
        return window.recurrence() == null ? List.of(new Exclusions.Interval(window.start(), window.end()))
                : window.recurrence().occurrences(window.start(), window.end(), from, to);
    }

    private static boolean isMaintenanceOf(AdjustmentView adjustment, String appKey) {
        return AdjustmentView.MAINTENANCE.equals(adjustment.kind()) && adjustment.appKeys() != null
                && adjustment.appKeys().contains(appKey);
    }

    private static void requireBody(AdjustmentRequest request) {
        if (request == null) {
            throw Refusal.invalid("start", "a JSON object with start, end and reason");
        }
    }

    private static Instant[] span(AdjustmentRequest request) {
        if (request.start() == null) {
            throw Refusal.invalid("start", "required: an ISO-8601 instant");
        }
        if (request.end() == null) {
            throw Refusal.invalid("end", "required: an ISO-8601 instant");
        }
        Instant start = instant("start", request.start());
        Instant end = instant("end", request.end());
        if (!end.isAfter(start)) {
            throw Refusal.invalid("end", "must be after start");
        }
        return new Instant[] {start, end};
    }

    private static Recurrence recurrence(Recurrence recurrence) {
        if (recurrence == null) {
            return null;
        }
        if (!Recurrence.WEEKLY.equals(recurrence.frequency())) {
            throw Refusal.invalid("recurrence", "frequency: weekly");
        }
        if (recurrence.zone() == null) {
            throw Refusal.invalid("recurrence", "timeZone: a time zone name such as Europe/Paris");
        }
        return new Recurrence(Recurrence.WEEKLY, recurrence.zone().getId(), recurrence.until());
    }

    private static List<String> slis(List<String> slis) {
        if (slis == null) {
            return List.of();
        }
        for (String sli : texts("slis", slis)) {
            if (SliId.find(sli).isEmpty()) {
                throw Refusal.invalid("slis", "no SLI " + sli);
            }
        }
        return List.copyOf(new java.util.LinkedHashSet<>(slis));
    }

    /** A list of names without null or blank entries. */
    private static List<String> texts(String field, List<String> values) {
        if (values != null && values.stream().anyMatch(value -> value == null || value.isBlank())) {
            throw Refusal.invalid(field, "names, none empty");
        }
        return values;
    }

    private static String reason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw Refusal.invalid("reason", "required: why the time is left out");
        }
        if (reason.length() > 1000) {
            throw Refusal.invalid("reason", "at most 1000 characters");
        }
        if (!UnicodeText.storable(reason)) {
            throw Refusal.invalid("reason", "no NUL character and no unpaired surrogate");
        }
        return reason.strip();
    }

    private static String reference(String reference) {
        if (reference == null) {
            return null;
        }
        try {
            URI uri = URI.create(reference);
            if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && reference.length() <= 2000) {
                return reference;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw Refusal.invalid("reference", "an http(s) URL, such as the ticket of the fault");
    }

    private static Instant instant(String field, String text) {
        try {
            Instant instant = Instant.parse(text);
            if (instant.isBefore(Instant.parse("0001-01-01T00:00:00Z")) || instant.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw Refusal.invalid(field, "an instant of the years 0001 to 9999");
            }
            return instant;
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(field, "an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
    }

    private static String hours(Duration duration) {
        return duration.toMinutes() % 60 == 0 ? duration.toHours() + " h" : duration.toMinutes() + " min";
    }
}
