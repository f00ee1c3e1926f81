package io.rampart.sli.slo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Error budgets and the SRE workbook's burn-rate alerts as plain arithmetic, table by table (docs/slis.md, "SLOs"). */
class SloCalculatorTest {

    private final SloCalculator calculator = new SloCalculator(null);

    @ParameterizedTest(name = "target {0} %, {1} bad of {2}: burn rate {3}")
    @CsvSource({
            "99.9, 0, 1000, 0",
            "99.9, 1, 1000, 1",
            "99.9, 10, 1000, 10",
            "99, 1, 100, 1",
            "99.5, 144, 2000, 14.4",
            "95, 1000, 1000, 20",
    })
    void theBurnRateIsTheErrorRateOverTheAllowedOne(double target, long bad, long total, double expected) {
        assertThat(SloCalculator.burnRate(target, bad, total)).isCloseTo(expected, within(1e-9));
    }

    @Test
    void noEventsBurnNothingAndSpendNoBudget() {
        assertThat(SloCalculator.burnRate(99.9, 0, 0)).isNull();
        SloStatus status = calculator.status(99.9, 0, 0, windows(0, 0));
        assertThat(status.errorBudgetRemaining()).isNull();
        assertThat(status.alerts()).noneMatch(BurnRateAlert::firing);
    }

    @ParameterizedTest(name = "target {0} %, {1} bad of {2}: {3} % of the budget left")
    @CsvSource({
            "99.9, 0, 1000, 100",
            "99.9, 1, 2000, 50",
            "99.9, 1, 1000, 0",
            "99.9, 3, 1000, -200",
            "99, 25, 10000, 75",
    })
    void theBudgetLeftIsOneMinusTheBurnRateOverTheWindow(double target, long bad, long total, double left) {
        assertThat(calculator.status(target, bad, total, windows(0, 1)).errorBudgetRemaining()).isCloseTo(left, within(1e-9));
    }

    /**
     * One burn rate in every window: an alert fires when both its windows reach its threshold
     * (14.4 and 6 page, 3 and 1 open a ticket).
     */
    @ParameterizedTest(name = "burn rate {0}: fast page {1}, slow page {2}, fast ticket {3}, slow ticket {4}")
    @CsvSource({
            "0.5, false, false, false, false",
            "1, false, false, false, true",
            "3, false, false, true, true",
            "6, false, true, true, true",
            "14.4, true, true, true, true",
    })
    void eachAlertFiresAtItsThreshold(double burnRate, boolean fastPage, boolean slowPage, boolean fastTicket,
            boolean slowTicket) {
        long total = 100_000;
        long bad = Math.round(burnRate * total * 0.001);
        SloStatus status = calculator.status(99.9, bad, total, windows(bad, total));
        assertThat(status.alerts()).extracting(BurnRateAlert::firing).containsExactly(fastPage, slowPage, fastTicket, slowTicket);
    }

    @Test
    void anAlertNeedsBothItsWindows() {
        Map<BurnRateWindow, EventCounts> windows = windows(0, 100_000);
        windows.put(BurnRateWindow.H1, new EventCounts(98_000, 100_000));
        assertThat(calculator.status(99.9, 0, 100_000, windows).alerts()).noneMatch(BurnRateAlert::firing);
        windows.put(BurnRateWindow.M5, new EventCounts(98_000, 100_000));
        assertThat(calculator.status(99.9, 0, 100_000, windows).alerts()).extracting(BurnRateAlert::firing)
                .containsExactly(true, false, false, false);
    }

    private static Map<BurnRateWindow, EventCounts> windows(long bad, long total) {
        Map<BurnRateWindow, EventCounts> windows = new EnumMap<>(BurnRateWindow.class);
        for (BurnRateWindow window : BurnRateWindow.values()) {
            windows.put(window, new EventCounts(total - bad, total));
        }
        return windows;
    }
}
