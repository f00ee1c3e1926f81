package io.rampart.sli.status;

import io.quarkus.qute.TemplateData;

import java.util.List;
import java.util.Map;

/**
 * What the status page shows, already formatted: every number comes from an {@code SliEntry} or
 * {@code SliSeries} of the SLI API's own computation ({@link StatusPageService}); {@code readRules}
 * names the rules its figures were read by.
 */
@TemplateData
public record StatusPage(String appKey, String name, String partnerName, StatusRange range, List<RangeLink> ranges,
        String period, String readRules, String headline, String headlineState, boolean signedIn, List<Panel> panels,
        List<TargetRow> targets, List<IncidentRow> incidents, List<FailingChannel> failingChannels,
        List<AdjustmentRow> adjustments, String seriesJson, List<LocationRow> locations, List<PhaseRow> phases,
        List<CertificateRow> certificates) {

    /**
     * The same page for a visitor (one built page serves all): signed in or not, and whether the visitor may see sites (the
     * app's vendor and admins, {@code Caller.maySeeSites}); the others get each panel's causes
     * merged without sites and failures without their site.
     */
    public StatusPage forViewer(boolean visitorSignedIn, boolean seesSites) {
        List<Panel> shown = panels.stream().map(panel -> panel.forViewer(seesSites)).toList();
        return new StatusPage(appKey, name, partnerName, range, ranges, period, readRules, headline, headlineState,
                visitorSignedIn, shown, targets, incidents, failingChannels, adjustments, seriesJson, locations, phases,
                certificates);
    }

    /** The same page with each ratio panel's causes and latest failures, by SLI id. */
    public StatusPage withDiagnoses(Map<String, Panel.Diagnoses> bySli) {
        List<Panel> diagnosed = panels.stream().map(panel -> bySli.containsKey(panel.id())
                ? panel.withDiagnoses(bySli.get(panel.id())) : panel).toList();
        return new StatusPage(appKey, name, partnerName, range, ranges, period, readRules, headline, headlineState,
                signedIn, diagnosed, targets, incidents, failingChannels, adjustments, seriesJson, locations, phases,
                certificates);
    }

    /** The same page with the availability per probe location (none where the app has one location). */
    public StatusPage withLocations(List<LocationRow> perLocation) {
        return new StatusPage(appKey, name, partnerName, range, ranges, period, readRules, headline, headlineState, signedIn,
                panels, targets, incidents, failingChannels, adjustments, seriesJson, perLocation, phases, certificates);
    }

    /** One button of the range switch. */
    @TemplateData
    public record RangeLink(String label, String parameter, String href, boolean current) {
    }

    /**
     * One SLI: {@code value} as shown and {@code rawValue} as the API answers it (empty without
     * events); {@code sloTarget}, {@code budget} and {@code budgetMeter} only on ratios with an SLO;
     * {@code adjusted} says how many events maintenance and platform faults left out (null where none).
     */
    @TemplateData
    public record Panel(String id, String name, String value, String rawValue, String detail, String sloTarget,
            String budget, Double budgetMeter, String state, String stateLabel, String chartLabel, String adjusted,
            Diagnosis diagnosis, Diagnosis diagnosisWithSites) {

        public Panel(String id, String name, String value, String rawValue, String detail, String sloTarget,
                String budget, Double budgetMeter, String state, String stateLabel, String chartLabel, String adjusted) {
            this(id, name, value, rawValue, detail, sloTarget, budget, budgetMeter, state, stateLabel, chartLabel, adjusted,
                    null, null);
        }

        public boolean hasSlo() {
            return sloTarget != null;
        }

        Panel withDiagnoses(Diagnoses diagnoses) {
            return new Panel(id, name, value, rawValue, detail, sloTarget, budget, budgetMeter, state, stateLabel,
                    chartLabel, adjusted, diagnoses.withoutSites(), diagnoses.withSites());
        }

        /** The panel as a visitor sees it: {@code diagnosis} with sites only for who may see them, never both. */
        Panel forViewer(boolean seesSites) {
            Diagnosis shown = seesSites && diagnosisWithSites != null ? diagnosisWithSites : diagnosis;
            return new Panel(id, name, value, rawValue, detail, sloTarget, budget, budgetMeter, state, stateLabel,
                    chartLabel, adjusted, shown, null);
        }

        /** A ratio panel's diagnosis as the app's vendor and admins see it, and as everyone else does. */
        public record Diagnoses(Diagnosis withSites, Diagnosis withoutSites) {
        }
    }

    /**
     * Why a ratio SLI failed over the range ({@code FailureReader}): {@code failures} of {@code total}
     * raw events failed, the causes with the most failures first (at most 3) and the latest failed
     * events of the range (at most 5), newest first.
     */
    @TemplateData
    public record Diagnosis(long failures, long total, List<CauseRow> causes, List<FailureRow> recent) {
    }

    /** One cause in words: "42 of 61 failures: HTTP 503 at prod from eu-west"; {@code count} of {@code of} failures. */
    @TemplateData
    public record CauseRow(long count, long of, String cause, String sentence) {
    }

    /**
     * One failed event: {@code time} ISO-8601 in UTC, {@code where} its target (and probe location)
     * or site, {@code outcome} in the failures API's words, status code and duration as shown
     * ({@code durationMs} raw, empty without one); {@code counted} false where an adjustment leaves
     * its minute out of the figures.
     */
    @TemplateData
    public record FailureRow(String time, String where, String outcome, String statusCode, String duration,
            String durationMs, boolean counted) {

        /** The date part of {@code time} with its "T" ("2026-12-02T"): a narrow panel may break the line after it. */
        public String day() {
            int clock = time.indexOf('T') + 1;
            return clock > 0 ? time.substring(0, clock) : "";
        }

        /** The rest of {@code time}: "14:03:27Z". */
        public String clock() {
            return time.substring(time.indexOf('T') + 1);
        }
    }

    /**
     * An incident of the alert rules: open, or resolved within the range; {@code acknowledgedAt}
     * (formatted) and {@code acknowledgedBy} once someone acknowledged it (who only to signed-in visitors).
     */
    @TemplateData
    public record IncidentRow(String status, String state, String sliName, String rule, String severity,
            String figures, String when, String acknowledgedAt, String acknowledgedBy) {
    }

    /** A notification channel of the app whose deliveries keep failing (shown to signed-in visitors). */
    @TemplateData
    public record FailingChannel(String name, String type, int consecutiveFailures, String since, String lastError) {
    }

    /**
     * A maintenance window or platform fault of the app: {@code state} upcoming, active or past;
     * past ones are those of the range, upcoming ones those of the next 28 days.
     */
    @TemplateData
    public record AdjustmentRow(String kind, String kindLabel, String state, String when, String reason) {
    }

    /** The availability success rate of the probes of one location, and the slots it counts. */
    @TemplateData
    public record LocationRow(String location, String successRate, String rawSuccessRate, Long slots) {
    }

    /** The availability of one health check target (base URL). */
    @TemplateData
    public record TargetRow(String label, String url, String successRate, String rawSuccessRate, String latency) {
    }

    /** One phase of the app's probes over the range: its P90, as shown ({@code rawValue} in ms, empty without one). */
    @TemplateData
    public record PhaseRow(String id, String name, String value, String rawValue) {
    }

    /**
     * The certificate of one https target: {@code state} missed when fewer days are left than the
     * certificate_expiring rule's threshold, else met.
     */
    @TemplateData
    public record CertificateRow(String label, String url, String expires, long daysLeft, String daysLeftLabel,
            String issuer, String state) {
    }
}
