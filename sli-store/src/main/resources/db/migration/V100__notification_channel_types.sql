-- Notification channel types beside signed webhooks (docs/alerts.md): email, Slack, PagerDuty and
-- Opsgenie; per-channel filters, reminders, resolve messages and quiet hours; channel health;
-- incident acknowledgement.

-- type: how the channel is reached. url: the webhook's address (shown; null for other types).
-- key_id/sealed: the channel's credential, sealed (webhook signing secret, Slack incoming-webhook
-- URL, PagerDuty routing key, Opsgenie API key); email has none. settings: the type's other,
-- non-secret settings ({"to": [...]} for email, {"region": "us"|"eu"} for Opsgenie).
alter table notification_channel
    add column type                 text    not null default 'webhook',
    add column settings             jsonb   not null default '{}',
    -- rule ids (a trailing * matches a prefix) and severities it receives; null receives all
    add column rules                text[],
    add column severities           text[],
    -- a reminder every so many hours while an incident stays open and unacknowledged; null: none
    add column reminder_every_hours integer,
    add column send_resolved        boolean not null default true,
    -- non-page notifications falling in [quiet_start, quiet_end) of quiet_zone wait for quiet_end
    add column quiet_start          time,
    add column quiet_end            time,
    add column quiet_zone           text,
    -- health: failed attempts in a row (a delivered one resets it), since when, the last error
    add column consecutive_failures integer not null default 0,
    add column failing_since        timestamptz,
    add column last_error           text,
    alter column url drop not null,
    alter column key_id drop not null,
    alter column sealed drop not null,
    add constraint notification_channel_type check (type in ('webhook', 'email', 'slack', 'pagerduty', 'opsgenie')),
    add constraint notification_channel_reminder check (reminder_every_hours between 1 and 168),
    add constraint notification_channel_quiet check ((quiet_start is null) = (quiet_end is null)
        and (quiet_start is null) = (quiet_zone is null));

-- Who acknowledged an open incident and when: reminders stop.
alter table alert_incident
    add column acknowledged_at timestamptz,
    add column acknowledged_by text;

-- reminder: 0 for the incident's state change itself, n for its n-th reminder (ANOMALOUS only),
-- so each leaves once per incident and channel. CANCELLED: a reminder still pending when the
-- incident was acknowledged or resolved.
alter table notification_delivery
    add column reminder integer not null default 0,
    drop constraint notification_delivery_once,
    add constraint notification_delivery_once unique (incident_id, channel_id, incident_status, reminder),
    drop constraint notification_delivery_state,
    add constraint notification_delivery_state check (state in ('PENDING', 'DELIVERED', 'FAILED', 'CANCELLED'));

-- Whether a channel with these rule and severity filters receives a notification of this rule and
-- severity: null filters receive all; a rule pattern ending in * matches a prefix.
create function notification_channel_receives(rules text[], severities text[], rule text, severity text)
returns boolean language sql immutable as $$
    select (severities is null or severity = any(severities))
       and (rules is null or exists (select 1 from unnest(rules) as r(pattern)
            where r.pattern = rule or (right(r.pattern, 1) = '*' and starts_with(rule, left(r.pattern, -1)))))
$$;
