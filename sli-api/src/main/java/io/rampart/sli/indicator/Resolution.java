package io.rampart.sli.indicator;

import java.time.Duration;
import java.time.Instant;

/** The bucket sizes of the rollup tables (UTC-aligned), coarsest last. */
public enum Resolution {
    MINUTE(Duration.ofMinutes(1)), HOUR(Duration.ofHours(1)), DAY(Duration.ofDays(1));

    private final long seconds;

    Resolution(Duration size) {
        this.seconds = size.toSeconds();
    }

    /** The value that names it in the query: also the suffix of its tables, sli_count_minute etc. */
    public String sqlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    Instant floor(Instant instant) {
        return Instant.ofEpochSecond(Math.floorDiv(instant.getEpochSecond(), seconds) * seconds);
    }

    Instant ceil(Instant instant) {
        Instant floor = floor(instant);
        return floor.equals(instant) ? floor : floor.plusSeconds(seconds);
    }

    Resolution finer() {
        return values()[ordinal() - 1];
    }
}
