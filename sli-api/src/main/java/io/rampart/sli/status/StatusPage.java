package io.rampart.sli.status;

import io.quarkus.qute.TemplateData;

import java.util.List;

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

    /** The same page for a visitor who is (or is not) signed in: one built page serves both. */
    public StatusPage withSignedIn(boolean visitorSignedIn) {
        return new StatusPage(appKey, name, partnerName, range, ranges, period, readRules, headline, headlineState,
                visitorSignedIn, panels, targets, incidents, failingChannels, adjustments, seriesJson, locations, phases,
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
            String budget, Double budgetMeter, String state, String stateLabel, String chartLabel, String adjusted) {

        public boolean hasSlo() {
            return sloTarget != null;
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
