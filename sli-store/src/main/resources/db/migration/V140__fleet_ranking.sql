-- Rankings of the fleet by error budget left (sli-api, docs/fleet.md). A fleet answer's cursor
-- names one, so that paging through the fleet neither skips nor repeats an app while events keep
-- arriving and budgets move: every page reads the order of the first. Kept for
-- rampart.fleet.ranking-ttl, then deleted by the next ranking made.
create table fleet_ranking (
    id          uuid        primary key,
    created_at  timestamptz not null default now(),
    window_from timestamptz not null,
    window_to   timestamptz not null,
    query       text        not null,  -- the filters and sort the ranking answers, as the cursor must repeat them
    app_keys    text[]      not null   -- in rank order
);
create index fleet_ranking_created on fleet_ranking (created_at);
create index fleet_ranking_latest on fleet_ranking (query, created_at);

-- Compliance counts the incidents opened per app and period.
create index alert_incident_opened on alert_incident (opened_at);
