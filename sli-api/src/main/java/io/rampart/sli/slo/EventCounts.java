package io.rampart.sli.slo;

/** Good and total events behind a ratio, a count or a burn rate. */
public record EventCounts(long good, long total) {

    public static final EventCounts NONE = new EventCounts(0, 0);

    /** The share of good events in percent; null without events. */
    public Double percent() {
        return total == 0 ? null : 100.0 * good / total;
    }

    public long bad() {
        return total - good;
    }
}
