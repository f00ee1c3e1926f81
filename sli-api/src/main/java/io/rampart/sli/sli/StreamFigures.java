package io.rampart.sli.sli;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rollups hold for one stream (PROBE or an app_event kind) over one time range: counts,
 * webhook deliveries by product and status code, and the histogram of its latencies.
 */
final class StreamFigures {

    /** Events of one product with one status code (0: not reached); only webhooks carry either. */
    record WebhookCount(String product, int statusCode, long total) {
    }

    static final StreamFigures NONE = new StreamFigures();

    private long total;
    private long good;
    private final List<WebhookCount> webhooks = new ArrayList<>();
    private final LatencyHistogram latencies = new LatencyHistogram();

    void addCounts(String product, int statusCode, long total, long good) {
        this.total += total;
        this.good += good;
        webhooks.add(new WebhookCount(product, statusCode, total));
    }

    /** Corrects the counts by what the rollups cannot tell (probe slots seen from several locations). */
    void adjust(long totalDelta, long goodDelta) {
        total += totalDelta;
        good += goodDelta;
    }

    /**
     * Adds (sign 1) or takes away (sign -1) another range's figures: taking away the rollups of
     * the minutes inside a range leaves exactly the figures of its other minutes.
     */
    void add(StreamFigures other, int sign) {
        total += sign * other.total;
        good += sign * other.good;
        for (WebhookCount count : other.webhooks) {
            webhooks.add(new WebhookCount(count.product(), count.statusCode(), sign * count.total()));
        }
        latencies.add(other.latencies, sign);
    }

    long total() {
        return total;
    }

    /** Good events by the stream's fixed rule (not meaningful for webhooks: see {@link #webhooks()}). */
    long good() {
        return good;
    }

    List<WebhookCount> webhooks() {
        return webhooks;
    }

    LatencyHistogram latencies() {
        return latencies;
    }
}
