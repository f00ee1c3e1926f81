package io.rampart.sli.alert;

import io.rampart.sli.certificate.CertificateRepository;
import io.rampart.sli.certificate.TargetCertificate;
import io.rampart.sli.indicator.SliEntry;
import io.rampart.sli.indicator.SliService;
import io.rampart.sli.indicator.SliSummary;
import io.rampart.sli.slo.BurnRateAlert;
import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert rules of docs/alerts.md, read from the SLI summaries that the API answers (SliService
 * computes every ratio and burn rate; the rules only compare them with their thresholds).
 */
@ApplicationScoped
public class AlertRules {

    static final String AVAILABILITY = "availability_failed_check_15m";
    static final String WEBHOOK_DELIVERY = "webhook_delivery_below_slo_15m";
    static final String LIFECYCLE = "lifecycle_below_threshold_24h";
    static final String PAGE = "page";
    static final String CERTIFICATE_EXPIRING = "certificate_expiring";
    static final String TICKET = "ticket";
    /** A certificate counts while a probe saw it this recently (a target that went http or silent stops counting). */
    private static final Duration CERTIFICATE_SEEN_WITHIN = Duration.ofDays(1);

    private static final String RECENT = "15m";
    private static final String DAY = "1d";
    /** The SLO period the workbook's burn-rate thresholds are written for. */
    private static final Duration WORKBOOK_PERIOD = Duration.ofDays(30);

    private final SliService slis;
    private final AlertConfig config;
    private final NoDataRules noData;
    private final CertificateRepository certificates;

    public AlertRules(SliService slis, AlertConfig config, NoDataRules noData, CertificateRepository certificates) {
        this.slis = slis;
        this.config = config;
        this.noData = noData;
        this.certificates = certificates;
    }

    /** The burn-rate rule of one SLI and window pair, e.g. {@code burn_rate:lifecycle_success_rate:1h/5m}. */
    static String burnRateRule(String sliId, BurnRateAlert alert) {
        return "burn_rate:" + sliId + ":" + alert.longWindow() + "/" + alert.shortWindow();
    }

    /** Every rule of the app at {@code now}, the no-data rules included; windows end at the end of now's minute, as the API's. */
    public Uni<List<RuleReading>> evaluate(String appKey, Instant now) {
        return summary(appKey, RECENT, now).chain(recent -> {
            Set<String> windows = new LinkedHashSet<>();
            windows.add(DAY);
            for (SliEntry entry : recent.slis()) {
                if (entry.slo() != null) {
                    entry.slo().alerts().forEach(alert -> windows.add(alert.longWindow()));
                }
            }
            // One after the other: an evaluation holds at most one pooled connection per app.
            return Multi.createFrom().iterable(windows)
                    .onItem().transformToUniAndConcatenate(window -> summary(appKey, window, now))
                    .collect().asList()
                    .map(summaries -> {
                        Map<String, SliSummary> byWindow = new LinkedHashMap<>();
                        List<String> labels = List.copyOf(windows);
                        for (int i = 0; i < labels.size(); i++) {
                            byWindow.put(labels.get(i), summaries.get(i));
                        }
                        return readings(recent, byWindow);
                    })
                    .chain(readings -> certificateReading(appKey, now).map(certificate -> {
                        List<RuleReading> all = new ArrayList<>(readings);
                        all.add(certificate);
                        return all;
                    }));
        }).chain(readings -> noData.evaluate(appKey, now).map(more -> {
            List<RuleReading> all = new ArrayList<>(readings);
            all.addAll(more);
            return all;
        }));
    }

    /**
     * {@code certificate_expiring}: fires while a certificate of one of the app's enabled https
     * targets, seen within the last day, has fewer than the configured days left; the incident
     * carries the fewest days left and the threshold. A renewed certificate, once probed, resolves it.
     */
    private Uni<RuleReading> certificateReading(String appKey, Instant now) {
        return certificates.current(appKey, now.minus(CERTIFICATE_SEEN_WITHIN), now).map(byLabel -> {
            Long fewestDays = byLabel.values().stream().map(TargetCertificate::daysLeft).min(Long::compare).orElse(null);
            int threshold = config.certificateExpiringDays();
            return new RuleReading(CERTIFICATE_EXPIRING, TICKET, "certificate_days_left", "days", 0,
                    fewestDays == null ? null : fewestDays.doubleValue(), (double) threshold,
                    fewestDays != null && fewestDays < threshold);
        });
    }

    private List<RuleReading> readings(SliSummary recent, Map<String, SliSummary> byWindow) {
        List<RuleReading> readings = new ArrayList<>();
        SliEntry availability = entry(recent, SliId.AVAILABILITY_SUCCESS_RATE);
        readings.add(reading(AVAILABILITY, PAGE, recent, availability, target(availability),
                availability.total() - availability.good() >= 1));
        SliEntry webhooks = entry(recent, SliId.WEBHOOK_DELIVERY_SUCCESS_RATE);
        Double webhookTarget = target(webhooks);
        readings.add(reading(WEBHOOK_DELIVERY, PAGE, recent, webhooks, webhookTarget,
                webhooks.value() != null && webhookTarget != null && webhooks.value() < webhookTarget));
        SliSummary day = byWindow.get(DAY);
        SliEntry lifecycle = entry(day, SliId.LIFECYCLE_SUCCESS_RATE);
        readings.add(reading(LIFECYCLE, PAGE, day, lifecycle, config.lifecycleThreshold(),
                lifecycle.value() != null && lifecycle.value() < config.lifecycleThreshold()));
        double scale = (double) config.sloPeriod().toSeconds() / WORKBOOK_PERIOD.toSeconds();
        for (SliEntry entry : recent.slis()) {
            if (entry.slo() == null) {
                continue;
            }
            Map<String, Double> rates = entry.slo().burnRates();
            for (BurnRateAlert alert : entry.slo().alerts()) {
                SliSummary longWindow = byWindow.get(alert.longWindow());
                SliEntry overLongWindow = entry(longWindow, SliId.of(entry.id()));
                Double longRate = rates.get(alert.longWindow());
                Double shortRate = rates.get(alert.shortWindow());
                double threshold = alert.threshold() * scale;
                boolean firing = longRate != null && shortRate != null && longRate >= threshold && shortRate >= threshold
                        && overLongWindow.total() >= config.burnRateMinEvents();
                readings.add(reading(burnRateRule(entry.id(), alert), alert.severity(), longWindow, overLongWindow,
                        entry.slo().target(), firing));
            }
        }
        return readings;
    }

    private static RuleReading reading(String rule, String severity, SliSummary window, SliEntry entry, Double objective,
            boolean firing) {
        return new RuleReading(rule, severity, entry.id(), entry.unit(),
                Duration.between(window.from(), window.to()).toSeconds(), entry.value(), objective, firing);
    }

    private static Double target(SliEntry entry) {
        return entry.slo() == null ? null : entry.slo().target();
    }

    private static SliEntry entry(SliSummary summary, SliId sli) {
        return summary.slis().stream().filter(entry -> entry.id().equals(sli.id())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the summary has no " + sli.id()));
    }

    private Uni<SliSummary> summary(String appKey, String window, Instant now) {
        return slis.summary(appKey, new SliService.Query(window, null, null, null, null, null), now);
    }
}
