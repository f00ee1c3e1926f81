package io.rampart.sli.status;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheResult;
import io.rampart.sli.adjustment.AdjustmentService;
import io.rampart.sli.adjustment.AdjustmentView;
import io.rampart.sli.adjustment.Exclusions;
import io.rampart.sli.alert.AlertConfig;
import io.rampart.sli.alert.IncidentRepository;
import io.rampart.sli.alert.IncidentStatus;
import io.rampart.sli.alert.NoDataRules;
import io.rampart.sli.certificate.CertificateRepository;
import io.rampart.sli.certificate.TargetCertificate;
import io.rampart.sli.indicator.ProbePhaseService;
import io.rampart.sli.indicator.ProbePhases;
import io.rampart.sli.indicator.SeriesPoint;
import io.rampart.sli.indicator.SliEntry;
import io.rampart.sli.indicator.SliSeries;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.indicator.SliSummary;
import io.rampart.sli.location.ProbeLocationRepository;
import io.rampart.sli.registry.AppView;
import io.rampart.sli.registry.BaseUrl;
import io.rampart.sli.registry.RegistryService;
import io.rampart.store.error.Refusal;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Builds the status page of an app from the SLI API's summary and series (never computing a figure itself). */
@ApplicationScoped
public class StatusPageService {

    static final String CACHE = "status-page";
    /** Incidents shown at most: the open ones first, then the newest resolved. */
    static final int MOST_SHOWN = 20;
    /** How far ahead the page lists upcoming maintenance windows. */
    private static final java.time.Duration UPCOMING = java.time.Duration.ofDays(28);

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PERIOD = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final RegistryService registry;
    private final SliService slis;
    private final IncidentRepository incidents;
    private final ChannelHealthRepository channels;
    private final ObjectMapper json;
    private final AdjustmentService adjustments;
    private final ProbeLocationRepository locations;
    private final ProbePhaseService phases;
    private final CertificateRepository certificates;
    private final AlertConfig alerts;
    private final FailureReader failures;

    public StatusPageService(RegistryService registry, SliService slis, IncidentRepository incidents,
            ChannelHealthRepository channels, ObjectMapper json, AdjustmentService adjustments,
            ProbeLocationRepository locations, ProbePhaseService phases, CertificateRepository certificates,
            AlertConfig alerts, FailureReader failures) {
        this.failures = failures;
        this.locations = locations;
        this.registry = registry;
        this.slis = slis;
        this.incidents = incidents;
        this.channels = channels;
        this.json = json;
        this.adjustments = adjustments;
        this.phases = phases;
        this.certificates = certificates;
        this.alerts = alerts;
    }

    /** Whether anyone may read the app's page without signing in; false for an unknown app. */
    public Uni<Boolean> isPublic(String appKey) {
        return registry.get(appKey).map(AppView::statusPagePublic)
                .onFailure(Refusal.class).recoverWithItem(false);
    }

    /**
     * The page of an app over a range, as an anonymous visitor sees it ({@link StatusPage#forViewer}
     * for others). Built pages are cached per app and range for {@code RAMPART_STATUS_PAGE_CACHE_TTL}
     * (30 s): a page costs about 67 queries, and a flood of views must not reach the database.
     * Concurrent views of a page being built wait for that one build. Beside the figures, and at
     * the same time, the ratio panels' causes and latest failures ({@link FailureReader}, two to
     * four queries per ratio SLI): a build holds at most two pooled connections.
     */
    @CacheResult(cacheName = CACHE)
    public Uni<StatusPage> page(@CacheKey String appKey, @CacheKey StatusRange range, Instant now) {
        SliService.Query query = query(range, null);
        // One query of a build at a time: a build holds one pooled connection, never the pool the
        // SLI API answers from, however many views wait for it.
        return registry.get(appKey).chain(app -> {
            // Per-target figures matter only where there is more than one target to tell apart.
            List<BaseUrl> targets = app.baseUrls().size() > 1 ? app.baseUrls() : List.of();
            Uni<StatusPage> figures = slis.summary(appKey, query, now).chain(summary -> inTurn(List.of(SliId.values()),
                            sli -> slis.series(appKey, sli.id(), query, range.step(), null, now))
                    .chain(allSeries -> inTurn(targets, target -> slis.summary(appKey, query(range, target.label()), now))
                            .chain(perTarget -> perLocation(appKey, query, now)
                            .chain(locationRows -> recentIncidents(appKey, now.minus(range.length()))
                                    // Shown to signed-in visitors only (the template): channel settings are the vendor's own business.
                                    .chain(recent -> channels.failing(appKey)
                                            .chain(failing -> adjustments.exclusions(appKey, now.minus(range.length()),
                                                            now.plus(UPCOMING))
                                                    .map(adjusted -> view(app, range, summary, allSeries, targets,
                                                            perTarget, recent, failing, adjusted.applied(), now)
                                                            .withLocations(locationRows))))))))
                    .chain(page -> phases.phases(appKey, range.window(), null, null, now)
                            .chain(phased -> certificates.byLabel(appKey, now)
                                    .map(byLabel -> withDiagnostics(page, app, phased, byLabel))));
            // In parallel with the figures, one query after another too; a window older than the raw
            // retention (RAMPART_RAW_EVENTS_RETENTION_DAYS set below 28) has its causes from the rollups.
            Uni<Map<String, StatusPage.Panel.Diagnoses>> why = failures.read(appKey, range, now)
                    .onFailure(Refusal.class).recoverWithItem(Map.of());
            return Uni.combine().all().unis(figures, why).asTuple()
                    .map(both -> both.getItem1().withDiagnoses(both.getItem2()));
        });
    }

    /**
     * The availability success rate from each of the app's probe locations (its own list, or every
     * location the prober has on record), where there is more than one to tell apart.
     */
    private Uni<List<StatusPage.LocationRow>> perLocation(String appKey, SliService.Query query, Instant now) {
        return locations.ofApp(appKey)
                .chain(app -> app != null && app.probeLocations() != null ? Uni.createFrom().item(app.probeLocations())
                        : locations.all().map(all -> all.stream().map(ProbeLocationRepository.ProbeLocation::location).toList()))
                .map(names -> names.size() > 1 ? names : List.<String>of())
                .chain(names -> inTurn(names, location -> slis.summary(appKey, query, location, now)
                        .map(summary -> {
                            SliEntry success = entry(summary, SliId.AVAILABILITY_SUCCESS_RATE);
                            return new StatusPage.LocationRow(location, PageFormat.value(SliId.Measure.RATIO,
                                    success.value()), PageFormat.raw(success.value()), success.total());
                        })));
    }

    /** The page with the P90 of each probe phase and the https targets' certificates. */
    private StatusPage withDiagnostics(StatusPage page, AppView app, ProbePhases phased,
            Map<String, TargetCertificate> byLabel) {
        List<StatusPage.PhaseRow> phaseRows = List.of(
                phaseRow("dns", "DNS", phased.dnsMs()), phaseRow("connect", "Connect", phased.connectMs()),
                phaseRow("tls", "TLS handshake", phased.tlsMs()), phaseRow("first_byte", "First byte", phased.firstByteMs()),
                phaseRow("total", "Total", phased.totalMs()));
        List<StatusPage.CertificateRow> certificateRows = new ArrayList<>();
        for (BaseUrl target : app.baseUrls()) {
            TargetCertificate certificate = byLabel.get(target.label());
            if (certificate == null) {
                continue;
            }
            long days = certificate.daysLeft();
            String label = days < 0 ? "expired " + (-days) + (days == -1 ? " day ago" : " days ago")
                    : days + (days == 1 ? " day left" : " days left");
            certificateRows.add(new StatusPage.CertificateRow(target.label(), target.url(),
                    DAY.format(certificate.notAfter()), days, label, certificate.issuer(),
                    days < alerts.certificateExpiringDays() ? "missed" : "met"));
        }
        return new StatusPage(page.appKey(), page.name(), page.partnerName(), page.range(), page.ranges(), page.period(),
                page.readRules(), page.headline(), page.headlineState(), page.signedIn(), page.panels(), page.targets(),
                page.incidents(), page.failingChannels(), page.adjustments(), page.seriesJson(), page.locations(),
                phased.totalMs() == null ? List.of() : phaseRows, certificateRows);
    }

    private static StatusPage.PhaseRow phaseRow(String id, String name, Double p90) {
        return new StatusPage.PhaseRow(id, name, PageFormat.value(SliId.Measure.LATENCY, p90), PageFormat.raw(p90));
    }

    /** {@code read} of each item, one after the other, in the items' order. */
    private static <T, R> Uni<List<R>> inTurn(List<T> items, Function<? super T, Uni<? extends R>> read) {
        return Multi.createFrom().iterable(items).onItem().<R>transformToUniAndConcatenate(read).collect().asList();
    }

    private static SliService.Query query(StatusRange range, String target) {
        return new SliService.Query(range.window(), null, null, target, null, null);
    }

    private StatusPage view(AppView app, StatusRange range, SliSummary summary,
            List<SliSeries> series, List<BaseUrl> targets, List<SliSummary> perTarget,
            List<StatusPage.IncidentRow> recentIncidents, List<StatusPage.FailingChannel> failingChannels,
            List<Exclusions.Applied> applied, Instant now) {
        List<StatusPage.RangeLink> links = new ArrayList<>();
        for (StatusRange option : StatusRange.values()) {
            links.add(new StatusPage.RangeLink(option.label(), option.parameter(), "?range=" + option.parameter(), option == range));
        }
        List<StatusPage.Panel> panels = new ArrayList<>();
        for (SliEntry entry : summary.slis()) {
            panels.add(panel(entry, range));
        }
        List<StatusPage.TargetRow> rows = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            SliEntry success = entry(perTarget.get(i), SliId.AVAILABILITY_SUCCESS_RATE);
            SliEntry latency = entry(perTarget.get(i), SliId.AVAILABILITY_LATENCY);
            rows.add(new StatusPage.TargetRow(targets.get(i).label(), targets.get(i).url(),
                    PageFormat.value(SliId.Measure.RATIO, success.value()), PageFormat.raw(success.value()),
                    PageFormat.value(SliId.Measure.LATENCY, latency.value())));
        }
        String period = PERIOD.format(summary.from()) + " to " + PERIOD.format(summary.to());
        long withSlo = panels.stream().filter(panel -> !panel.state().equals("none")).count();
        long missed = panels.stream().filter(panel -> panel.state().equals("missed")).count();
        long open = recentIncidents.stream().filter(incident -> incident.state().equals("missed")).count();
        String slos = withSlo == 0 ? "No events with an SLO in this range"
                : missed == 0 ? "All " + withSlo + " SLOs met"
                : missed + " of " + withSlo + " SLOs below target";
        String headline = open == 0 ? slos : open + (open == 1 ? " open incident · " : " open incidents · ") + slos;
        String headlineState = open > 0 || missed > 0 ? "missed" : withSlo == 0 ? "none" : "met";
        List<StatusPage.AdjustmentRow> adjustmentRows = new ArrayList<>();
        for (Exclusions.Applied adjustment : applied) {
            boolean maintenance = adjustment.kind().equals(AdjustmentView.MAINTENANCE);
            String state = adjustment.start().isAfter(now) ? "upcoming" : adjustment.end().isAfter(now) ? "active" : "past";
            adjustmentRows.add(new StatusPage.AdjustmentRow(adjustment.kind(), maintenance ? "Maintenance" : "Platform fault",
                    state, PERIOD.format(adjustment.start()) + " to " + PERIOD.format(adjustment.end()), adjustment.reason()));
        }
        String readRules = "Availability policy " + summary.availabilityPolicy() + " · lifecycle scope "
                + summary.lifecycleScope() + " · webhook policy " + summary.webhookPolicy();
        return new StatusPage(app.appKey(), app.name(), app.partnerName(), range, links, period, readRules, headline,
                headlineState, false, panels, rows, recentIncidents, failingChannels, adjustmentRows,
                seriesJson(range, summary, series, applied), List.of(), List.of(), List.of());
    }

    private static StatusPage.Panel panel(SliEntry entry, StatusRange range) {
        SliId sli = SliId.of(entry.id());
        SliId.Measure measure = sli.measure();
        String value = PageFormat.value(measure, entry.value());
        String chartLabel = entry.name() + ", " + range.description().toLowerCase(Locale.ROOT) + ": " + value;
        if (entry.slo() == null) {
            return new StatusPage.Panel(entry.id(), entry.name(), value, PageFormat.raw(entry.value()),
                    PageFormat.detail(entry, measure), null, null, null, "none", "", chartLabel, PageFormat.adjusted(entry));
        }
        double target = entry.slo().target();
        String state = entry.value() == null ? "none" : entry.value() >= target ? "met" : "missed";
        String stateLabel = switch (state) {
            case "met" -> "Meeting SLO";
            case "missed" -> "Below SLO";
            default -> "No events";
        };
        return new StatusPage.Panel(entry.id(), entry.name(), value, PageFormat.raw(entry.value()),
                PageFormat.detail(entry, measure), PageFormat.percent(target), PageFormat.budget(entry.slo().errorBudgetRemaining()),
                PageFormat.meter(entry.slo().errorBudgetRemaining()), state, stateLabel, chartLabel, PageFormat.adjusted(entry));
    }

    private static SliEntry entry(SliSummary summary, SliId sli) {
        return summary.slis().stream().filter(entry -> entry.id().equals(sli.id())).findFirst().orElseThrow();
    }

    /**
     * The charts' data: per SLI its unit, the points' start times (epoch seconds) and values, and
     * the maintenance windows and platform faults to shade.
     */
    private String seriesJson(StatusRange range, SliSummary summary, List<SliSeries> series,
            List<Exclusions.Applied> applied) {
        Map<String, Object> bySli = new LinkedHashMap<>();
        for (SliSeries one : series) {
            List<Long> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            for (SeriesPoint point : one.points()) {
                times.add(point.timestamp().getEpochSecond());
                values.add(point.value());
            }
            bySli.put(one.sliId(), Map.of("unit", one.unit(), "t", times, "v", values));
        }
        List<Map<String, Object>> shaded = new ArrayList<>();
        for (Exclusions.Applied adjustment : applied) {
            if (adjustment.start().isBefore(summary.to()) && adjustment.end().isAfter(summary.from())) {
                shaded.add(Map.of("kind", adjustment.kind(), "from", adjustment.start().getEpochSecond(),
                        "to", adjustment.end().getEpochSecond()));
            }
        }
        Map<String, Object> document = Map.of("range", range.parameter(), "from", summary.from().getEpochSecond(),
                "to", summary.to().getEpochSecond(), "series", bySli, "adjustments", shaded);
        try {
            // Inside a <script> element: "</" would end it early.
            return json.writeValueAsString(document).replace("</", "<\\/");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The incidents the alert rules opened: the open ones and those resolved since {@code since},
     * open first then newest, at most {@link #MOST_SHOWN}; the platform's own (the admin-only rules)
     * are no part of an app's status.
     */
    private Uni<List<StatusPage.IncidentRow>> recentIncidents(String appKey, Instant since) {
        return incidents.openOrResolvedSince(appKey, since, NoDataRules.ADMIN_ONLY.toArray(String[]::new), MOST_SHOWN)
                .map(recent -> recent.stream().map(StatusPageService::incident).toList());
    }

    private static StatusPage.IncidentRow incident(IncidentRepository.Recent row) {
        SliId sli = SliId.of(row.metricName());
        boolean open = IncidentStatus.OPEN.name().equals(row.status());
        String when = "opened " + PageFormat.TIME.format(row.openedAt())
                + (open ? "" : ", resolved " + PageFormat.TIME.format(row.resolvedAt()));
        Double value = row.sliValue();
        Double target = row.sloValue();
        String figures = "certificate_days_left".equals(row.metricName())
                // certificate_expiring (docs/alerts.md): days, not a ratio
                ? (value == null ? PageFormat.NO_DATA : String.format(java.util.Locale.ROOT, "%.0f days left", value))
                        + (target == null ? "" : String.format(java.util.Locale.ROOT, ", alert under %.0f", target))
                : (value == null ? PageFormat.NO_DATA : PageFormat.value(SliId.Measure.RATIO, value))
                        + (target == null ? "" : " against " + PageFormat.percent(target));
        return new StatusPage.IncidentRow(open ? "Open" : "Resolved", open ? "missed" : "met",
                sli == null ? row.metricName() : sli.displayName(), row.rule(),
                row.severity(), figures, when,
                row.acknowledgedAt() == null ? null : PageFormat.TIME.format(row.acknowledgedAt()),
                row.acknowledgedBy());
    }
}
