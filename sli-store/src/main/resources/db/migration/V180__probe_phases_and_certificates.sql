-- Why a probe was slow, and when a target's certificate expires (docs/prober.md, "Phases" and
-- "Certificates"; DESIGN.md, "Diagnostics").

-- Each probe's steps in ms, null where the probe did not complete the step (tls_ms also for http),
-- and for https the leaf certificate presented in a completed handshake.
alter table probe_result
    add column dns_ms integer check (dns_ms >= 0),
    add column connect_ms integer check (connect_ms >= 0),
    add column tls_ms integer check (tls_ms >= 0),
    add column first_byte_ms integer check (first_byte_ms >= 0),
    add column certificate_not_after timestamptz,
    add column certificate_issuer text;

-- Latency histograms per app, bucket and phase (dns, connect, tls, first_byte, total), binned as
-- V30's (rampart_latency_bin), so that the P90 of each phase over any range reads a few buckets.
-- Per app, not per target: the status page shows the app's phases, and a row per target and
-- phase would multiply the rows the prober's inserts upsert.
create table probe_phase_minute (
    app_key        text        not null,
    bucket         timestamptz not null,
    phase          text        not null,
    latency_bins   integer[]   not null,
    latency_counts bigint[]    not null,
    primary key (app_key, bucket, phase)
);
create table probe_phase_hour (like probe_phase_minute including all);
create table probe_phase_day (like probe_phase_minute including all);
create index probe_phase_minute_bucket on probe_phase_minute (bucket);
create index probe_phase_hour_bucket on probe_phase_hour (bucket);

-- The latest certificate each https target presented (the alert rule certificate_expiring and the
-- targets' days left read it).
create table probe_certificate (
    target_id bigint      primary key,
    app_key   text        not null,
    not_after timestamptz not null,
    issuer    text        not null,
    seen_at   timestamptz not null
);
create index probe_certificate_app on probe_certificate (app_key);

-- Phase observations already counted per app, minute, phase and bin.
create type rampart_probe_phase_cell as (
    app_key text,
    minute  timestamptz,
    phase   text,
    bin     integer,
    n       bigint
);

-- Adds the phases of the statement's rows (PROBER_FAULT rows count for no app, as in the other
-- rollups) to the three levels, and keeps each target's latest certificate. Rows are upserted in
-- key order so that concurrent inserts wait for each other instead of deadlocking.
create function rampart_probe_phase_new_rows() returns trigger
language plpgsql as $$
declare
    level text;
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
    foreach level in array array['minute', 'hour', 'day'] loop
        execute format($q$
            insert into %I as r (app_key, bucket, phase, latency_bins, latency_counts)
            select app_key, bucket, phase, array_agg(bin order by bin), array_agg(n order by bin)
            from (select c.app_key, date_trunc(%L, c.minute, 'UTC') as bucket, c.phase, c.bin, sum(c.n)::bigint as n
                  from unnest($1) as c
                  group by 1, 2, 3, 4) as per_bin
            group by 1, 2, 3
            order by 1, 2, 3
            on conflict (app_key, bucket, phase) do update set
                (latency_bins, latency_counts) = (
                    select array_agg(bin order by bin), array_agg(n order by bin)
                    from (select bin, sum(n)::bigint as n
                          from unnest(r.latency_bins || excluded.latency_bins,
                                      r.latency_counts || excluded.latency_counts) as u(bin, n)
                          group by bin) as merged)
            $q$, 'probe_phase_' || level, level) using cells;
    end loop;
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

create trigger probe_result_phases after insert on probe_result
    referencing new table as new_rows for each statement execute function rampart_probe_phase_new_rows();
