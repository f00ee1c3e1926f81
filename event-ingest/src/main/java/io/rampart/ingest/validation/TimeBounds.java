package io.rampart.ingest.validation;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** The times an event may carry, fixed once per request: not older than max-past, not later than max-future. */
public record TimeBounds(OffsetDateTime now, Duration maxPast, Duration maxFuture) {

    public static TimeBounds around(OffsetDateTime now, Duration maxPast, Duration maxFuture) {
        return new TimeBounds(now.withOffsetSameInstant(ZoneOffset.UTC), maxPast, maxFuture);
    }

    /** Why the time is refused, or null when it is within bounds. */
    String outside(OffsetDateTime time) {
        if (time.isBefore(now.minus(maxPast))) {
            return "must not be more than " + describe(maxPast) + " in the past";
        }
        if (time.isAfter(now.plus(maxFuture))) {
            return "must not be more than " + describe(maxFuture) + " in the future";
        }
        return null;
    }

    private static String describe(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0) {
            return duration.toDays() + " days";
        }
        if (duration.toSeconds() % 60 == 0) {
            return duration.toMinutes() + " minutes";
        }
        return duration.toSeconds() + " seconds";
    }
}
