package io.rampart.sli.indicator;

import io.rampart.sli.replica.ReadPool;
import io.rampart.store.sli.AvailabilityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Probe locations in the availability figures (docs/slis.md, "Probe locations and the quorum
 * rule"): a slot probed from several locations counts once, by the app's quorum rule, and
 * {@code ?location=} narrows the availability success rate to one location's results. The rollups
 * count every probe result; this corrects their PROBE counts per range, from the database's
 * definitions (V150), and leaves them untouched where the app can have one location only.
 */
@ApplicationScoped
public class ProbeQuorumRepository {

    /** Per app and range: the correction of the per-probe counts (zeros unless the app has several locations). */
    private static final String QUORUM = """
            select a.app_key, r.point, c.results, c.good_results, c.slots, c.good_slots
            from unnest($1::text[], $4::text[]) as a(app_key, policy),
                 unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as r(from_at, to_at, point),
                 lateral rampart_probe_quorum_correction(a.app_key, r.from_at, r.to_at, a.policy) as c""";

    /** Per range: one location's slots of the app and how many were good. */
    private static final String ONE_LOCATION = """
            select r.point, c.good, c.total
            from unnest($2::timestamptz[], $3::timestamptz[]) with ordinality as r(from_at, to_at, point),
                 lateral rampart_probe_slot_counts($1, r.from_at, r.to_at, $4, $5) as c""";

    private final ReadPool pool;

    public ProbeQuorumRepository(ReadPool pool) {
        this.pool = pool;
    }

    /**
     * Makes the PROBE counts of each range (figures by range index, as RollupRepository answers them)
     * count slots by their quorum verdict, or, with a location, that location's slots alone, each
     * probe judged by the availability policy the answer applies.
     */
    Uni<List<Map<String, StreamTotals>>> apply(String appKey, List<RollupRepository.Range> ranges, String location,
            List<Map<String, StreamTotals>> figures, AvailabilityPolicy policy) {
        if (location == null) {
            Map<String, RollupRepository.Figures> byApp = new HashMap<>(Map.of(appKey, new RollupRepository.Figures(figures, List.of())));
            return applyQuorum(List.of(appKey), ranges, byApp, Map.of(appKey, policy)).replaceWith(figures);
        }
        return pool.current().preparedQuery(ONE_LOCATION)
                .execute(Tuple.of(appKey, froms(ranges), tos(ranges), location, policy.wireValue()))
                .map(rows -> {
                    for (Row row : rows) {
                        StreamTotals probes = probes(figures, row);
                        probes.adjust(row.getLong("total") - probes.total(), row.getLong("good") - probes.good(policy));
                    }
                    return figures;
                });
    }

    /**
     * {@link #apply} without a location for many apps at once (figures by app key, as RollupRepository
     * answers them; an app without figures gets them where its correction is not zero), each app's
     * probes judged by its availability policy.
     */
    Uni<Map<String, RollupRepository.Figures>> applyQuorum(List<String> appKeys,
            List<RollupRepository.Range> ranges, Map<String, RollupRepository.Figures> figures,
            Map<String, AvailabilityPolicy> policies) {
        return pool.current().preparedQuery(QUORUM).execute(Tuple.of(appKeys.toArray(String[]::new), froms(ranges), tos(ranges),
                        appKeys.stream().map(app -> policies.get(app).wireValue()).toArray(String[]::new)))
                .map(rows -> {
                    for (Row row : rows) {
                        long slots = row.getLong("slots") - row.getLong("results");
                        long good = row.getLong("good_slots") - row.getLong("good_results");
                        if (slots != 0 || good != 0) {
                            probes(figures.computeIfAbsent(row.getString("app_key"),
                                    app -> RollupRepository.none(ranges.size(), 0)).ranges(), row).adjust(slots, good);
                        }
                    }
                    return figures;
                });
    }

    private static StreamTotals probes(List<Map<String, StreamTotals>> figures, Row row) {
        return figures.get(row.getLong("point").intValue() - 1).computeIfAbsent(SliReadings.PROBE, stream -> new StreamTotals());
    }

    private static OffsetDateTime[] froms(List<RollupRepository.Range> ranges) {
        return ranges.stream().map(range -> range.from().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
    }

    private static OffsetDateTime[] tos(List<RollupRepository.Range> ranges) {
        return ranges.stream().map(range -> range.to().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
    }
}
