-- The prober-fault guard (docs/prober.md): a probe result stored as PROBER_FAULT (made while the
-- replica's own control target failed) counts for no app: the rollups leave it out, so it is in no
-- figure, good or total. The function is V30's with one condition more per raw table.
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
               $s$''$s$ as product, '0' as status_code,
               -- the prober records a timed-out probe with its timeout as duration
               'duration_ms' as latency_ms,
               $s$outcome = 'SUCCESS'$s$ as good,
               -- a probe made while the replica's control target failed counts for no app
               $s$outcome <> 'PROBER_FAULT'$s$ as counted
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
                            else succeeded end$s$,
               'true'
    ) as e
    where e.raw = case raw_table when 'probe_result' then 'PROBE' when 'app_event' then 'EVENT' end
$$;
