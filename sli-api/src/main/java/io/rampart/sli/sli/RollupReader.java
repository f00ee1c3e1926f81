package io.rampart.sli.sli;

import io.smallrye.mutiny.Uni;
import io.rampart.sli.replica.ReadPool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the rollups (V30) for several time ranges of one app, or of many apps, in one statement: each range is
 * covered by whole day, hour and minute buckets ({@link WindowCover}); counts are summed by the
 * database, latency histograms merged here (a few hundred bins each, cheaper in Java than
 * unnested in SQL) into one {@link LatencyHistogram} per range and stream.
 */
@ApplicationScoped
public class RollupReader {

    /** A time range to read, [from, to), on whole minutes. */
    public record Range(Instant from, Instant to) {
    }

    private static final String QUERY = """
            with span as (
                select * from unnest($2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[])
                    as s(point, resolution, start_at, end_at)
            ),
            counted as (
                %s
            ),
            histograms as (
                %s
            )
            select app_key, point, stream, product, status_code, sum(total)::bigint as total, sum(good)::bigint as good,
                   null::int[] as latency_bins, null::bigint[] as latency_counts
            from counted group by 1, 2, 3, 4, 5
            union all
            select app_key, point, stream, null, null, null, null, latency_bins, latency_counts from histograms
            """.formatted(perResolution("r.app_key, s.point, r.stream, r.product, r.status_code, r.total, r.good", "sli_count", "true"),
            perResolution("r.app_key, s.point, r.stream, r.latency_bins, r.latency_counts", "sli_latency", "s.point < $8"));

    /** The rows of one rollup family (sli_count or sli_latency) under the spans, from each resolution's table. */
    private static String perResolution(String columns, String family, String condition) {
        return String.join("\n    union all\n", java.util.Arrays.stream(Resolution.values())
                .map(resolution -> """
                        select %s
                        from span as s join %s_%s as r
                          on r.app_key = any($1::text[]) and r.bucket >= s.start_at and r.bucket < s.end_at
                        where s.resolution = '%s' and %s and r.stream = any($7::text[])
                          and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)"""
                        .formatted(columns, family, resolution.sqlName(), resolution.sqlName(), condition))
                .toList());
    }

    private final ReadPool pool;

    public RollupReader(ReadPool pool) {
        this.pool = pool;
    }

    /**
     * Figures per range (by index) and stream.
     *
     * @param targetId       narrows PROBE to one health check target; null for all of them
     * @param quantileRanges latencies are read for the first this many ranges only
     */
    Uni<List<Map<String, StreamFigures>>> read(String appKey, List<Range> ranges, Long targetId,
            Set<String> streams, int quantileRanges) {
        return read(List.of(appKey), ranges, targetId, streams, quantileRanges)
                .map(figures -> figures.getOrDefault(appKey, none(ranges.size())));
    }

    /** Figures per app (an app without rows in any range is left out), range (by index) and stream. */
    Uni<Map<String, List<Map<String, StreamFigures>>>> read(List<String> appKeys, List<Range> ranges, Long targetId,
            Set<String> streams, int quantileRanges) {
        List<Integer> points = new ArrayList<>();
        List<String> resolutions = new ArrayList<>();
        List<java.time.OffsetDateTime> starts = new ArrayList<>();
        List<java.time.OffsetDateTime> ends = new ArrayList<>();
        for (int point = 0; point < ranges.size(); point++) {
            for (WindowCover.Span span : WindowCover.cover(ranges.get(point).from(), ranges.get(point).to())) {
                points.add(point);
                resolutions.add(span.resolution().sqlName());
                starts.add(span.start().atOffset(ZoneOffset.UTC));
                ends.add(span.end().atOffset(ZoneOffset.UTC));
            }
        }
        Tuple parameters = Tuple.from(java.util.Arrays.asList(appKeys.toArray(String[]::new), points.toArray(Integer[]::new),
                resolutions.toArray(String[]::new), starts.toArray(java.time.OffsetDateTime[]::new),
                ends.toArray(java.time.OffsetDateTime[]::new), targetId, streams.toArray(String[]::new),
                quantileRanges));
        return pool.current().preparedQuery(QUERY).execute(parameters).map(rows -> {
            Map<String, List<Map<String, StreamFigures>>> figures = new HashMap<>();
            for (Row row : rows) {
                StreamFigures stream = figures.computeIfAbsent(row.getString("app_key"), app -> none(ranges.size()))
                        .get(row.getInteger("point"))
                        .computeIfAbsent(row.getString("stream"), key -> new StreamFigures());
                if (row.getLong("total") != null) {
                    stream.addCounts(row.getString("product"), row.getInteger("status_code"),
                            row.getLong("total"), row.getLong("good"));
                } else {
                    stream.latencies().add(row.getArrayOfIntegers("latency_bins"), row.getArrayOfLongs("latency_counts"));
                }
            }
            return figures;
        });
    }

    /** No figures yet in each of this many ranges. */
    static List<Map<String, StreamFigures>> none(int ranges) {
        List<Map<String, StreamFigures>> figures = new ArrayList<>();
        for (int point = 0; point < ranges; point++) {
            figures.add(new HashMap<>());
        }
        return figures;
    }
}
