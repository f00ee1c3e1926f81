-- sli-api's rollups: per-minute, per-hour and per-day counts and latency histograms of the raw
-- events, kept current by the database itself (statement-level AFTER INSERT triggers on the raw
-- tables), so that a 28-day figure reads about 30 day rows instead of millions of raw rows.
-- Raw events stay the source of truth: rampart_rollup_rebuild() recomputes every rollup from
-- them. docs/slis.md defines every figure read from these tables.

-- Latency histograms: log-spaced bins with relative accuracy alpha = 1 % (gamma = 1.01 / 0.99).
-- Bin 0 holds 0 ms; bin k >= 1 holds the values in (gamma^(k-2), gamma^(k-1)]. sli-api reads a
-- bin as 2 gamma^(k-1) / (gamma + 1), within 1 % of every value in it (LatencyHistogram.java).
create function rampart_latency_bin(duration_ms integer) returns integer
language sql immutable strict parallel safe as $$
    select case when duration_ms <= 0 then 0
                else 1 + ceil(ln(duration_ms::float8) / ln(1.01::float8 / 0.99))::integer end
$$;

-- The iframe rule: a load is good when it connected back within this many ms; a load that did
-- not (or connected later) counts in the latency at this value.
create function rampart_iframe_timeout_ms() returns integer
language sql immutable parallel safe as $$ select 12000 $$;

-- Counts: one row per app, bucket and stream (PROBE or an app_event kind), split by the
-- dimensions a read may need: the probe's target, and for webhooks the product and the exact
-- status code (0 = not reached), since the webhook policy is applied when reading.
create table sli_count_minute (
    app_key     text        not null,
    bucket      timestamptz not null,
    stream      text        not null,
    target_id   bigint      not null,
    product     text        not null,
    status_code integer     not null,
    total       bigint      not null,
    good        bigint      not null,  -- by the stream's fixed rule; 0 for WEBHOOK (policy at read time)
    primary key (app_key, bucket, stream, target_id, product, status_code)
);
create table sli_count_hour (like sli_count_minute including all);
create table sli_count_day (like sli_count_minute including all);

-- Latency histograms: one per app, bucket, stream and probe target (not split by webhook
-- product or status, so that a 28-day quantile merges few of them).
create table sli_latency_minute (
    app_key        text        not null,
    bucket         timestamptz not null,
    stream         text        not null,
    target_id      bigint      not null,
    latency_bins   integer[]   not null,  -- ascending bin numbers of the observations...
    latency_counts bigint[]    not null,  -- ...and how many fell in each
    primary key (app_key, bucket, stream, target_id)
);
create table sli_latency_hour (like sli_latency_minute including all);
create table sli_latency_day (like sli_latency_minute including all);
create index sli_count_minute_bucket on sli_count_minute (bucket);
create index sli_count_hour_bucket on sli_count_hour (bucket);
create index sli_latency_minute_bucket on sli_latency_minute (bucket);
create index sli_latency_hour_bucket on sli_latency_hour (bucket);

-- Observations already counted per minute and bin, the unit the rollups are built from.
create type rampart_rollup_cell as (
    app_key     text,
    minute      timestamptz,
    stream      text,
    target_id   bigint,
    product     text,
    status_code integer,
    bin         integer,
    total       bigint,
    good        bigint
);

-- The query that turns rows of a raw table (or of its transition table) into cells: the one
-- place where each stream's good event and latency observation are defined.
create function rampart_rollup_cells_sql(raw_table text, source text) returns text
language sql immutable as $$
    select format($q$
        select coalesce(array_agg(row(app_key, minute, stream, target_id, product, status_code,
                                      bin, total, good)::rampart_rollup_cell), '{}')
        from (select app_key, date_trunc('minute', occurred_at, 'UTC') as minute,
                     %s as stream, %s as target_id, %s as product, %s as status_code,
                     rampart_latency_bin(%s) as bin, count(*) as total, count(*) filter (where %s) as good
              from %I
              group by 1, 2, 3, 4, 5, 6, 7) as cells $q$,
        e.stream, e.target_id, e.product, e.status_code, e.latency_ms, e.good, source)
    from (
        select 'PROBE'::text as raw, $s$'PROBE'$s$ as stream, 'target_id' as target_id,
               $s$''$s$ as product, '0' as status_code,
               -- the prober records a timed-out probe with its timeout as duration
               'duration_ms' as latency_ms,
               $s$outcome = 'SUCCESS'$s$ as good
        union all
        select 'EVENT', 'kind', '0::bigint',
               $s$case when kind = 'WEBHOOK' then coalesce(product, '') else '' end$s$,
               $s$case when kind = 'WEBHOOK' then coalesce(status_code, 0) else 0 end$s$,
               $s$case when kind = 'IFRAME_HOST'
                        and not coalesce(succeeded and duration_ms <= rampart_iframe_timeout_ms(), false)
                       then rampart_iframe_timeout_ms() else duration_ms end$s$,
               $s$case kind when 'IFRAME_HOST' then succeeded and duration_ms <= rampart_iframe_timeout_ms()
                            when 'LIFECYCLE' then status_code in (200, 204)
                            when 'WEBHOOK' then false
                            else succeeded end$s$
    ) as e
    where e.raw = case raw_table when 'probe_result' then 'PROBE' when 'app_event' then 'EVENT' end
$$;

-- Adds cells to the minute, hour and day rollups. Rows are upserted in key order so that two
-- concurrent inserts wait for each other instead of deadlocking.
create function rampart_rollup_apply(cells rampart_rollup_cell[]) returns void
language plpgsql as $$
declare
    level text;
begin
    foreach level in array array['minute', 'hour', 'day'] loop
        execute format($q$
            insert into %I as r (app_key, bucket, stream, target_id, product, status_code, total, good)
            select c.app_key, date_trunc(%L, c.minute, 'UTC'), c.stream, c.target_id, c.product, c.status_code,
                   sum(c.total)::bigint, sum(c.good)::bigint
            from unnest($1) as c
            group by 1, 2, 3, 4, 5, 6
            order by 1, 2, 3, 4, 5, 6
            on conflict (app_key, bucket, stream, target_id, product, status_code) do update set
                total = r.total + excluded.total,
                good = r.good + excluded.good
            $q$, 'sli_count_' || level, level) using cells;
        execute format($q$
            insert into %I as r (app_key, bucket, stream, target_id, latency_bins, latency_counts)
            select app_key, bucket, stream, target_id, array_agg(bin order by bin), array_agg(n order by bin)
            from (select c.app_key, date_trunc(%L, c.minute, 'UTC') as bucket, c.stream, c.target_id, c.bin,
                         sum(c.total)::bigint as n
                  from unnest($1) as c
                  where c.bin is not null
                  group by 1, 2, 3, 4, 5) as per_bin
            group by 1, 2, 3, 4
            order by 1, 2, 3, 4
            on conflict (app_key, bucket, stream, target_id) do update set
                (latency_bins, latency_counts) = (
                    select array_agg(bin order by bin), array_agg(n order by bin)
                    from (select bin, sum(n)::bigint as n
                          from unnest(r.latency_bins || excluded.latency_bins,
                                      r.latency_counts || excluded.latency_counts) as u(bin, n)
                          group by bin) as merged)
            $q$, 'sli_latency_' || level, level) using cells;
    end loop;
end $$;

-- Statement-level: one aggregation per INSERT (or COPY), however many rows it carries. Late
-- events land in the buckets of their occurred_at.
create function rampart_rollup_new_rows() returns trigger
language plpgsql as $$
declare
    cells rampart_rollup_cell[];
begin
    execute rampart_rollup_cells_sql(TG_TABLE_NAME, 'new_rows') into cells;
    perform rampart_rollup_apply(cells);
    return null;
end $$;

create trigger probe_result_rollup after insert on probe_result
    referencing new table as new_rows for each statement execute function rampart_rollup_new_rows();
create trigger app_event_rollup after insert on app_event
    referencing new table as new_rows for each statement execute function rampart_rollup_new_rows();

-- Recomputes every rollup from the raw events (after a restore, or a change of a rule above).
-- Inserts wait meanwhile, so none is counted twice or lost.
create function rampart_rollup_rebuild() returns void
language plpgsql as $$
declare
    raw_table text;
    cells     rampart_rollup_cell[];
begin
    lock table probe_result, app_event in share mode;
    truncate sli_count_minute, sli_count_hour, sli_count_day, sli_latency_minute, sli_latency_hour, sli_latency_day;
    foreach raw_table in array array['probe_result', 'app_event'] loop
        execute rampart_rollup_cells_sql(raw_table, raw_table) into cells;
        perform rampart_rollup_apply(cells);
    end loop;
end $$;

-- Events stored before this migration.
select rampart_rollup_rebuild();
