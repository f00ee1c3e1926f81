package io.rampart.sli.indicator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Covers a minute-aligned time range with the fewest rollup buckets: whole days in the middle,
 * whole hours next to them, minutes at the edges. A 28-day window is read from at most about
 * 28 day, 46 hour and 118 minute buckets per stream, whatever the number of events.
 */
public final class WindowCover {

    /** A run of whole buckets of one resolution: [start, end). */
    public record Span(Resolution resolution, Instant start, Instant end) {
    }

    private WindowCover() {
    }

    public static List<Span> cover(Instant from, Instant to) {
        if (!Resolution.MINUTE.floor(from).equals(from) || !Resolution.MINUTE.floor(to).equals(to)) {
            throw new IllegalArgumentException("a covered range starts and ends on whole minutes");
        }
        List<Span> spans = new ArrayList<>();
        cover(from, to, Resolution.DAY, spans);
        return spans;
    }

    private static void cover(Instant from, Instant to, Resolution resolution, List<Span> spans) {
        if (!from.isBefore(to)) {
            return;
        }
        if (resolution == Resolution.MINUTE) {
            spans.add(new Span(resolution, from, to));
            return;
        }
        Instant start = resolution.ceil(from);
        Instant end = resolution.floor(to);
        if (start.isBefore(end)) {
            cover(from, start, resolution.finer(), spans);
            spans.add(new Span(resolution, start, end));
            cover(end, to, resolution.finer(), spans);
        } else {
            cover(from, to, resolution.finer(), spans);
        }
    }
}
