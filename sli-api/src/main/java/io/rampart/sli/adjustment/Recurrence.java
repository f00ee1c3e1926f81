package io.rampart.sli.adjustment;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A weekly recurrence: every occurrence has the first one's local start and end times in
 * {@code timeZone}, so across a daylight-saving change it moves by an hour in UTC; the last one
 * starts before {@code until} (none: for ever).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Recurrence(String frequency, String timeZone, Instant until) {

    public static final String WEEKLY = "weekly";
    private static final Duration WEEK = Duration.ofDays(7);

    /** The zone, or null where {@code timeZone} names none. */
    ZoneId zone() {
        try {
            return timeZone == null ? null : ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The occurrences [start, end) of a window first held [start, end) that overlap [from, to). */
    List<Exclusions.Interval> occurrences(Instant start, Instant end, Instant from, Instant to) {
        ZoneId zone = zone();
        LocalDateTime localStart = LocalDateTime.ofInstant(start, zone);
        LocalDateTime localEnd = LocalDateTime.ofInstant(end, zone);
        // Skips the weeks that end before from (less one for the daylight-saving hour).
        long week = Math.max(0, Duration.between(end, from).dividedBy(WEEK) - 1);
        List<Exclusions.Interval> occurrences = new ArrayList<>();
        while (true) {
            Instant occurrenceStart = localStart.plusWeeks(week).atZone(zone).toInstant();
            if (!occurrenceStart.isBefore(to) || until != null && !occurrenceStart.isBefore(until)) {
                return occurrences;
            }
            Instant occurrenceEnd = localEnd.plusWeeks(week).atZone(zone).toInstant();
            if (occurrenceEnd.isAfter(from)) {
                occurrences.add(new Exclusions.Interval(occurrenceStart, occurrenceEnd));
            }
            week++;
        }
    }
}
