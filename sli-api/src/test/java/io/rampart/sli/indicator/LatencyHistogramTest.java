package io.rampart.sli.indicator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The merged rollup histogram's arithmetic, table by table (docs/slis.md, "Latency"). */
class LatencyHistogramTest {

    private static final double GAMMA = (1 + LatencyHistogram.RELATIVE_ACCURACY) / (1 - LatencyHistogram.RELATIVE_ACCURACY);

    /** Bins 10, 20, 30 holding 5, 4 and 1 observations: the nearest rank ceil(q * 10) picks the bin. */
    @ParameterizedTest(name = "q = {0}: bin {1}")
    @CsvSource({
            "0.01, 10",
            "0.5, 10",
            "0.51, 20",
            "0.9, 20",
            "0.91, 30",
            "0.99, 30",
            "1, 30",
    })
    void theNearestRankQuantileIsTheBinHoldingObservationCeilQn(String quantile, int bin) {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(new Integer[] {10, 20, 30}, new Long[] {5L, 4L, 1L});
        assertThat(histogram.quantile(new BigDecimal(quantile))).isEqualTo(LatencyHistogram.value(bin));
    }

    /** 2 gamma^(k-1) / (gamma + 1), gamma = 1.01 / 0.99: worked out to four places. */
    @ParameterizedTest(name = "bin {0} reads {1} ms")
    @CsvSource({
            "0, 0",
            "1, 0.99",
            "2, 1.01",
            "100, 7.1708",
            "232, 100.4946",
            "462, 9999.1665",
            "700, 1167547.1955",
    })
    void aBinReadsAsTheMiddleOfItsEdges(int bin, double expected) {
        assertThat(LatencyHistogram.value(bin)).isCloseTo(expected, within(expected * 1e-6 + 1e-4));
    }

    @Test
    void everyBinIsWithinOnePercentOfEveryValueItHolds() {
        for (int bin = 1; bin < 3_000; bin++) {
            double lower = Math.pow(GAMMA, bin - 2);
            double upper = Math.pow(GAMMA, bin - 1);
            double value = LatencyHistogram.value(bin);
            assertThat(Math.abs(value - lower) / lower).as("bin %d, lower edge", bin).isLessThanOrEqualTo(0.01 + 1e-12);
            assertThat(Math.abs(value - upper) / upper).as("bin %d, upper edge", bin).isLessThanOrEqualTo(0.01 + 1e-12);
        }
    }

    @Test
    void takingAHistogramAwayLeavesTheRest() {
        LatencyHistogram window = new LatencyHistogram();
        window.add(new Integer[] {10, 400}, new Long[] {9L, 1L});
        LatencyHistogram maintenance = new LatencyHistogram();
        maintenance.add(new Integer[] {400}, new Long[] {1L});
        window.add(maintenance, -1);
        assertThat(window.observations()).isEqualTo(9);
        assertThat(window.quantile(BigDecimal.ONE)).isEqualTo(LatencyHistogram.value(10));
    }

    @Test
    void noObservationsHaveNoQuantile() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.add(new Integer[0], new Long[0]);
        assertThat(histogram.quantile(new BigDecimal("0.9"))).isNull();
    }
}
