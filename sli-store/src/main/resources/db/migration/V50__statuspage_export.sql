-- Statuspage export (sli-api, docs/status-page.md): per app an optional Statuspage configuration,
-- the progress of every exported metric, and the lease that lets one replica run the exporter.

create table statuspage_config (
    app_key          text        primary key references app (app_key) on delete cascade,
    api_base_url     text        not null default 'https://api.statuspage.io',
    page_id          text        not null,
    -- The API key, sealed like the shared secrets (SecretSealer, owner "statuspage:<app_key>").
    api_key_id       text        not null,
    api_key_sealed   bytea       not null,
    -- Export state of the app: the last failure (never carrying the key) and the backoff it set.
    last_error       text,
    last_error_at    timestamptz,
    last_success_at  timestamptz,
    failures         integer     not null default 0,
    next_attempt_at  timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);

-- One row per SLI published to a Statuspage metric. sent_until: points before it are sent (the
-- exporter's progress; null = not started, backfill due); last_point_*: the last point sent.
create table statuspage_metric (
    app_key          text        not null references statuspage_config (app_key) on delete cascade,
    sli_id           text        not null,
    metric_id        text        not null,
    sent_until       timestamptz,
    last_point_at    timestamptz,
    last_value       double precision,
    primary key (app_key, sli_id)
);

-- Who runs the exporter: a replica holds the row while expires_at is in the future.
create table statuspage_lease (
    name       text        primary key,
    holder     text        not null,
    expires_at timestamptz not null
);
