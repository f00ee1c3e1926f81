package io.rampart.sli.fleet;

import io.rampart.sli.indicator.SliEntry;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.indicator.Window;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Programme compliance (docs/fleet.md): each app against each SLO over a period, from the same
 * code as the app's summary ({@link SliService#entries}); the breach streak follows the periods
 * before while the app kept missing.
 */
@ApplicationScoped
public class ComplianceService {

    /** The longest history of one app's compliance, in months. */
    static final int MAX_MONTHS = 36;

    private final SliService slis;
    private final FleetRepository repository;
    private final FleetConfig config;

    public ComplianceService(SliService slis, FleetRepository repository, FleetConfig config) {
        this.slis = slis;
        this.repository = repository;
        this.config = config;
    }

    /**
     * Every app (or only {@code appKey}) registered before the end of the period, its active
     * adjustments applied (none with {@code adjustments} "none", as the summary's).
     */
    public Uni<Compliance> compliance(String period, String window, String appKey, String adjustments, Instant now) {
        SliService.checkAdjustments(adjustments);
        Window rolling = slis.window(new SliService.Query(window, null, null, null, null, null), now);
        Period parsed = Period.parse(period, window, rolling);
        if (!parsed.from().isBefore(rolling.to())) {
            throw Refusal.invalid("period", "the period " + parsed.name() + " has not begun");
        }
        return compliance(parsed, appKey, adjustments, now);
    }

    /** One app's compliance month by month, {@code from} to {@code to} included (by default the last 12 months). */
    public Uni<AppCompliance> history(String appKey, String from, String to, String adjustments, Instant now) {
        SliService.checkAdjustments(adjustments);
        YearMonth current = YearMonth.from(now.atOffset(ZoneOffset.UTC));
        YearMonth last = to == null ? current : Period.month("to", to);
        YearMonth first = from == null ? last.minusMonths(11) : Period.month("from", from);
        if (first.isAfter(last) || last.isAfter(current)) {
            throw Refusal.invalid("from", "from " + first + " to " + last + ": from must not follow to, nor to the current month");
        }
        if (ChronoUnit.MONTHS.between(first, last) >= MAX_MONTHS) {
            throw Refusal.invalid("from", "at most " + MAX_MONTHS + " months");
        }
        return repository.registeredBefore(now, appKey).chain(found -> {
            if (found.isEmpty()) {
                throw Refusal.notFound("no app " + appKey);
            }
            List<Uni<Compliance>> months = new ArrayList<>();
            for (YearMonth month = first; !month.isAfter(last); month = month.plusMonths(1)) {
                months.add(compliance(Period.ofMonth(month), appKey, adjustments, now));
            }
            return Uni.join().all(months).andFailFast().map(answers -> new AppCompliance(appKey, answers));
        });
    }

    private Uni<Compliance> compliance(Period period, String appKey, String adjustments, Instant now) {
        return repository.registeredBefore(period.to(), appKey)
                .chain(apps -> judge(period, apps, adjustments, now)
                        .chain(judged -> repository.incidentsOpened(period.from(), period.to(), appKey)
                                .chain(incidents -> {
                                    Map<String, List<SliEntry>> missed = new LinkedHashMap<>();
                                    judged.forEach((key, entries) -> {
                                        List<SliEntry> missing = entries.stream()
                                                .filter(entry -> attainment(entry).equals(ComplianceRow.MISSED)).toList();
                                        if (!missing.isEmpty()) {
                                            missed.put(key, missing);
                                        }
                                    });
                                    Map<String, Integer> streaks = new HashMap<>();
                                    missed.forEach((key, entries) -> entries.forEach(entry -> streaks.put(key + " " + entry.id(), 1)));
                                    return streaks(period, apps, missed, streaks, 1, adjustments, now).map(done -> {
                                        List<ComplianceRow> rows = new ArrayList<>();
                                        judged.forEach((key, entries) -> entries.forEach(entry -> rows.add(new ComplianceRow(key,
                                                entry.id(), entry.slo().target(), entry.value(), entry.good(), entry.total(),
                                                attainment(entry), incidents.getOrDefault(key, Map.of()).getOrDefault(entry.id(), 0L),
                                                streaks.getOrDefault(key + " " + entry.id(), 0)))));
                                        Window judgedWindow = period.judged(period.from(), now);
                                        return new Compliance(period.name(), period.from(), judgedWindow.to(), rows);
                                    });
                                })));
    }

    /**
     * Follows the periods before {@code period} while an app kept missing an SLO, at most
     * rampart.fleet.max-streak-periods in all; {@code running} holds the SLOs (by "app sli") still missing.
     */
    private Uni<Void> streaks(Period period, List<FleetRepository.App> apps, Map<String, List<SliEntry>> running,
            Map<String, Integer> streaks, int depth, String adjustments, Instant now) {
        if (running.isEmpty() || depth >= config.maxStreakPeriods()) {
            return Uni.createFrom().voidItem();
        }
        Period previous = period.previous();
        List<FleetRepository.App> candidates = apps.stream()
                .filter(app -> running.containsKey(app.appKey()) && app.createdAt().isBefore(previous.to())).toList();
        return judge(previous, candidates, adjustments, now).chain(judged -> {
            Map<String, List<SliEntry>> still = new LinkedHashMap<>();
            judged.forEach((key, entries) -> {
                List<String> missing = running.get(key).stream().map(SliEntry::id).toList();
                List<SliEntry> again = entries.stream()
                        .filter(entry -> missing.contains(entry.id()) && attainment(entry).equals(ComplianceRow.MISSED)).toList();
                again.forEach(entry -> streaks.merge(key + " " + entry.id(), 1, Integer::sum));
                if (!again.isEmpty()) {
                    still.put(key, again);
                }
            });
            return streaks(previous, candidates, still, streaks, depth + 1, adjustments, now);
        });
    }

    /**
     * The SLO entries (ratio SLIs with a target) of each app over the period as judged for it, in
     * the apps' order. Apps judged over the same window are read together: all of them but those
     * registered during the period.
     */
    private Uni<Map<String, List<SliEntry>>> judge(Period period, List<FleetRepository.App> apps, String adjustments,
            Instant now) {
        Map<Window, List<FleetRepository.App>> byWindow = new LinkedHashMap<>();
        for (FleetRepository.App app : apps) {
            Window judged = period.judged(app.createdAt(), now);
            if (judged != null) {
                byWindow.computeIfAbsent(judged, window -> new ArrayList<>()).add(app);
            }
        }
        if (byWindow.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Map<String, List<SliEntry>>>> reads = new ArrayList<>();
        byWindow.forEach((window, group) -> reads.add(
                slis.entries(FleetRepository.overrides(group), window, null, null, adjustments, false)));
        return Uni.join().all(reads).andFailFast().map(groups -> {
            Map<String, List<SliEntry>> read = new HashMap<>();
            groups.forEach(read::putAll);
            Map<String, List<SliEntry>> ordered = new LinkedHashMap<>();
            for (FleetRepository.App app : apps) {
                List<SliEntry> entries = read.get(app.appKey());
                if (entries != null) {
                    ordered.put(app.appKey(), entries.stream().filter(entry -> entry.slo() != null).toList());
                }
            }
            return ordered;
        });
    }

    /** met when the value reaches the target, missed below it, no_data without events. */
    static String attainment(SliEntry entry) {
        if (entry.value() == null) {
            return ComplianceRow.NO_DATA;
        }
        return entry.value() >= entry.slo().target() ? ComplianceRow.MET : ComplianceRow.MISSED;
    }
}
