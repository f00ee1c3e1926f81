package io.rampart.sli.sli;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
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
 * Reads the rollups (V30) for several time ranges of one app in one statement: each range is
 * covered by whole day, hour and minute buckets ({@link WindowCover}), counts are summed and
 * latency histograms merged per range and stream, and the quantile is the nearest rank over the
 * merged histogram: the first bin whose cumulative count reaches ceil(q * n).
 */
@ApplicationScoped
public class RollupReader {

    /** A time range to read, [from, to), on whole minutes. */
    record Range(Instant from, Instant to) {
    }

    private static final String QUERY = """
            with span as (
                select * from unnest($2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[])
                    as s(point, resolution, start_at, end_at)
            ),
            cover as materialized (
                %s
            ),
            bins as (
                select c.point, c.stream, b.bin, sum(b.n) as n
                from cover as c, unnest(c.latency_bins, c.latency_counts) as b(bin, n)
                where c.point < $8
                group by 1, 2, 3
            ),
            ranked as (
                select point, stream, bin,
                       sum(n) over (partition by point, stream order by bin) as reached,
                       sum(n) over (partition by point, stream) as observations
                from bins
            )
            select point, stream, product, status_code, sum(total)::bigint as total, sum(good)::bigint as good,
                   null::bigint as observations, null::float8 as quantile
            from cover group by 1, 2, 3, 4
            union all
            select point, stream, null, null, null, null, observations::bigint, rampart_latency_bin_value(min(bin))
            from ranked where reached >= ceil($9::text::numeric * observations)
            group by point, stream, observations
            """.formatted(String.join("\n    union all\n", java.util.Arrays.stream(Resolution.values())
            .map(resolution -> """
                    select s.point, r.stream, r.product, r.status_code, r.total, r.good, r.latency_bins, r.latency_counts
                    from span as s join sli_rollup_%s as r
                      on r.app_key = $1 and r.bucket >= s.start_at and r.bucket < s.end_at
                    where s.resolution = '%s' and r.stream = any($7::text[])
                      and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)"""
                    .formatted(resolution.sqlName(), resolution.sqlName()))
            .toList()));

    private final Pool pool;

    public RollupReader(Pool pool) {
        this.pool = pool;
    }

    /**
     * Figures per range (by index) and stream.
     *
     * @param targetId       narrows PROBE to one health check target; null for all of them
     * @param quantileRanges the quantile is computed for the first this many ranges only
     */
    Uni<List<Map<String, StreamFigures>>> read(String appKey, List<Range> ranges, Long targetId,
            Set<String> streams, int quantileRanges, Quantile quantile) {
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
        Tuple parameters = Tuple.from(java.util.Arrays.asList(appKey, points.toArray(Integer[]::new),
                resolutions.toArray(String[]::new), starts.toArray(java.time.OffsetDateTime[]::new),
                ends.toArray(java.time.OffsetDateTime[]::new), targetId, streams.toArray(String[]::new),
                quantileRanges, quantile.fraction().toPlainString()));
        return pool.preparedQuery(QUERY).execute(parameters).map(rows -> {
            List<Map<String, StreamFigures>> figures = new ArrayList<>();
            for (int point = 0; point < ranges.size(); point++) {
                figures.add(new HashMap<>());
            }
            for (Row row : rows) {
                StreamFigures stream = figures.get(row.getInteger("point"))
                        .computeIfAbsent(row.getString("stream"), key -> new StreamFigures());
                if (row.getLong("total") != null) {
                    stream.addCounts(row.getString("product"), row.getInteger("status_code"),
                            row.getLong("total"), row.getLong("good"));
                } else {
                    stream.setQuantile(row.getLong("observations"), row.getDouble("quantile"));
                }
            }
            return figures;
        });
    }
}
