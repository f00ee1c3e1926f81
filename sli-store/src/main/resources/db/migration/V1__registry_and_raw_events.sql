-- Rampart schema, version 1: the app registry and the raw events every SLI is computed from.
-- Raw events are the source of truth; anything derived from them (rollups) can be rebuilt.
-- Each service writes only its own tables: sli-api the registry, healthcheck-prober
-- probe_result, event-ingest app_event and app_event_id.

create table app (
    app_key                text        primary key,
    name                   text        not null,
    partner_name           text,
    healthcheck_path       text        not null default '/health',
    check_interval_seconds integer     not null default 60,
    products               text[]      not null default '{}',
    slo_overrides          jsonb       not null default '{}'::jsonb,
    status_page_public     boolean     not null default false,
    enabled                boolean     not null default true,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    constraint app_key_format check (app_key ~ '^[A-Za-z0-9._-]{1,255}$'),
    constraint app_check_interval check (check_interval_seconds >= 1),
    constraint app_healthcheck_path check (healthcheck_path like '/%')
);

-- One health check target per base URL of an app (versions, regions): each has its own
-- availability figures, the app's figure covers all of them.
create table healthcheck_target (
    id         bigint      generated always as identity primary key,
    app_key    text        not null references app (app_key) on delete cascade,
    label      text        not null,
    base_url   text        not null,
    enabled    boolean     not null default true,
    created_at timestamptz not null default now(),
    constraint healthcheck_target_label unique (app_key, label),
    constraint healthcheck_target_url check (base_url ~ '^https?://')
);

-- Connect shared secrets, sealed with AES-256-GCM (HS256 verification needs the secret itself,
-- so it cannot be hashed). The current version has valid_until null; a rotation sets the
-- previous version's valid_until to the end of its grace period, after which it is refused.
create table app_secret (
    app_key    text        not null references app (app_key) on delete cascade,
    version    integer     not null,
    key_id     text        not null,
    sealed     bytea       not null,
    created_at timestamptz not null default now(),
    valid_until timestamptz,
    primary key (app_key, version)
);
create unique index app_secret_one_current on app_secret (app_key) where valid_until is null;

-- Outcome of every health check probe. outcome is a ProbeOutcome name; status_code is set
-- whenever a response arrived; duration_ms is the timeout for a timed-out probe.
create table probe_result (
    target_id    bigint      not null,
    app_key      text        not null,
    scheduled_at timestamptz not null,
    occurred_at  timestamptz not null,
    duration_ms  integer     not null check (duration_ms >= 0),
    outcome      text        not null,
    status_code  integer,
    prober       text        not null
) partition by range (occurred_at);
create index probe_result_app_time on probe_result (app_key, occurred_at);
create index probe_result_target_time on probe_result (target_id, occurred_at);

-- Events from vendors (Metric Publish API) and from the host. kind is an EventKind name.
-- Raw outcomes only: whether an event is good is decided when reading (the webhook policy
-- can change retroactively, the 12 s iframe rule is applied to duration_ms).
create table app_event (
    app_key       text        not null,
    kind          text        not null,
    occurred_at   timestamptz not null,
    received_at   timestamptz not null default now(),
    duration_ms   integer     check (duration_ms >= 0),
    succeeded     boolean,  -- vendor status = SUCCESS; host iframe: connected
    status_code   integer,  -- lifecycle and webhook: the app's answer
    error_kind    text,     -- lifecycle and webhook: DeliveryErrorKind where the app was not reached
    lifecycle     text,     -- LifecycleKind
    product       text,     -- Product
    webhook_event text,
    queue_ms      integer   check (queue_ms >= 0),
    check_name    text,
    event_id      text
) partition by range (occurred_at);
create index app_event_app_kind_time on app_event (app_key, kind, occurred_at);

-- Event ids already stored per app: an item carrying one of these is not stored again.
create table app_event_id (
    app_key       text        not null,
    event_id      text        not null,
    first_seen_at timestamptz not null default now(),
    primary key (app_key, event_id)
);

-- Daily partitions (UTC days) of the raw event tables. Idempotent and safe to call from several
-- processes (creation is serialised by an advisory lock). The default partition only
-- catches rows outside the prepared range, so a write never fails for want of a partition.
create function rampart_ensure_daily_partitions(parent text, first_day date, last_day date)
returns integer language plpgsql as $$
declare
    day     date;
    created integer := 0;
begin
    perform pg_advisory_xact_lock(hashtext('rampart_partitions'));
    for day in select generate_series(first_day, last_day, interval '1 day')::date loop
        if to_regclass(format('%I', parent || '_' || to_char(day, 'YYYYMMDD'))) is null then
            execute format('create table %I partition of %I for values from (%L) to (%L)',
                           parent || '_' || to_char(day, 'YYYYMMDD'), parent,
                           day::timestamp at time zone 'UTC', (day + 1)::timestamp at time zone 'UTC');
            created := created + 1;
        end if;
    end loop;
    return created;
end $$;

-- Drops the daily partitions that end before the given day; returns how many it dropped.
create function rampart_drop_daily_partitions_before(parent text, keep_from date)
returns integer language plpgsql as $$
declare
    part    record;
    dropped integer := 0;
begin
    perform pg_advisory_xact_lock(hashtext('rampart_partitions'));
    for part in
        select c.relname
        from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        where i.inhparent = parent::regclass
          and c.relname ~ ('^' || parent || '_[0-9]{8}$')
          and to_date(right(c.relname, 8), 'YYYYMMDD') < keep_from
    loop
        execute format('drop table %I', part.relname);
        dropped := dropped + 1;
    end loop;
    return dropped;
end $$;

create table probe_result_default partition of probe_result default;
create table app_event_default partition of app_event default;
select rampart_ensure_daily_partitions('probe_result', utc_today - 35, utc_today + 14),
       rampart_ensure_daily_partitions('app_event', utc_today - 35, utc_today + 14)
from (select (now() at time zone 'UTC')::date as utc_today) as today;
