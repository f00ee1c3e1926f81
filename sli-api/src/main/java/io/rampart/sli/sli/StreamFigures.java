package io.rampart.sli.sli;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rollups hold for one stream (PROBE or an app_event kind) over one time range: counts,
 * webhook deliveries by product and status code, and the asked quantile of its latencies.
 */
final class StreamFigures {

    /** Events of one product with one status code (0: not reached); only webhooks carry either. */
    record WebhookCount(String product, int statusCode, long total) {
    }

    static final StreamFigures NONE = new StreamFigures();

    private long total;
    private long good;
    private final List<WebhookCount> webhooks = new ArrayList<>();
    private long observations;
    private Double quantile;

    void addCounts(String product, int statusCode, long total, long good) {
        this.total += total;
        this.good += good;
        webhooks.add(new WebhookCount(product, statusCode, total));
    }

    void setQuantile(long observations, double value) {
        this.observations = observations;
        this.quantile = value;
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

    /** How many latencies were observed. */
    long observations() {
        return observations;
    }

    /** The quantile of the observed latencies, null where there were none. */
    Double quantile() {
        return quantile;
    }
}
