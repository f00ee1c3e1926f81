-- Alerts (sli-api, docs/alerts.md): incidents opened by the alert rules, per-app webhook
-- notification channels and one delivery row per incident state change and channel.

-- One row per breach of one rule of one app. The partial unique index lets at most one incident
-- per app and rule be open at a time: concurrent evaluators (several sli-api replicas) insert
-- with ON CONFLICT against it, so the database, not the replicas, decides who opens it.
create table alert_incident (
    id                           uuid             primary key,
    app_key                      text             not null references app (app_key) on delete cascade,
    rule                         text             not null,
    severity                     text             not null,
    metric_name                  text             not null,
    metric_unit                  text             not null,
    measurement_duration_seconds bigint           not null,
    sli_value                    double precision,
    slo_value                    double precision,
    status                       text             not null default 'OPEN',
    opened_at                    timestamptz      not null,
    updated_at                   timestamptz      not null,
    resolved_at                  timestamptz,
    constraint alert_incident_status check (status in ('OPEN', 'RESOLVED'))
);
create unique index alert_incident_one_open on alert_incident (app_key, rule) where status = 'OPEN';
create index alert_incident_by_app on alert_incident (app_key, opened_at desc);

-- A webhook receiver of an app. The signing secret is sealed (SecretSealer, AES-256-GCM with
-- 'notification-channel:<id>' as associated data) and shown in clear only at creation.
create table notification_channel (
    id         uuid        primary key,
    app_key    text        not null references app (app_key) on delete cascade,
    name       text        not null,
    url        text        not null,
    enabled    boolean     not null default true,
    key_id     text        not null,
    sealed     bytea       not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index notification_channel_by_app on notification_channel (app_key);

-- One notification of one incident state (ANOMALOUS, RESOLVED) to one channel. The payload is
-- fixed when the state changes so that every retry sends the same body; dispatchers claim due
-- rows with FOR UPDATE SKIP LOCKED and push next_attempt_at past their timeout while sending.
create table notification_delivery (
    id               bigint      generated always as identity primary key,
    incident_id      uuid        not null references alert_incident (id) on delete cascade,
    channel_id       uuid        not null references notification_channel (id) on delete cascade,
    incident_status  text        not null,
    payload          jsonb       not null,
    state            text        not null default 'PENDING',
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz not null,
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz not null,
    constraint notification_delivery_status check (incident_status in ('ANOMALOUS', 'RESOLVED')),
    constraint notification_delivery_state check (state in ('PENDING', 'DELIVERED', 'FAILED')),
    constraint notification_delivery_once unique (incident_id, channel_id, incident_status)
);
create index notification_delivery_due on notification_delivery (next_attempt_at) where state = 'PENDING';
create index notification_delivery_by_channel on notification_delivery (channel_id);
