package io.rampart.sli.fleet;

import io.rampart.sli.indicator.Window;
import io.rampart.store.error.Refusal;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A compliance period [from, to): a UTC calendar month ({@code 2026-11}), a quarter ({@code 2026-Q4})
 * or a rolling window ending now ({@code window=28d}). The periods before it are of the same kind
 * and length, back to back. Calendar periods judge an app from its registration; a rolling
 * window reads exactly what the app's summary reads.
 */
public record Period(String name, Instant from, Instant to, boolean calendar) {

    private static final Pattern QUARTER = Pattern.compile("([0-9]{4})-Q([1-4])");

    /** The period of {@code period} or, without one, of {@code window} (default 28 days); {@code window} is a parsed window. */
    static Period parse(String period, String windowText, Window window) {
        if (period == null) {
            return new Period(windowText == null ? "28d" : windowText, window.from(), window.to(), false);
        }
        Matcher quarter = QUARTER.matcher(period);
        if (quarter.matches()) {
            YearMonth first = YearMonth.of(Integer.parseInt(quarter.group(1)), 3 * Integer.parseInt(quarter.group(2)) - 2);
            return new Period(period, start(first), start(first.plusMonths(3)), true);
        }
        YearMonth month = month("period", period);
        return new Period(period, start(month), start(month.plusMonths(1)), true);
    }

    /** A month of {@code from=2026-01}-style parameters. */
    static YearMonth month(String field, String text) {
        try {
            if (text.matches("[0-9]{4}-[0-9]{2}")) {
                return YearMonth.parse(text);
            }
        } catch (DateTimeParseException wrong) {
            // answered below
        }
        throw Refusal.invalid(field, "a UTC calendar month such as 2026-11, or a quarter such as 2026-Q4");
    }

    static Period ofMonth(YearMonth month) {
        return new Period(month.toString(), start(month), start(month.plusMonths(1)), true);
    }

    /** The period just before, of the same kind. */
    Period previous() {
        if (!calendar) {
            Duration length = Duration.between(from, to);
            return new Period(name, from.minus(length), from, false);
        }
        YearMonth first = YearMonth.from(from.atOffset(ZoneOffset.UTC));
        long months = ChronoUnit.MONTHS.between(first, YearMonth.from(to.atOffset(ZoneOffset.UTC)));
        YearMonth previous = first.minusMonths(months);
        String name = months == 1 ? previous.toString()
                : previous.getYear() + "-Q" + ((previous.getMonthValue() - 1) / 3 + 1);
        return new Period(name, start(previous), from, true);
    }

    /**
     * The window an app is judged over: the period up to the end of the current minute, from the
     * app's registration (rounded down to the minute) for calendar periods; null if nothing of it is left.
     */
    Window judged(Instant registered, Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        Instant start = from;
        if (calendar && registered.isAfter(from)) {
            start = registered.truncatedTo(ChronoUnit.MINUTES);
        }
        Instant stop = to.isAfter(end) ? end : to;
        return start.isBefore(stop) ? new Window(start, stop) : null;
    }

    private static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }
}
