package io.rampart.sli.indicator;

import io.rampart.sli.slo.EventCounts;

import io.rampart.store.event.LifecycleKind;
import io.rampart.store.sli.AvailabilityPolicy;
import io.rampart.store.sli.LifecycleScope;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rollups hold for one stream (PROBE or an app_event kind) over one time range: counts,
 * split by product (webhooks) or kind (lifecycle) and status code, and the histogram of its latencies.
 */
final class StreamTotals {

    /**
     * Events of one product or lifecycle kind with one status code (0: not reached, or for probes
     * no answer within the timeout), and how many were good by the stream's fixed rule.
     */
    record KeyedCount(String product, int statusCode, long total, long good) {
    }

    static final StreamTotals NONE = new StreamTotals();

    private long total;
    private long good;
    private final List<KeyedCount> keyed = new ArrayList<>();
    private final LatencyHistogram latencies = new LatencyHistogram();

    void addCounts(String product, int statusCode, long total, long good) {
        this.total += total;
        this.good += good;
        keyed.add(new KeyedCount(product, statusCode, total, good));
    }

    /** Corrects the counts by what the rollups cannot tell (probe slots seen from several locations). */
    void adjust(long totalDelta, long goodDelta) {
        total += totalDelta;
        good += goodDelta;
    }

    /**
     * Adds (sign 1) or takes away (sign -1) another range's figures: taking away the rollups of
     * the minutes inside a range leaves exactly the figures of its other minutes.
     */
    void add(StreamTotals other, int sign) {
        total += sign * other.total;
        good += sign * other.good;
        for (KeyedCount count : other.keyed) {
            keyed.add(new KeyedCount(count.product(), count.statusCode(), sign * count.total(), sign * count.good()));
        }
        latencies.add(other.latencies, sign);
    }

    long total() {
        return total;
    }

    /** Good events by the stream's fixed rule (not meaningful for webhooks: see {@link #keyed()}). */
    long good() {
        return good;
    }

    /**
     * Good probes under an availability policy: the fixed rule's (200 within the timeout, and the
     * probe-location correction) and, under {@code 2xx}, the other 2xx answers within the timeout.
     */
    long good(AvailabilityPolicy policy) {
        long answered = 0;
        for (KeyedCount count : keyed) {
            if (count.statusCode() != 200 && count.statusCode() != 0 && policy.isGoodAnswer(count.statusCode())) {
                answered += count.total();
            }
        }
        return good + answered;
    }

    /** Good and total lifecycle callbacks in a scope (a callback of no known kind counts under {@code all} only). */
    EventCounts goodAndTotal(LifecycleScope scope) {
        if (scope == LifecycleScope.ALL) {
            return new EventCounts(good, total);
        }
        long scopedGood = 0;
        long scopedTotal = 0;
        for (KeyedCount count : keyed) {
            if (scope.counts(kind(count.product()))) {
                scopedGood += count.good();
                scopedTotal += count.total();
            }
        }
        return new EventCounts(scopedGood, scopedTotal);
    }

    private static LifecycleKind kind(String stored) {
        for (LifecycleKind kind : LifecycleKind.values()) {
            if (kind.name().equals(stored)) {
                return kind;
            }
        }
        return null;
    }

    List<KeyedCount> keyed() {
        return keyed;
    }

    LatencyHistogram latencies() {
        return latencies;
    }
}
