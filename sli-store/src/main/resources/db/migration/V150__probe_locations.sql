-- Probe locations (docs/prober.md, "Locations"; docs/slis.md, "Quorum"). Every prober replica has
-- a location; a target is probed once per slot from each of its locations, and the slots of one
-- target line up across locations, so that a slot's verdict can be taken over the locations that
-- probed it.

-- Registry (written by sli-api): where an app, or one of its targets, is probed from (null: every
-- location with a live replica), and how the locations' results make a slot's verdict.
alter table app add column probe_locations text[];
alter table app add column quorum text not null default 'quorum';
alter table app add constraint app_quorum check (quorum in ('any', 'quorum', 'all'));
alter table healthcheck_target add column probe_locations text[];

-- The prober's replicas and their locations, each refreshed at every registry sync: a location
-- whose replicas have all stopped refreshing is gone (reported, and no longer scheduled).
create table prober_replica (
    replica_id text        primary key,
    location   text        not null,
    seen_at    timestamptz not null
);

-- One schedule row per target and location: the replicas of a location share its rows.
alter table probe_schedule add column location text not null default 'local';
alter table probe_schedule drop constraint probe_schedule_pkey;
alter table probe_schedule add primary key (target_id, location);

-- Where each probe ran.
alter table probe_result add column location text not null default 'local';

-- The first slot of a target strictly after a time: slots are whole intervals apart, with a phase
-- that depends on the target alone (spread over the interval), so that every location, replica
-- and re-timing of a target uses the same slot times.
create function rampart_probe_slot_after(target_id bigint, interval_seconds integer, after timestamptz)
returns timestamptz
language sql immutable strict parallel safe as $$
    select to_timestamp(((floor((extract(epoch from after) * 1000 - phase) / (interval_seconds * 1000.0)) + 1)
                         * interval_seconds * 1000.0 + phase) / 1000.0)
    from (select abs(hashint8(target_id)::bigint) % (interval_seconds * 1000) as phase) as p
$$;

-- A slot's verdict under a quorum rule, given how many locations probed it and how many of them
-- saw a failure: 'any' fails the slot on one failure, 'quorum' on a strict majority of failures,
-- 'all' only when every location failed. A location that probed nothing (gone, or not listed)
-- is not counted: its missing slots count for no app.
create function rampart_probe_slot_good(quorum text, locations bigint, failures bigint) returns boolean
language sql immutable strict parallel safe as $$
    select case quorum when 'any' then failures = 0
                       when 'all' then failures < locations
                       else failures * 2 <= locations end
$$;

-- The app's probe slots in [from_at, to_at) (by the time the probes started) and how many are good
-- under its quorum rule; with a location, that location's results alone (one location: its own
-- verdict). Read from probe_result, grouped by target and slot; a location probing one slot twice
-- counts once, failed if either failed.
create function rampart_probe_slot_counts(app text, from_at timestamptz, to_at timestamptz, only_location text)
returns table (good bigint, total bigint)
language sql stable parallel safe as $$
    select count(*) filter (where rampart_probe_slot_good(a.quorum, slot.locations, slot.failures)), count(*)
    from app a
    join (select count(*) as locations, count(*) filter (where failed) as failures
          from (select r.target_id, r.scheduled_at, r.location, bool_or(r.outcome <> 'SUCCESS') as failed
                from probe_result r
                where r.app_key = app and r.occurred_at >= from_at and r.occurred_at < to_at
                  and (only_location is null or r.location = only_location)
                group by 1, 2, 3) as per_location
          group by per_location.target_id, per_location.scheduled_at) as slot on true
    where a.app_key = app
$$;

-- What the per-probe rollups (V30) must be corrected by so that availability counts each slot
-- probed from more than one location once, by its verdict: those slots' results (all, good) and
-- the slots themselves (all, good under the app's rule). Zeros, without reading probe_result,
-- where the app can have one location only: it lists at most one, or lists none and no more
-- than one location has had a live replica in the last day.
create function rampart_probe_quorum_correction(app text, from_at timestamptz, to_at timestamptz)
returns table (results bigint, good_results bigint, slots bigint, good_slots bigint)
language plpgsql stable as $$
begin
    if not exists (select 1 from app a where a.app_key = app
                   and (cardinality(a.probe_locations) > 1
                        or (a.probe_locations is null
                            and (select count(distinct location) from prober_replica) > 1))) then
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
