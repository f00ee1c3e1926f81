package io.rampart.sli.indicator;

import io.rampart.store.error.Refusal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time range [from, to) of a query, on whole minutes (UTC): {@code window=28d} ends now (the
 * current minute included), {@code from}/{@code to} are ISO-8601 instants rounded down to the minute.
 */
public record Window(Instant from, Instant to) {

    private static final Pattern LENGTH = Pattern.compile("([1-9][0-9]{0,5})([mhd])");
    /** Four-digit years only: PostgreSQL's timestamps end in 294276, Java's instants go on (and answered 500). */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public static Window parse(String window, String from, String to, Duration defaultLength, int maxDays, Instant now) {
        if (window != null && from != null) {
            throw Refusal.invalid("window", "give either window or from, not both");
        }
        Instant end = to == null ? Resolution.MINUTE.ceil(now) : Resolution.MINUTE.floor(instant("to", to));
        Instant start = from != null ? Resolution.MINUTE.floor(instant("from", from))
                : end.minus(window == null ? defaultLength : length("window", window));
        if (!start.isBefore(end)) {
            throw Refusal.invalid("from", "must be at least a minute before to");
        }
        if (Duration.between(start, end).compareTo(Duration.ofDays(maxDays)) > 0) {
            throw Refusal.invalid(from != null ? "from" : "window", "at most " + maxDays + " days");
        }
        return new Window(start, end);
    }

    /** A length written as a whole number of minutes, hours or days: 5m, 1h, 28d. */
    static Duration length(String field, String text) {
        Matcher matcher = LENGTH.matcher(text);
        if (!matcher.matches()) {
            throw Refusal.invalid(field, "a whole number of m, h or d, such as 5m, 1h, 28d");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static Instant instant(String field, String text) {
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw Refusal.invalid(field, "an ISO-8601 instant such as 2026-01-31T00:00:00Z");
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw Refusal.invalid(field, "an instant of the years 0001 to 9999");
        }
        return instant;
    }
}
