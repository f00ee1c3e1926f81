-- Adjustments (sli-api, docs/slis.md "Adjustments"): maintenance windows and platform faults,
-- applied when reading so that they can be added or withdrawn afterwards. Raw events and rollups
-- stay as they are. A withdrawn adjustment is kept with who withdrew it and when.
create table adjustment (
    id                bigint      generated always as identity primary key,
    kind              text        not null,
    -- the apps it covers: one app (maintenance), a list, or null with product null for every app
    app_keys          text[],
    -- a platform fault of the apps that name this product
    product           text,
    starts_at         timestamptz not null,
    ends_at           timestamptz not null,
    -- SLI ids and target labels it is limited to; empty for all
    slis              text[]      not null default '{}',
    targets           text[]      not null default '{}',
    reason            text        not null,
    reference         text,
    -- weekly recurrence: the same local times every week in this zone, until recurrence_until (if set)
    recurrence_zone   text,
    recurrence_until  timestamptz,
    created_by        text        not null,
    created_at        timestamptz not null default now(),
    withdrawn_by      text,
    withdrawn_at      timestamptz,
    constraint adjustment_kind check (kind in ('maintenance', 'platform_fault')),
    constraint adjustment_span check (ends_at > starts_at)
);
create index adjustment_app_keys on adjustment using gin (app_keys) where withdrawn_at is null;
create index adjustment_starts_at on adjustment (starts_at) where withdrawn_at is null;
