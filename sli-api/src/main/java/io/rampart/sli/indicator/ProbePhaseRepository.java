package io.rampart.sli.indicator;

import io.rampart.sli.replica.ReadPool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the probe phase rollups (V180, one latency histogram per app, bucket and phase) over a
 * window covered by whole day, hour and minute buckets, as {@link RollupRepository} reads the others.
 * The minute buckets, at most two hours at the window's edges, are binned from the raw probe results
 * (V210: no minute rollup, the costliest level to keep up at every insert).
 */
@ApplicationScoped
public class ProbePhaseRepository {

    /**
     * Each phase's histograms of the app under the spans (the minute spans binned from probe_result as
     * the rollup trigger bins them); one row of nulls for an app without any, none for no app.
     */
    private static final String QUERY = """
            with span as (
                select * from unnest($2::text[], $3::timestamptz[], $4::timestamptz[]) as s(resolution, start_at, end_at)
            )
            select p.phase, p.latency_bins, p.latency_counts
            from app a
            left join (
                select phase, array_agg(bin order by bin) as latency_bins, array_agg(n order by bin) as latency_counts
                from (select p.phase, rampart_latency_bin(p.ms) as bin, count(*) as n
                      from span as s join probe_result as r
                        on r.app_key = $1 and r.occurred_at >= s.start_at and r.occurred_at < s.end_at
                      cross join lateral (values ('dns', r.dns_ms), ('connect', r.connect_ms), ('tls', r.tls_ms),
                                                 ('first_byte', r.first_byte_ms), ('total', r.duration_ms)) as p(phase, ms)
                      where s.resolution = 'minute' and r.outcome <> 'PROBER_FAULT' and p.ms is not null
                      group by 1, 2) as per_bin
                group by phase
                union all
                select r.phase, r.latency_bins, r.latency_counts
                from span as s join probe_phase_hour as r
                  on r.app_key = $1 and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'hour'
                union all
                select r.phase, r.latency_bins, r.latency_counts
                from span as s join probe_phase_day as r
                  on r.app_key = $1 and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = 'day') as p on true
            where a.app_key = $1""";

    private final ReadPool pool;

    public ProbePhaseRepository(ReadPool pool) {
        this.pool = pool;
    }

    /** Each phase's merged histogram (dns, connect, tls, first_byte, total) over the window; empty for an unknown app. */
    Uni<Optional<Map<String, LatencyHistogram>>> read(String appKey, Window window) {
        List<String> resolutions = new ArrayList<>();
        List<OffsetDateTime> starts = new ArrayList<>();
        List<OffsetDateTime> ends = new ArrayList<>();
        for (WindowCover.Span span : WindowCover.cover(window.from(), window.to())) {
            resolutions.add(span.resolution().sqlName());
            starts.add(span.start().atOffset(ZoneOffset.UTC));
            ends.add(span.end().atOffset(ZoneOffset.UTC));
        }
        return pool.current().preparedQuery(QUERY).execute(Tuple.of(appKey, resolutions.toArray(String[]::new),
                starts.toArray(OffsetDateTime[]::new), ends.toArray(OffsetDateTime[]::new))).map(rows -> {
            if (rows.size() == 0) {
                return Optional.empty();
            }
            Map<String, LatencyHistogram> byPhase = new HashMap<>();
            for (Row row : rows) {
                if (row.getString("phase") != null) {
                    byPhase.computeIfAbsent(row.getString("phase"), phase -> new LatencyHistogram())
                            .add(row.getArrayOfIntegers("latency_bins"), row.getArrayOfLongs("latency_counts"));
                }
            }
            return Optional.of(byPhase);
        });
    }
}
