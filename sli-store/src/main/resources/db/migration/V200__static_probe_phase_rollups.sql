-- The probe phase rollups (V180) with static SQL, as V190 did for the SLI rollups: the three levels'
-- upserts were one statement built with format() and run by EXECUTE, which PostgreSQL plans again
-- at every run, three times per insert into probe_result; static statements are planned once per
-- connection. Same tables, rows and trigger; what each insert adds is unchanged.
create or replace function rampart_probe_phase_new_rows() returns trigger
language plpgsql as $$
declare
    cells rampart_probe_phase_cell[];
begin
    select coalesce(array_agg(row(app_key, minute, phase, bin, n)::rampart_probe_phase_cell), '{}') into cells
    from (select r.app_key, date_trunc('minute', r.occurred_at, 'UTC') as minute, p.phase,
                 rampart_latency_bin(p.ms) as bin, count(*) as n
          from new_rows r
          cross join lateral (values ('dns', r.dns_ms), ('connect', r.connect_ms), ('tls', r.tls_ms),
                                     ('first_byte', r.first_byte_ms), ('total', r.duration_ms)) as p(phase, ms)
          where r.outcome <> 'PROBER_FAULT' and p.ms is not null
          group by 1, 2, 3, 4) as per_cell;
    perform rampart_probe_phase_apply(cells);
    insert into probe_certificate as c (target_id, app_key, not_after, issuer, seen_at)
    select distinct on (target_id) target_id, app_key, certificate_not_after, certificate_issuer, occurred_at
    from new_rows
    where certificate_not_after is not null and certificate_issuer is not null
    order by target_id, occurred_at desc
    on conflict (target_id) do update set
        app_key = excluded.app_key, not_after = excluded.not_after, issuer = excluded.issuer, seen_at = excluded.seen_at
        where excluded.seen_at >= c.seen_at;
    return null;
end $$;

-- Adds phase cells to the minute, hour and day tables, histograms merged bin by bin, rows upserted
-- in key order so that two concurrent inserts wait for each other instead of deadlocking.
create function rampart_probe_phase_apply(cells rampart_probe_phase_cell[]) returns void
language plpgsql as $$
begin
    insert into probe_phase_minute as r (app_key, bucket, phase, latency_bins, latency_counts)
    select app_key, bucket, phase, array_agg(bin order by bin), array_agg(n order by bin)
    from (select c.app_key, date_trunc('minute', c.minute, 'UTC') as bucket, c.phase, c.bin, sum(c.n)::bigint as n
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
