package io.rampart.ingest.aggregate;

import io.rampart.store.event.EventKind;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * One minute of one app's host events of one type, counted by the host: how many per outcome
 * (the rollups' product and status code, and whether each counts as good) and how many per
 * latency bin (the published scheme, docs/slis.md). Idempotent per (app, minute, type, key).
 */
record HostAggregate(String appKey, OffsetDateTime minute, EventKind stream, String idempotencyKey,
        List<OutcomeCount> outcomes, List<BinCount> latency) {

    /** Events of one rollup key: the webhook's product ("" otherwise) and status code (0 where not kept). */
    record OutcomeCount(String product, int statusCode, long total, long good) {
    }

    record BinCount(int bin, long count) {
    }

    /** One rollup cell: as the raw path's statement builds them (V30 rampart_rollup_cell). */
    record Cell(String product, int statusCode, int bin, long total, long good) {
    }

    /**
     * Cells whose sums by outcome and by bin are the aggregate's: the rollups keep counts by
     * outcome and histograms by bin apart, so any split of the outcomes over the bins with these
     * margins stores what the raw events would (the north-west corner rule: fill in order).
     * The outcomes' and the bins' totals are equal (validated).
     */
    List<Cell> cells() {
        List<Cell> cells = new ArrayList<>();
        int b = 0;
        long binLeft = latency.get(0).count();
        for (OutcomeCount outcome : outcomes) {
            long left = outcome.total();
            long goodLeft = outcome.good();
            while (left > 0) {
                while (binLeft == 0) {
                    binLeft = latency.get(++b).count();
                }
                long n = Math.min(left, binLeft);
                long good = Math.min(n, goodLeft);
                cells.add(new Cell(outcome.product(), outcome.statusCode(), latency.get(b).bin(), n, good));
                left -= n;
                binLeft -= n;
                goodLeft -= good;
            }
        }
        return cells;
    }
}
