-- The probe phase rollups keep the hour and day levels only. The minute level was the largest part
-- of what an insert into probe_result cost the database (a new row per app and phase every
-- minute), and a window's minute edges (at most two hours of them) read the raw probe_result
-- rows instead, which the raw retention keeps as long as the minute rollups were kept.
-- What each insert adds to the hour and day tables is unchanged.
create or replace function rampart_probe_phase_apply(cells rampart_probe_phase_cell[]) returns void
language plpgsql as $$
begin
    insert into probe_phase_hour as r (app_key, bucket, phase, latency_bins, latency_counts)
    select app_key, bucket, phase, array_agg(bin order by bin), array_agg(n order by bin)
    from (select c.app_key, date_trunc('hour', c.minute, 'UTC') as bucket, c.phase, c.bin, sum(c.n)::bigint as n
          from unnest(cells) as c
          group by 1, 2, 3, 4) as per_bin
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (app_key, bucket, phase) do update set
        (latency_bins, latency_counts) = (
            select array_agg(bin order by bin), array_agg(n order by bin)
            from (select bin, sum(n)::bigint as n
                  from unnest(r.latency_bins || excluded.latency_bins,
                              r.latency_counts || excluded.latency_counts) as u(bin, n)
                  group by bin) as merged);

    insert into probe_phase_day as r (app_key, bucket, phase, latency_bins, latency_counts)
    select app_key, bucket, phase, array_agg(bin order by bin), array_agg(n order by bin)
    from (select c.app_key, date_trunc('day', c.minute, 'UTC') as bucket, c.phase, c.bin, sum(c.n)::bigint as n
          from unnest(cells) as c
          group by 1, 2, 3, 4) as per_bin
    group by 1, 2, 3
    order by 1, 2, 3
    on conflict (app_key, bucket, phase) do update set
        (latency_bins, latency_counts) = (
            select array_agg(bin order by bin), array_agg(n order by bin)
            from (select bin, sum(n)::bigint as n
                  from unnest(r.latency_bins || excluded.latency_bins,
                              r.latency_counts || excluded.latency_counts) as u(bin, n)
                  group by bin) as merged);
end $$;

drop table probe_phase_minute;
