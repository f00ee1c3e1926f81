-- Whether an app can have results of more than one probe location in one slot: it lists several
-- locations, or lists none and more than one location has a replica on record (prober_replica
-- forgets replicas silent for a day). Every other app's per-probe rollups are its per-slot
-- counts already, so sli-api asks for no quorum correction of it (docs/slis.md).
create function rampart_probe_several_locations(probe_locations text[]) returns boolean
language sql stable parallel safe as $$
    select coalesce(cardinality(probe_locations) > 1, false)
           or (probe_locations is null and (select count(distinct location) from prober_replica) > 1)
$$;
