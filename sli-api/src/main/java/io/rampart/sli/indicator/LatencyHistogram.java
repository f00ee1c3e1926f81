package io.rampart.sli.indicator;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * Latencies merged from rollup histograms. The bins are made by rampart_latency_bin (V30): bin 0
 * holds 0 ms, bin k >= 1 the values in (gamma^(k-2), gamma^(k-1)] with gamma = (1 + a) / (1 - a),
 * a = 1 %. A bin reads as 2 gamma^(k-1) / (gamma + 1), within a of every value in it, so the
 * nearest-rank quantile read here is within 1 % of the exact one (docs/slis.md).
 */
final class LatencyHistogram {

    static final double RELATIVE_ACCURACY = 0.01;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);

    private long[] counts = new long[0];
    private long observations;

    /** Adds one stored histogram: ascending bins and the number of observations in each. */
    void add(Integer[] bins, Long[] binCounts) {
        if (bins.length == 0) {
            return;
        }
        int highest = bins[bins.length - 1];
        if (highest >= counts.length) {
            counts = Arrays.copyOf(counts, Math.max(highest + 1, counts.length * 2));
        }
        for (int i = 0; i < bins.length; i++) {
            counts[bins[i]] += binCounts[i];
            observations += binCounts[i];
        }
    }

    /** Adds (sign 1) or takes away (sign -1) the observations of another histogram, bin by bin. */
    void add(LatencyHistogram other, int sign) {
        if (other.counts.length > counts.length) {
            counts = Arrays.copyOf(counts, other.counts.length);
        }
        for (int bin = 0; bin < other.counts.length; bin++) {
            counts[bin] += sign * other.counts[bin];
        }
        observations += sign * other.observations;
    }

    long observations() {
        return observations;
    }

    /** The nearest-rank quantile: the value of the bin holding observation ceil(q * n); null without observations. */
    Double quantile(BigDecimal fraction) {
        if (observations == 0) {
            return null;
        }
        long rank = Math.max(1, fraction.multiply(BigDecimal.valueOf(observations)).setScale(0, RoundingMode.CEILING).longValueExact());
        long reached = 0;
        for (int bin = 0; bin < counts.length; bin++) {
            reached += counts[bin];
            if (reached >= rank) {
                return value(bin);
            }
        }
        throw new IllegalStateException("rank beyond the observations");
    }

    static double value(int bin) {
        return bin <= 0 ? 0 : 2 * Math.pow(GAMMA, bin - 1) / (GAMMA + 1);
    }
}
