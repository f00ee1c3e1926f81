-- Suspected platform faults (sli-api, docs/alerts.md): a minute in which a large share of the apps
-- failed availability together, for an admin to confirm (it becomes a platform_fault adjustment)
-- or dismiss. One per minute, whichever replica finds it first.
create table suspected_platform_fault (
    id             bigint      generated always as identity primary key,
    minute         timestamptz not null unique,
    failing        integer     not null,
    apps           integer     not null,
    app_keys       text[]      not null,
    status         text        not null default 'OPEN',
    opened_at      timestamptz not null default now(),
    decided_by     text,
    decided_at     timestamptz,
    adjustment_id  bigint      references adjustment (id),
    constraint suspected_platform_fault_status check (status in ('OPEN', 'CONFIRMED', 'DISMISSED'))
);
