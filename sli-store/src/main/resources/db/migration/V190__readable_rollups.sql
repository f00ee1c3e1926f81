-- The rollups written out where they are computed (docs/architecture.md, "Where each SLI rule is
-- applied"). Same tables, rows and triggers as before; the statements are now static SQL:
--  * rampart_rollup_probe_rows(): what a probe_result row adds to the rollups (trigger
--    probe_result_rollup);
--  * rampart_rollup_event_rows(): what an app_event row adds, one block per stream (trigger
--    app_event_rollup);
--  * rampart_rollup_apply(cells): adds cells to the minute, hour and day tables (also the host
--    aggregates' path, event-ingest);
--  * rampart_rollup_rebuild(): recomputes every rollup from the raw tables with the same rules.
-- Still one statement-level AFTER INSERT trigger per raw table, reading its transition table: one
-- aggregation and one apply per INSERT (or COPY), however many rows and streams it carries, with
-- the rows of all streams upserted in one key order (level, then key), as the host aggregates' are.
-- Nothing is recomputed here: the rollups already hold what these functions produce
-- (ReadableRollupsTest compares them with the previous ones on one data set).

-- Adds cells to the minute, hour and day rollups: counts summed, latency histograms merged bin by
-- bin. Rows are upserted in key order so that two concurrent inserts wait for each other instead of
-- deadlocking. A cell without a bin counts in the totals only.
create or replace function rampart_rollup_apply(cells rampart_rollup_cell[]) returns void
language plpgsql as $$
begin
    insert into sli_count_minute as r (app_key, bucket, stream, target_id, product, status_code, total, good)
    select c.app_key, date_trunc('minute', c.minute, 'UTC'), c.stream, c.target_id, c.product, c.status_code,
           sum(c.total)::bigint, sum(c.good)::bigint
    from unnest(cells) as c
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (app_key, bucket, stream, target_id, product, status_code) do update set
        total = r.total + excluded.total, good = r.good + excluded.good;
    insert into sli_latency_minute as r (app_key, bucket, stream, target_id, latency_bins, latency_counts)
    select app_key, bucket, stream, target_id, array_agg(bin order by bin), array_agg(n order by bin)
    from (select c.app_key, date_trunc('minute', c.minute, 'UTC') as bucket, c.stream, c.target_id, c.bin,
                 sum(c.total)::bigint as n
          from unnest(cells) as c
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
                  group by bin) as merged);

    insert into sli_count_hour as r (app_key, bucket, stream, target_id, product, status_code, total, good)
    select c.app_key, date_trunc('hour', c.minute, 'UTC'), c.stream, c.target_id, c.product, c.status_code,
           sum(c.total)::bigint, sum(c.good)::bigint
    from unnest(cells) as c
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (app_key, bucket, stream, target_id, product, status_code) do update set
        total = r.total + excluded.total, good = r.good + excluded.good;
    insert into sli_latency_hour as r (app_key, bucket, stream, target_id, latency_bins, latency_counts)
    select app_key, bucket, stream, target_id, array_agg(bin order by bin), array_agg(n order by bin)
    from (select c.app_key, date_trunc('hour', c.minute, 'UTC') as bucket, c.stream, c.target_id, c.bin,
                 sum(c.total)::bigint as n
          from unnest(cells) as c
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
                  group by bin) as merged);

    insert into sli_count_day as r (app_key, bucket, stream, target_id, product, status_code, total, good)
    select c.app_key, date_trunc('day', c.minute, 'UTC'), c.stream, c.target_id, c.product, c.status_code,
           sum(c.total)::bigint, sum(c.good)::bigint
    from unnest(cells) as c
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (app_key, bucket, stream, target_id, product, status_code) do update set
        total = r.total + excluded.total, good = r.good + excluded.good;
    insert into sli_latency_day as r (app_key, bucket, stream, target_id, latency_bins, latency_counts)
    select app_key, bucket, stream, target_id, array_agg(bin order by bin), array_agg(n order by bin)
    from (select c.app_key, date_trunc('day', c.minute, 'UTC') as bucket, c.stream, c.target_id, c.bin,
                 sum(c.total)::bigint as n
          from unnest(cells) as c
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
                  group by bin) as merged);
end $$;

-- Stream PROBE (docs/slis.md, availability_success_rate and availability_latency), per target:
--  * counted: every result but PROBER_FAULT (probed while the replica's own control target failed:
--    the prober's failure, in no figure of any app, docs/prober.md);
--  * good: the `http-200` rule, outcome SUCCESS (a 200 read within the timeout, redirects not
--    followed). The `2xx` availability policy is applied when reading, from status_code;
--  * status_code: the code of an answer within the timeout (SUCCESS or HTTP_STATUS), else 0;
--  * latency: duration_ms (a timed-out probe is stored with its timeout).
-- Each result counts in the buckets of its occurred_at, however late it arrives.
create function rampart_rollup_probe_rows() returns trigger
language plpgsql as $$
begin
    perform rampart_rollup_apply(array(
        select row(app_key, date_trunc('minute', occurred_at, 'UTC'), 'PROBE', target_id, '', answered_code,
                   rampart_latency_bin(duration_ms), count(*), count(*) filter (where good))::rampart_rollup_cell
        from (select app_key, occurred_at, target_id, duration_ms,
                     outcome = 'SUCCESS' as good,
                     case when outcome in ('SUCCESS', 'HTTP_STATUS') then coalesce(status_code, 0) else 0 end
                         as answered_code
              from new_rows
              where outcome <> 'PROBER_FAULT') as probe
        group by app_key, date_trunc('minute', occurred_at, 'UTC'), target_id, answered_code,
                 rampart_latency_bin(duration_ms)));
    return null;
end $$;

-- The app_event streams (stream = kind; docs/slis.md), one block each. Every block gives an
-- event's product and status_code (the keys a read-time rule needs), its latency (null: counted in
-- the totals only) and whether it is good (null counts as not good). Each event counts in the
-- buckets of its occurred_at, however late it arrives.
create function rampart_rollup_event_rows() returns trigger
language plpgsql as $$
begin
    perform rampart_rollup_apply(array(
        select row(app_key, date_trunc('minute', occurred_at, 'UTC'), stream, 0, product, status_code,
                   rampart_latency_bin(latency_ms), count(*), count(*) filter (where good))::rampart_rollup_cell
        from (
            -- IFRAME_HOST, the iframe rule (iframe_load_success_rate, iframe_load_latency): a host's
            -- iframe load is good when it connected back (succeeded) within rampart_iframe_timeout_ms()
            -- (12000 ms); a load that did not (never, later, or without a duration) counts in the
            -- latency at 12000 ms.
            select app_key, occurred_at, kind as stream, '' as product, 0 as status_code,
                   case when connected_in_time then duration_ms else rampart_iframe_timeout_ms() end as latency_ms,
                   connected_in_time as good
            from (select app_key, occurred_at, kind, duration_ms,
                         coalesce(succeeded and duration_ms <= rampart_iframe_timeout_ms(), false) as connected_in_time
                  from new_rows
                  where kind = 'IFRAME_HOST') as iframe_load
            union all
            -- LIFECYCLE (lifecycle_success_rate, lifecycle_failure_count, lifecycle_latency): a
            -- callback is good when answered 200 or 204 (not reached = status 0 = bad). Kept per kind
            -- (product = the LifecycleKind) and status code for the lifecycle scope applied when reading.
            select app_key, occurred_at, kind, coalesce(lifecycle, ''), coalesce(status_code, 0), duration_ms,
                   status_code in (200, 204)
            from new_rows
            where kind = 'LIFECYCLE'
            union all
            -- WEBHOOK (webhook_delivery_success_rate, webhook_latency): good is decided when reading by
            -- the webhook policy, from the product and the exact status code (0: not reached) kept
            -- here; good stays 0.
            select app_key, occurred_at, kind, coalesce(product, ''), coalesce(status_code, 0), duration_ms,
                   false
            from new_rows
            where kind = 'WEBHOOK'
            union all
            -- IFRAME_APP and SYNTHETIC (the vendor's IFRAME and SYNTHETIC items, *_app_server SLIs),
            -- and any other kind: good when the vendor sent status SUCCESS (succeeded); latency
            -- durationInMillis where sent.
            select app_key, occurred_at, kind, '', 0, duration_ms, succeeded
            from new_rows
            where kind not in ('IFRAME_HOST', 'LIFECYCLE', 'WEBHOOK')
        ) as event
        group by app_key, date_trunc('minute', occurred_at, 'UTC'), stream, product, status_code,
                 rampart_latency_bin(latency_ms)));
    return null;
end $$;

-- The same two triggers as before (statement-level, transition table new_rows), now running the
-- functions above. probe_result_phases (V180) still fires first (triggers fire in name order).
drop trigger probe_result_rollup on probe_result;
drop trigger app_event_rollup on app_event;
create trigger probe_result_rollup after insert on probe_result
    referencing new table as new_rows for each statement execute function rampart_rollup_probe_rows();
create trigger app_event_rollup after insert on app_event
    referencing new table as new_rows for each statement execute function rampart_rollup_event_rows();
drop function rampart_rollup_new_rows();
drop function rampart_rollup_cells_sql(text, text);

-- Recomputes every rollup from the raw events (after a restore, or a change of a rule above): the
-- trigger functions' queries over the whole raw tables. Buckets whose raw events are gone (dropped
-- partitions) and host aggregates, which have no raw events, are lost. Inserts wait meanwhile, so
-- none is counted twice or lost.
create or replace function rampart_rollup_rebuild() returns void
language plpgsql as $$
begin
    lock table probe_result, app_event in share mode;
    truncate sli_count_minute, sli_count_hour, sli_count_day, sli_latency_minute, sli_latency_hour, sli_latency_day;

    -- PROBE, as rampart_rollup_probe_rows()
    perform rampart_rollup_apply(array(
        select row(app_key, date_trunc('minute', occurred_at, 'UTC'), 'PROBE', target_id, '', answered_code,
                   rampart_latency_bin(duration_ms), count(*), count(*) filter (where good))::rampart_rollup_cell
        from (select app_key, occurred_at, target_id, duration_ms,
                     outcome = 'SUCCESS' as good,
                     case when outcome in ('SUCCESS', 'HTTP_STATUS') then coalesce(status_code, 0) else 0 end
                         as answered_code
              from probe_result
              where outcome <> 'PROBER_FAULT') as probe
        group by app_key, date_trunc('minute', occurred_at, 'UTC'), target_id, answered_code,
                 rampart_latency_bin(duration_ms)));

    -- The app_event streams, as rampart_rollup_event_rows()
    perform rampart_rollup_apply(array(
        select row(app_key, date_trunc('minute', occurred_at, 'UTC'), stream, 0, product, status_code,
                   rampart_latency_bin(latency_ms), count(*), count(*) filter (where good))::rampart_rollup_cell
        from (
            -- IFRAME_HOST: the iframe rule
            select app_key, occurred_at, kind as stream, '' as product, 0 as status_code,
                   case when connected_in_time then duration_ms else rampart_iframe_timeout_ms() end as latency_ms,
                   connected_in_time as good
            from (select app_key, occurred_at, kind, duration_ms,
                         coalesce(succeeded and duration_ms <= rampart_iframe_timeout_ms(), false) as connected_in_time
                  from app_event
                  where kind = 'IFRAME_HOST') as iframe_load
            union all
            -- LIFECYCLE: answered 200 or 204
            select app_key, occurred_at, kind, coalesce(lifecycle, ''), coalesce(status_code, 0), duration_ms,
                   status_code in (200, 204)
            from app_event
            where kind = 'LIFECYCLE'
            union all
            -- WEBHOOK: the webhook policy, when reading
            select app_key, occurred_at, kind, coalesce(product, ''), coalesce(status_code, 0), duration_ms,
                   false
            from app_event
            where kind = 'WEBHOOK'
            union all
            -- IFRAME_APP, SYNTHETIC and any other kind: the vendor's status SUCCESS
            select app_key, occurred_at, kind, '', 0, duration_ms, succeeded
            from app_event
            where kind not in ('IFRAME_HOST', 'LIFECYCLE', 'WEBHOOK')
        ) as event
        group by app_key, date_trunc('minute', occurred_at, 'UTC'), stream, product, status_code,
                 rampart_latency_bin(latency_ms)));
end $$;
