package io.rampart.sli.indicator;

import io.rampart.sli.slo.EventCounts;

import io.rampart.store.event.Product;
import io.rampart.store.sli.SliId;
import io.rampart.store.sli.WebhookPolicy;

import java.util.Map;
import java.util.Set;

/**
 * The one place that turns rollup figures into the value of each SLI (docs/slis.md defines them):
 * ratios are sum(good) / sum(total) in percent, latencies the asked quantile (nearest rank over
 * the merged histogram, {@link LatencyHistogram}), and a time range
 * without events has no value (null), never 100 %.
 */
final class SliReadings {

    static final String PROBE = "PROBE";
    static final String IFRAME_HOST = "IFRAME_HOST";
    static final String IFRAME_APP = "IFRAME_APP";
    static final String SYNTHETIC = "SYNTHETIC";
    static final String LIFECYCLE = "LIFECYCLE";
    static final String WEBHOOK = "WEBHOOK";
    static final Set<String> ALL_STREAMS = Set.of(PROBE, IFRAME_HOST, IFRAME_APP, SYNTHETIC, LIFECYCLE, WEBHOOK);

    /** What an answer shows of one SLI over one range; fields an SLI does not carry are null. */
    record Reading(Double value, Long good, Long total, Long count) {
    }

    private SliReadings() {
    }

    /**
     * Ratios: value, good, total. Latencies: value, count (observations). Counts: value (failures,
     * null without events), count (failures) and total (events).
     */
    static Reading reading(SliId sli, Map<String, StreamTotals> figures, ReadRules rules, Quantile quantile) {
        Double value = value(sli, figures, rules, quantile);
        return switch (sli.measure()) {
            case RATIO -> {
                EventCounts counts = counts(sli, figures, rules);
                yield new Reading(value, counts.good(), counts.total(), null);
            }
            case LATENCY -> new Reading(value, null, null,
                    figures.getOrDefault(stream(sli), StreamTotals.NONE).latencies().observations());
            case COUNT -> {
                EventCounts counts = counts(sli, figures, rules);
                yield new Reading(value, null, counts.total(), counts.bad());
            }
        };
    }

    /** The streams an SLI is computed from. */
    static Set<String> streams(SliId sli) {
        return sli == SliId.IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE ? Set.of(IFRAME_APP, IFRAME_HOST) : Set.of(stream(sli));
    }

    /** Good and total of a ratio or count SLI over one range. */
    static EventCounts counts(SliId sli, Map<String, StreamTotals> figures, ReadRules rules) {
        return switch (sli) {
            // The app server's figure wherever the app sent any in the range, else the host's.
            case IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE -> figures.getOrDefault(IFRAME_APP, StreamTotals.NONE).total() > 0
                    ? counts(SliId.IFRAME_LOAD_SUCCESS_RATE_APP_SERVER, figures, rules)
                    : counts(SliId.IFRAME_LOAD_SUCCESS_RATE, figures, rules);
            case WEBHOOK_DELIVERY_SUCCESS_RATE -> webhookCounts(figures.getOrDefault(WEBHOOK, StreamTotals.NONE), rules.webhook());
            case AVAILABILITY_SUCCESS_RATE -> {
                StreamTotals probes = figures.getOrDefault(PROBE, StreamTotals.NONE);
                yield new EventCounts(probes.good(rules.availability()), probes.total());
            }
            case LIFECYCLE_SUCCESS_RATE, LIFECYCLE_FAILURE_COUNT -> {
                yield figures.getOrDefault(LIFECYCLE, StreamTotals.NONE).goodAndTotal(rules.lifecycle());
            }
            default -> {
                StreamTotals stream = figures.getOrDefault(stream(sli), StreamTotals.NONE);
                yield new EventCounts(stream.good(), stream.total());
            }
        };
    }

    /** The value of an SLI over one range: percent, quantile in ms, or number of failures; null without events. */
    static Double value(SliId sli, Map<String, StreamTotals> figures, ReadRules rules, Quantile quantile) {
        return switch (sli.measure()) {
            case RATIO -> counts(sli, figures, rules).percent();
            case LATENCY -> figures.getOrDefault(stream(sli), StreamTotals.NONE).latencies().quantile(quantile.fraction());
            case COUNT -> {
                EventCounts counts = counts(sli, figures, rules);
                yield counts.total() == 0 ? null : (double) counts.bad();
            }
        };
    }

    private static EventCounts webhookCounts(StreamTotals webhooks, WebhookPolicy policy) {
        long good = 0;
        for (StreamTotals.KeyedCount count : webhooks.keyed()) {
            Product product = java.util.Arrays.stream(Product.values())
                    .filter(known -> known.name().equalsIgnoreCase(count.product())).findFirst().orElse(null);
            if (policy.isGood(product, count.statusCode() == 0 ? null : count.statusCode())) {
                good += count.total();
            }
        }
        return new EventCounts(good, webhooks.total());
    }

    private static String stream(SliId sli) {
        return switch (sli) {
            case AVAILABILITY_SUCCESS_RATE, AVAILABILITY_LATENCY -> PROBE;
            case IFRAME_LOAD_SUCCESS_RATE, IFRAME_LOAD_LATENCY -> IFRAME_HOST;
            case IFRAME_LOAD_SUCCESS_RATE_APP_SERVER, IFRAME_LOAD_LATENCY_APP_SERVER -> IFRAME_APP;
            case LIFECYCLE_SUCCESS_RATE, LIFECYCLE_FAILURE_COUNT, LIFECYCLE_LATENCY -> LIFECYCLE;
            case WEBHOOK_DELIVERY_SUCCESS_RATE, WEBHOOK_LATENCY -> WEBHOOK;
            case SYNTHETIC_CHECK_SUCCESS_RATE_APP_SERVER, SYNTHETIC_CHECK_LATENCY_APP_SERVER -> SYNTHETIC;
            case IFRAME_LOAD_SUCCESS_RATE_EFFECTIVE -> throw new IllegalArgumentException("derived from two streams");
        };
    }
}
