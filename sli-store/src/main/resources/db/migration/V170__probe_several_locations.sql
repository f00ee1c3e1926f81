-- Whether an app can have results of more than one probe location in one slot: it lists several
-- locations, or lists none and more than one location has a replica on record (prober_replica
-- forgets replicas silent for a day). Every other app's per-probe rollups are its per-slot
-- counts already, so sli-api asks for no quorum correction of it (docs/slis.md).
create function rampart_probe_several_locations(probe_locations text[]) returns boolean
language sql stable parallel safe as $$
    select coalesce(cardinality(probe_locations) > 1, false)
           or (probe_locations is null and (select count(distinct location) from prober_replica) > 1)
$$;

-- V150's correction, its one-location test now the function above (the same condition).
create or replace function rampart_probe_quorum_correction(app text, from_at timestamptz, to_at timestamptz)
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
          from (select r.target_id, r.scheduled_at, r.location, bool_or(r.outcome <> 'SUCCESS') as failed,
                       count(*) as n, count(*) filter (where r.outcome = 'SUCCESS') as good
                from probe_result r
                where r.app_key = app and r.occurred_at >= from_at and r.occurred_at < to_at
                group by 1, 2, 3) as per_location
          group by per_location.target_id, per_location.scheduled_at
          having count(*) > 1) as slot on true
    where a.app_key = app;
end $$;
