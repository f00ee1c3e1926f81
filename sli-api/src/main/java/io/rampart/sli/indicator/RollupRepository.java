package io.rampart.sli.indicator;

import io.rampart.sli.adjustment.Exclusions;
import io.rampart.sli.replica.ReadPool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
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
 * unnested in SQL) into one {@link LatencyHistogram} per range and stream. The minutes that
 * adjustments leave out are read in the same statement, group by group (covered the same way,
 * so a whole excluded hour is one bucket), for the caller to subtract.
 */
@ApplicationScoped
public class RollupRepository {

    /** A time range to read, [from, to), on whole minutes. */
    public record Range(Instant from, Instant to) {
    }

    /**
     * What the rollups hold per range (by index) and stream, and what each exclusion group (by
     * index) holds of it per range and stream.
     */
    record Figures(List<Map<String, StreamTotals>> ranges, List<List<Map<String, StreamTotals>>> excluded) {
    }

    /**
     * Answers of more rows than this are merged on a worker thread: a fleet's thousands of apps give
     * hundreds of thousands, whose merge would hold the event loop (and every other request) for
     * as long; one app's few hundred are merged where they arrive.
     */
    private static final int MERGED_ON_A_WORKER_ABOVE_ROWS = 2_000;

    /** The group of the spans read whole, in the statement's grp column. */
    private static final int WHOLE = -1;

    /**
     * Every app's figures of the ranges and each app's figures of its excluded minutes ($1 app keys; $2..$5,
     * $9..$11 the spans: point, resolution, start, end, group, target, app; $6 the PROBE target or null;
     * $7 the streams; $8 latencies for the points below it): counts summed per range and stream, latency
     * histograms as stored, from the minute, hour and day tables of sli_count and sli_latency, one
     * branch per table and per kind of span (a fleet with a platform fault looks each app's excluded
     * minutes up once, not every app's for each).
     */
    private static final String QUERY = """
            with span as (
                -- grp -1: the range itself, of every app; grp >= 0: the minutes an exclusion group of one
                -- app (app_key) leaves out of it, of one health check target where target_id is set
                select * from unnest($2::int[], $3::text[], $4::timestamptz[], $5::timestamptz[], $9::int[], $10::bigint[],
                                     $11::text[])
                    as s(point, resolution, start_at, end_at, grp, target_id, app_key)
            ),
            counted as (
                -- minute buckets of the ranges of every app
                select r.app_key, s.point, s.grp, r.stream, r.product, r.status_code, r.total, r.good
                from span as s join sli_count_minute as r
                  on r.app_key = any($1::text[]) and s.app_key is null and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'minute' and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- minute buckets of each app's excluded minutes
                select r.app_key, s.point, s.grp, r.stream, r.product, r.status_code, r.total, r.good
                from span as s join sli_count_minute as r
                  on r.app_key = s.app_key and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'minute' and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- hour buckets of the ranges of every app
                select r.app_key, s.point, s.grp, r.stream, r.product, r.status_code, r.total, r.good
                from span as s join sli_count_hour as r
                  on r.app_key = any($1::text[]) and s.app_key is null and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'hour' and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- hour buckets of each app's excluded minutes
                select r.app_key, s.point, s.grp, r.stream, r.product, r.status_code, r.total, r.good
                from span as s join sli_count_hour as r
                  on r.app_key = s.app_key and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'hour' and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- day buckets of the ranges of every app
                select r.app_key, s.point, s.grp, r.stream, r.product, r.status_code, r.total, r.good
                from span as s join sli_count_day as r
                  on r.app_key = any($1::text[]) and s.app_key is null and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'day' and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- day buckets of each app's excluded minutes
                select r.app_key, s.point, s.grp, r.stream, r.product, r.status_code, r.total, r.good
                from span as s join sli_count_day as r
                  on r.app_key = s.app_key and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'day' and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
            ),
            histograms as (
                -- minute buckets of the ranges of every app
                select r.app_key, s.point, s.grp, r.stream, r.latency_bins, r.latency_counts
                from span as s join sli_latency_minute as r
                  on r.app_key = any($1::text[]) and s.app_key is null and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'minute' and s.point < $8 and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- minute buckets of each app's excluded minutes
                select r.app_key, s.point, s.grp, r.stream, r.latency_bins, r.latency_counts
                from span as s join sli_latency_minute as r
                  on r.app_key = s.app_key and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'minute' and s.point < $8 and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- hour buckets of the ranges of every app
                select r.app_key, s.point, s.grp, r.stream, r.latency_bins, r.latency_counts
                from span as s join sli_latency_hour as r
                  on r.app_key = any($1::text[]) and s.app_key is null and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'hour' and s.point < $8 and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- hour buckets of each app's excluded minutes
                select r.app_key, s.point, s.grp, r.stream, r.latency_bins, r.latency_counts
                from span as s join sli_latency_hour as r
                  on r.app_key = s.app_key and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'hour' and s.point < $8 and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- day buckets of the ranges of every app
                select r.app_key, s.point, s.grp, r.stream, r.latency_bins, r.latency_counts
                from span as s join sli_latency_day as r
                  on r.app_key = any($1::text[]) and s.app_key is null and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'day' and s.point < $8 and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
                union all
                -- day buckets of each app's excluded minutes
                select r.app_key, s.point, s.grp, r.stream, r.latency_bins, r.latency_counts
                from span as s join sli_latency_day as r
                  on r.app_key = s.app_key and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'day' and s.point < $8 and r.stream = any($7::text[])
                  and (r.stream <> 'PROBE' or $6::bigint is null or r.target_id = $6)
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)
            )
            select app_key, point, grp, stream, product, status_code, sum(total)::bigint as total, sum(good)::bigint as good,
                   null::int[] as latency_bins, null::bigint[] as latency_counts
            from counted group by 1, 2, 3, 4, 5, 6
            union all
            select app_key, point, grp, stream, null, null, null, null, latency_bins, latency_counts from histograms
            """;

    private final ReadPool pool;
    private final Vertx vertx;

    public RollupRepository(ReadPool pool, Vertx vertx) {
        this.pool = pool;
        this.vertx = vertx;
    }

    /**
     * Figures per range and stream, and per exclusion group, range and stream.
     *
     * @param targetId       narrows PROBE to one health check target; null for all of them
     * @param quantileRanges latencies are read for the first this many ranges only
     * @param groups         the minutes adjustments leave out, read apart for each group
     */
    Uni<Figures> read(String appKey, List<Range> ranges, Long targetId, Set<String> streams, int quantileRanges,
            List<Exclusions.Group> groups) {
        return read(List.of(appKey), ranges, targetId, streams, quantileRanges, Map.of(appKey, groups))
                .map(figures -> figures.getOrDefault(appKey, none(ranges.size(), groups.size())));
    }

    /**
     * The figures of many apps by app key, each less the minutes of its own exclusion groups (an app
     * without rows in any range and without groups is left out): what the fleet reads over
     * thousands of apps in one statement.
     *
     * @param groups the exclusion groups of the apps that have any, by app key
     */
    Uni<Map<String, Figures>> read(List<String> appKeys, List<Range> ranges, Long targetId, Set<String> streams,
            int quantileRanges, Map<String, List<Exclusions.Group>> groups) {
        Spans spans = new Spans();
        for (int point = 0; point < ranges.size(); point++) {
            Range range = ranges.get(point);
            spans.add(point, WHOLE, null, null, range.from(), range.to());
            for (Map.Entry<String, List<Exclusions.Group>> app : groups.entrySet()) {
                for (int group = 0; group < app.getValue().size(); group++) {
                    for (Exclusions.Interval interval : app.getValue().get(group).intervals()) {
                        Instant from = interval.from().isBefore(range.from()) ? range.from() : interval.from();
                        Instant to = interval.to().isAfter(range.to()) ? range.to() : interval.to();
                        if (from.isBefore(to)) {
                            spans.add(point, group, app.getValue().get(group).targetId(), app.getKey(), from, to);
                        }
                    }
                }
            }
        }
        return execute(appKeys, spans, ranges.size(), targetId, streams, quantileRanges, groups);
    }

    private Uni<Map<String, Figures>> execute(List<String> appKeys, Spans spans, int ranges, Long targetId,
            Set<String> streams, int quantileRanges, Map<String, List<Exclusions.Group>> groups) {
        Tuple parameters = Tuple.from(java.util.Arrays.asList(appKeys.toArray(String[]::new), spans.points.toArray(Integer[]::new),
                spans.resolutions.toArray(String[]::new), spans.starts.toArray(java.time.OffsetDateTime[]::new),
                spans.ends.toArray(java.time.OffsetDateTime[]::new), targetId, streams.toArray(String[]::new),
                quantileRanges, spans.groups.toArray(Integer[]::new), spans.targets.toArray(Long[]::new),
                spans.appKeys.toArray(String[]::new)));
        return pool.current().preparedQuery(QUERY).execute(parameters).chain(rows -> rows.size() > MERGED_ON_A_WORKER_ABOVE_ROWS
                ? vertx.executeBlocking(() -> merge(rows, ranges, groups), false)
                : Uni.createFrom().item(merge(rows, ranges, groups)));
    }

    private static Map<String, Figures> merge(RowSet<Row> rows, int ranges, Map<String, List<Exclusions.Group>> groups) {
        Map<String, Figures> byApp = new HashMap<>();
        // an app with exclusion groups has its figures even without rows, each group in its place
        groups.forEach((appKey, appGroups) -> byApp.put(appKey, none(ranges, appGroups.size())));
        for (Row row : rows) {
            Figures figures = byApp.computeIfAbsent(row.getString("app_key"), app -> none(ranges, 0));
            int group = row.getInteger("grp");
            StreamTotals stream = (group == WHOLE ? figures.ranges() : figures.excluded().get(group))
                    .get(row.getInteger("point"))
                    .computeIfAbsent(row.getString("stream"), key -> new StreamTotals());
            if (row.getLong("total") != null) {
                stream.addCounts(row.getString("product"), row.getInteger("status_code"),
                        row.getLong("total"), row.getLong("good"));
            } else {
                stream.latencies().add(row.getArrayOfIntegers("latency_bins"), row.getArrayOfLongs("latency_counts"));
            }
        }
        return byApp;
    }

    /** No figures yet: this many ranges, and as many per exclusion group. */
    static Figures none(int ranges, int groups) {
        List<List<Map<String, StreamTotals>>> excluded = new ArrayList<>();
        for (int group = 0; group < groups; group++) {
            excluded.add(perRange(ranges));
        }
        return new Figures(perRange(ranges), excluded);
    }

    private static List<Map<String, StreamTotals>> perRange(int ranges) {
        List<Map<String, StreamTotals>> figures = new ArrayList<>();
        for (int point = 0; point < ranges; point++) {
            figures.add(new HashMap<>());
        }
        return figures;
    }

    /** The statement's span columns: each range, or an app's excluded stretch of it, covered by whole buckets. */
    private static final class Spans {
        final List<Integer> points = new ArrayList<>();
        final List<String> resolutions = new ArrayList<>();
        final List<java.time.OffsetDateTime> starts = new ArrayList<>();
        final List<java.time.OffsetDateTime> ends = new ArrayList<>();
        final List<Integer> groups = new ArrayList<>();
        final List<Long> targets = new ArrayList<>();
        final List<String> appKeys = new ArrayList<>();

        void add(int point, int group, Long target, String appKey, Instant from, Instant to) {
            for (WindowCover.Span span : WindowCover.cover(from, to)) {
                appKeys.add(appKey);
                points.add(point);
                resolutions.add(span.resolution().sqlName());
                starts.add(span.start().atOffset(ZoneOffset.UTC));
                ends.add(span.end().atOffset(ZoneOffset.UTC));
                groups.add(group);
                targets.add(target);
            }
        }
    }
}
