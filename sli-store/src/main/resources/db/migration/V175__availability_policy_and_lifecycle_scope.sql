-- The availability policy and the lifecycle scope (docs/slis.md), applied when reading like the
-- webhook policy: the rollups now keep what each needs, so that a change applies to past events.
--  * PROBE rows carry the status code of an answer that came within the timeout (outcome SUCCESS
--    or HTTP_STATUS; 0 for every other outcome): `2xx` adds the 2xx rows other than 200 to `good`
--    (which stays the count of SUCCESS, the `http-200` rule).
--  * LIFECYCLE rows carry the callback's kind (a LifecycleKind name) in `product`, the column that
--    splits a stream by what it was about, and its exact status code (0: not reached).

-- Registry (written by sli-api): the app's own choice; null takes the platform default.
alter table app add column availability_policy text;
alter table app add column lifecycle_scope text;
alter table app add constraint app_availability_policy check (availability_policy in ('2xx', 'http-200'));
alter table app add constraint app_lifecycle_scope check (lifecycle_scope in ('all', 'installed'));

-- V132's function with the PROBE status code and the LIFECYCLE kind and status code kept.
create or replace function rampart_rollup_cells_sql(raw_table text, source text) returns text
language sql immutable as $$
    select format($q$
        select coalesce(array_agg(row(app_key, minute, stream, target_id, product, status_code,
                                      bin, total, good)::rampart_rollup_cell), '{}')
        from (select app_key, date_trunc('minute', occurred_at, 'UTC') as minute,
                     %s as stream, %s as target_id, %s as product, %s as status_code,
                     rampart_latency_bin(%s) as bin, count(*) as total, count(*) filter (where %s) as good
              from %I
              where %s
              group by 1, 2, 3, 4, 5, 6, 7) as cells $q$,
        e.stream, e.target_id, e.product, e.status_code, e.latency_ms, e.good, source, e.counted)
    from (
        select 'PROBE'::text as raw, $s$'PROBE'$s$ as stream, 'target_id' as target_id,
               $s$''$s$ as product,
               -- the code of an answer within the timeout, which the availability policy reads
               $s$case when outcome in ('SUCCESS', 'HTTP_STATUS') then coalesce(status_code, 0) else 0 end$s$ as status_code,
               -- the prober records a timed-out probe with its timeout as duration
               'duration_ms' as latency_ms,
               $s$outcome = 'SUCCESS'$s$ as good,
               -- a probe made while the replica's control target failed counts for no app
               $s$outcome <> 'PROBER_FAULT'$s$ as counted
        union all
        select 'EVENT', 'kind', '0::bigint',
               $s$case kind when 'WEBHOOK' then coalesce(product, '') when 'LIFECYCLE' then coalesce(lifecycle, '') else '' end$s$,
               $s$case when kind in ('WEBHOOK', 'LIFECYCLE') then coalesce(status_code, 0) else 0 end$s$,
               $s$case when kind = 'IFRAME_HOST'
                        and not coalesce(succeeded and duration_ms <= rampart_iframe_timeout_ms(), false)
                       then rampart_iframe_timeout_ms() else duration_ms end$s$,
               $s$case kind when 'IFRAME_HOST' then succeeded and duration_ms <= rampart_iframe_timeout_ms()
                            when 'LIFECYCLE' then status_code in (200, 204)
                            when 'WEBHOOK' then false
                            else succeeded end$s$,
               'true'
    ) as e
    where e.raw = case raw_table when 'probe_result' then 'PROBE' when 'app_event' then 'EVENT' end
$$;

-- The rows already rolled up: what the raw events still hold is moved from the row without a
-- status code (and kind) to the rows of its new keys. Buckets older than the raw events keep their
-- counts where they were: their probes count by the `http-200` rule whatever the policy, and their
-- callbacks under the `all` scope only (docs/slis.md). Inserts wait meanwhile.
lock table probe_result, app_event in share mode;
do $$
declare
    level text;
begin
    foreach level in array array['minute', 'hour', 'day'] loop
        execute format($q$
            with split as (
                select app_key, date_trunc(%1$L, occurred_at, 'UTC') as bucket, 'PROBE'::text as stream, target_id,
                       ''::text as product, status_code, count(*) as total,
                       count(*) filter (where outcome = 'SUCCESS') as good
                from probe_result
                where outcome in ('SUCCESS', 'HTTP_STATUS') and status_code is not null and status_code <> 0
                group by 1, 2, 3, 4, 5, 6
                union all
                select app_key, date_trunc(%1$L, occurred_at, 'UTC'), 'LIFECYCLE', 0::bigint, coalesce(lifecycle, ''),
                       coalesce(status_code, 0), count(*), count(*) filter (where status_code in (200, 204))
                from app_event
                where kind = 'LIFECYCLE' and (lifecycle is not null or coalesce(status_code, 0) <> 0)
                group by 1, 2, 3, 4, 5, 6
            ),
            per_row as (
                select app_key, bucket, stream, target_id, sum(total) as total, sum(good) as good
                from split group by 1, 2, 3, 4
            ),
            taken as (
                update %2$I as r set total = r.total - p.total, good = r.good - p.good
                from per_row as p
                where r.app_key = p.app_key and r.bucket = p.bucket and r.stream = p.stream
                  and r.target_id = p.target_id and r.product = '' and r.status_code = 0
                  and r.total >= p.total and r.good >= p.good
                returning r.app_key, r.bucket, r.stream, r.target_id
            )
            insert into %2$I (app_key, bucket, stream, target_id, product, status_code, total, good)
            select s.app_key, s.bucket, s.stream, s.target_id, s.product, s.status_code, s.total, s.good
            from split as s join taken as t using (app_key, bucket, stream, target_id)
            $q$, level, 'sli_count_' || level);
        execute format('delete from %I where total = 0', 'sli_count_' || level);
    end loop;
end $$;

-- Whether a probe is good under an availability policy: the one definition the slot functions use.
create function rampart_probe_good(outcome text, status_code integer, policy text) returns boolean
language sql immutable parallel safe as $$
    select outcome = 'SUCCESS'
        or (policy = '2xx' and outcome = 'HTTP_STATUS' and status_code between 200 and 299)
$$;

-- V150's slot functions (V170's one-location test), with the availability policy the reader applies.
drop function rampart_probe_slot_counts(text, timestamptz, timestamptz, text);
drop function rampart_probe_quorum_correction(text, timestamptz, timestamptz);

create function rampart_probe_slot_counts(app text, from_at timestamptz, to_at timestamptz, only_location text,
                                          policy text)
returns table (good bigint, total bigint)
language sql stable parallel safe as $$
    select count(*) filter (where rampart_probe_slot_good(a.quorum, slot.locations, slot.failures)), count(*)
    from app a
    join (select count(*) as locations, count(*) filter (where failed) as failures
          from (select r.target_id, r.scheduled_at, r.location,
                       bool_or(not rampart_probe_good(r.outcome, r.status_code, policy)) as failed
                from probe_result r
                where r.app_key = app and r.occurred_at >= from_at and r.occurred_at < to_at
                  and (only_location is null or r.location = only_location)
                group by 1, 2, 3) as per_location
          group by per_location.target_id, per_location.scheduled_at) as slot on true
    where a.app_key = app
$$;

create function rampart_probe_quorum_correction(app text, from_at timestamptz, to_at timestamptz, policy text)
returns table (results bigint, good_results bigint, slots bigint, good_slots bigint)
language plpgsql stable as $$
begin
    if not exists (select 1 from app a where a.app_key = app
                   and rampart_probe_several_locations(a.probe_locations)) then
        return query select 0::bigint, 0::bigint, 0::bigint, 0::bigint;
        return;
    end if;
    return query
    select coalesce(sum(slot.results), 0)::bigint, coalesce(sum(slot.good_results), 0)::bigint, count(*),
           count(*) filter (where rampart_probe_slot_good(a.quorum, slot.locations, slot.failures))
    from app a
    join (select count(*) as locations, count(*) filter (where failed) as failures,
                 sum(n) as results, sum(good) as good_results
          from (select r.target_id, r.scheduled_at, r.location,
                       bool_or(not rampart_probe_good(r.outcome, r.status_code, policy)) as failed,
                       count(*) as n, count(*) filter (where rampart_probe_good(r.outcome, r.status_code, policy)) as good
                from probe_result r
                where r.app_key = app and r.occurred_at >= from_at and r.occurred_at < to_at
                group by 1, 2, 3) as per_location
          group by per_location.target_id, per_location.scheduled_at
          having count(*) > 1) as slot on true
    where a.app_key = app;
end $$;
