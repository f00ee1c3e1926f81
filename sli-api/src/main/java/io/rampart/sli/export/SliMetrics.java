package io.rampart.sli.export;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.exporter.common.TextFormat;
import io.rampart.sli.indicator.SliEntry;
import io.rampart.sli.indicator.SliSummary;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SLI answers of the apps as Prometheus metric families (text format 0.0.4, written by the
 * Prometheus client library): every figure is the per-app SLI answer's, unit-converted only
 * (percent to a 0-1 ratio). A figure the answer has no value for (no events in the window) has
 * no sample, as the API answers null.
 */
final class SliMetrics {

    static final String RATIO = "rampart_sli_ratio";
    static final String GOOD = "rampart_sli_good";
    static final String TOTAL = "rampart_sli_total";
    static final String LATENCY = "rampart_sli_latency_milliseconds";
    static final String BUDGET = "rampart_slo_error_budget_remaining_ratio";
    static final String APPS = "rampart_sli_export_apps";
    static final String REFRESH_SECONDS = "rampart_sli_export_refresh_duration_seconds";
    static final String REFRESHED_AT = "rampart_sli_export_refreshed_timestamp_seconds";

    /** One app's samples, by family: what is kept of its answers until the exposition is written. */
    record AppSamples(String appKey, Map<String, List<Sample>> byFamily) {
    }

    private static final List<String> FAMILIES = List.of(RATIO, GOOD, TOTAL, LATENCY, BUDGET);
    private static final List<String> LABELS = List.of("app_key", "sli", "window");
    private static final List<String> LATENCY_LABELS = List.of("app_key", "sli", "window", "quantile");

    private SliMetrics() {
    }

    /** The samples of one app's answers, keyed by window label (1h, 28d). */
    static AppSamples samples(String appKey, Map<String, SliSummary> byWindow) {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (String name : FAMILIES) {
            samples.put(name, new ArrayList<>());
        }
        byWindow.forEach((window, summary) -> {
            for (SliEntry sli : summary.slis()) {
                List<String> values = List.of(appKey, sli.id(), window);
                if (sli.quantile() != null) {
                    if (sli.value() != null) {
                        List<String> latencyValues = List.of(appKey, sli.id(), window, fraction(sli.quantile()));
                        samples.get(LATENCY).add(new Sample(LATENCY, LATENCY_LABELS, latencyValues, sli.value()));
                    }
                    continue;
                }
                if (!"%".equals(sli.unit()) || sli.total() == null || sli.total() == 0) {
                    continue;
                }
                samples.get(GOOD).add(new Sample(GOOD, LABELS, values, sli.good()));
                samples.get(TOTAL).add(new Sample(TOTAL, LABELS, values, sli.total()));
                if (sli.value() != null) {
                    samples.get(RATIO).add(new Sample(RATIO, LABELS, values, sli.value() / 100));
                }
                if (sli.slo() != null && sli.slo().errorBudgetRemaining() != null) {
                    samples.get(BUDGET).add(new Sample(BUDGET, LABELS, values, sli.slo().errorBudgetRemaining() / 100));
                }
            }
        });
        return new AppSamples(appKey, samples);
    }

    /** Writes the exposition of the apps (in the order given) to {@code out}. */
    static void write(List<AppSamples> apps, Duration refreshTook, long refreshedAtMillis, Writer out) throws IOException {
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (String name : FAMILIES) {
            List<Sample> family = new ArrayList<>();
            apps.forEach(app -> family.addAll(app.byFamily().get(name)));
            samples.put(name, family);
        }
        List<MetricFamilySamples> families = new ArrayList<>();
        families.add(gauge(RATIO, "Share of good events of a ratio SLI over the window (0-1), as the SLI API answers it",
                samples.get(RATIO)));
        families.add(gauge(GOOD, "Good events of a ratio SLI over the window", samples.get(GOOD)));
        families.add(gauge(TOTAL, "Events of a ratio SLI over the window", samples.get(TOTAL)));
        families.add(gauge(LATENCY, "Quantile of a latency SLI over the window, in milliseconds", samples.get(LATENCY)));
        families.add(gauge(BUDGET, "Share of the SLO's error budget left over the window (1 untouched, 0 spent, below 0 overspent)",
                samples.get(BUDGET)));
        families.add(gauge(APPS, "Apps in this export", List.of(new Sample(APPS, List.of(), List.of(), apps.size()))));
        families.add(gauge(REFRESH_SECONDS, "How long computing this export took",
                List.of(new Sample(REFRESH_SECONDS, List.of(), List.of(), refreshTook.toMillis() / 1000.0))));
        families.add(gauge(REFRESHED_AT, "When this export was computed (Unix seconds): its age is the figures' delay",
                List.of(new Sample(REFRESHED_AT, List.of(), List.of(), refreshedAtMillis / 1000.0))));
        TextFormat.write004(out, Collections.enumeration(families));
    }

    /** The SLI answer's quantile name (p90) as Prometheus writes quantiles (0.9). */
    static String fraction(String quantile) {
        return new BigDecimal(quantile.substring(1)).movePointLeft(2).stripTrailingZeros().toPlainString();
    }

    private static MetricFamilySamples gauge(String name, String help, List<Sample> samples) {
        return new MetricFamilySamples(name, Collector.Type.GAUGE, help, samples);
    }
}
