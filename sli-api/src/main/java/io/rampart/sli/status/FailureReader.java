package io.rampart.sli.status;

import io.rampart.sli.diagnostics.Breakdown;
import io.rampart.sli.diagnostics.DiagnosticsService;
import io.rampart.sli.diagnostics.FailureList;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why each ratio SLI of the status page failed over its range, in words: the top causes of the
 * range's failed events and the latest of them, from {@link DiagnosticsService}, the code behind
 * {@code GET .../slis/{sliId}/breakdown} and {@code GET .../failures} (same read rules and adjustments).
 * Bounded: per ratio SLI one breakdown of the range and, where it has failures, the latest
 * {@link #RECENT}; read one query after another.
 */
@ApplicationScoped
public class FailureReader {

    /** Causes shown per panel, those with the most failures first. */
    static final int TOP_CAUSES = 3;
    /** Latest failed events shown per panel. */
    static final int RECENT = 5;
    private static final String SITE = "site";

    private final DiagnosticsService diagnostics;

    public FailureReader(DiagnosticsService diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** Each ratio SLI's diagnosis over the range's window (the page's own, ending at {@code now}), by SLI id. */
    public Uni<Map<String, StatusPage.Panel.Diagnoses>> read(String appKey, StatusRange range, Instant now) {
        List<SliId> ratios = Arrays.stream(SliId.values()).filter(sli -> sli.measure() == SliId.Measure.RATIO).toList();
        return Multi.createFrom().iterable(ratios)
                .onItem().transformToUniAndConcatenate(sli -> diagnose(appKey, sli, range, now)
                        .map(diagnoses -> Map.entry(sli.id(), diagnoses)))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private Uni<StatusPage.Panel.Diagnoses> diagnose(String appKey, SliId sli, StatusRange range, Instant now) {
        // Sites are read once, for who may see them; the others' causes are the same groups merged without them.
        return Uni.createFrom().deferred(() -> diagnostics.breakdown(appKey, sli.id(), range.window(), null, null, null,
                        null, null, true, now))
                .chain(breakdown -> latest(appKey, sli, breakdown, now)
                        .map(recent -> new StatusPage.Panel.Diagnoses(diagnosis(breakdown, breakdown.causes(), recent, true),
                                diagnosis(breakdown, withoutSites(breakdown.causes()), recent, false))));
    }

    /**
     * The latest {@link #RECENT} failed events of the SLI's stream within the breakdown's window,
     * newest first, those the adjustments leave out marked; none read where the breakdown counts no
     * failure and leaves nothing out.
     */
    private Uni<List<FailureList.Failure>> latest(String appKey, SliId sli, Breakdown breakdown, Instant now) {
        if (breakdown.bad() == 0 && breakdown.excluded() == 0) {
            return Uni.createFrom().item(List.of());
        }
        // Newest first over the raw retention: those of the window are the window's latest.
        return Uni.createFrom().deferred(() -> diagnostics.failures(appKey, failureSource(sli, breakdown).id(),
                        Integer.toString(RECENT), null, null, null, null, true, now))
                .map(list -> list.failures().stream().filter(failure -> !failure.time().isBefore(breakdown.from())
                        && failure.time().isBefore(breakdown.to())).toList());
    }

    /**
     * The SLI whose failed events a panel lists: the SLI's own stream; for the effective iframe SLI
     * the one its breakdown read (the app server's items where the range has any, else the host's loads).
     */
    private static SliId failureSource(SliId sli, Breakdown breakdown) {
        if (sli != SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE) {
            return sli;
        }
        boolean hostLoads = breakdown.causes().stream().anyMatch(cause -> cause.dimensions().containsKey("result"));
        return hostLoads ? SliId.IFRAME_LOAD_SUCCESS_RATE : SliId.IFRAME_LOAD_SUCCESS_RATE_APP_SERVER;
    }

    /** The causes with their sites left out, equal ones merged, ordered as the breakdown orders them. */
    static List<Breakdown.Cause> withoutSites(List<Breakdown.Cause> causes) {
        Map<Map<String, Object>, long[]> merged = new LinkedHashMap<>();
        for (Breakdown.Cause cause : causes) {
            Map<String, Object> dimensions = new LinkedHashMap<>(cause.dimensions());
            dimensions.remove(SITE);
            long[] counts = merged.computeIfAbsent(dimensions, key -> new long[2]);
            counts[0] += cause.count();
            counts[1] += cause.good();
        }
        return merged.entrySet().stream()
                .map(entry -> new Breakdown.Cause(entry.getKey(), entry.getValue()[0], entry.getValue()[1]))
                .sorted(Comparator.comparingLong((Breakdown.Cause cause) -> cause.count() - cause.good()).reversed()
                        .thenComparing(Comparator.comparingLong(Breakdown.Cause::count).reversed()))
                .toList();
    }

    private static StatusPage.Diagnosis diagnosis(Breakdown breakdown, List<Breakdown.Cause> causes,
            List<FailureList.Failure> recent, boolean withSites) {
        List<StatusPage.CauseRow> rows = new ArrayList<>();
        for (Breakdown.Cause cause : causes) {
            long failed = cause.count() - cause.good();
            if (failed <= 0 || rows.size() == TOP_CAUSES) {
                continue;
            }
            String words = words(cause.dimensions());
            String sentence = String.format(Locale.ROOT, rows.isEmpty() ? "%,d of %,d failures: %s" : "%,d of %,d: %s",
                    failed, breakdown.bad(), words);
            rows.add(new StatusPage.CauseRow(failed, breakdown.bad(), words, sentence));
        }
        List<StatusPage.FailureRow> failures = recent.stream().map(failure -> failureRow(failure, withSites)).toList();
        return new StatusPage.Diagnosis(breakdown.bad(), breakdown.total(), rows, failures);
    }

    /** A cause's dimensions (docs/sli-api.md, "Why it failed") in words: "HTTP 503 at prod from eu-west". */
    static String words(Map<String, Object> dimensions) {
        Object site = dimensions.get(SITE);
        String failure = dimensions.get("errorKind") != null ? errorKind(dimensions.get("errorKind"))
                : dimensions.get("statusCode") != null ? "HTTP " + dimensions.get("statusCode") : null;
        String words;
        if (dimensions.containsKey("target")) {
            // a probe
            // from the rollups: no outcome, the code of an answer within the timeout or none
            words = (dimensions.get("outcome") != null
                    ? probeOutcome(String.valueOf(dimensions.get("outcome")), dimensions.get("statusCode"))
                    : failure != null ? failure : "no answer in time")
                    + " at " + dimensions.get("target")
                    + (dimensions.get("location") != null ? " from " + dimensions.get("location") : "");
        } else if (dimensions.containsKey("result")) {
            // a host iframe load
            words = switch (String.valueOf(dimensions.get("result"))) {
                case "late" -> "loaded late (over 12 s)";
                case "never" -> "never loaded";
                case "failed" -> "not loaded within 12 s";
                default -> "loaded";
            } + (failure != null ? " (" + failure + ")" : "");
        } else if (dimensions.containsKey("product")) {
            // a webhook delivery
            words = (failure != null ? failure : "no answer") + " on " + dimensions.get("product")
                    + (dimensions.get("event") != null ? " " + dimensions.get("event") : "");
        } else if (dimensions.containsKey("lifecycle")) {
            words = (failure != null ? failure : "no answer") + " on " + dimensions.get("lifecycle") + " callbacks";
        } else if (dimensions.containsKey("checkName") || dimensions.containsKey("status")) {
            // a vendor item
            words = (dimensions.get("checkName") != null ? "check " + dimensions.get("checkName") + " failed"
                    : "failed, as the app server reported") + (failure != null ? " (" + failure + ")" : "");
        } else {
            words = failure != null ? failure : "failed";
        }
        return site != null ? words + " at site " + site : words;
    }

    private static String probeOutcome(String outcome, Object statusCode) {
        return switch (outcome) {
            case "HTTP_STATUS", "SUCCESS" -> statusCode != null ? "HTTP " + statusCode : "HTTP answer";
            case "TIMEOUT" -> "timeout (no complete answer in time)";
            case "CONNECT" -> "connection refused or reset";
            case "DNS" -> "host name did not resolve";
            case "TLS" -> "TLS handshake failed";
            case "BODY_TOO_LARGE" -> "answer too large";
            case "PROTOCOL" -> "not valid HTTP";
            case "BLOCKED" -> "address not probed (private or special-purpose)";
            default -> outcome.toLowerCase(Locale.ROOT).replace('_', ' ');
        };
    }

    private static String errorKind(Object kind) {
        return String.valueOf(kind).toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static StatusPage.FailureRow failureRow(FailureList.Failure failure, boolean withSites) {
        String where;
        if (failure.target() != null) {
            where = failure.target() + (failure.location() != null ? " from " + failure.location() : "");
        } else if (withSites && failure.site() != null) {
            where = "site " + failure.site();
        } else {
            where = "";
        }
        List<String> what = new ArrayList<>();
        for (String part : new String[] {failure.product(), failure.event(), failure.lifecycle(), failure.checkName()}) {
            if (part != null) {
                what.add(part);
            }
        }
        String outcome = what.isEmpty() ? failure.outcome() : failure.outcome() + " (" + String.join(" ", what) + ")";
        Integer ms = failure.durationMs();
        return new StatusPage.FailureRow(failure.time().toString(), where, outcome,
                failure.statusCode() == null ? "" : failure.statusCode().toString(),
                ms == null ? "" : PageFormat.value(SliId.Measure.LATENCY, ms.doubleValue()),
                ms == null ? "" : ms.toString(), !Boolean.TRUE.equals(failure.excluded()));
    }
}
