-- No-data rules (sli-api, docs/alerts.md "No-data rules"): how long an app that has sent synthetic
-- check results may then send none before the incident synthetic_checks_stale opens, in minutes;
-- null: sli-api's default (RAMPART_ALERTS_SYNTHETIC_STALE_AFTER, 2 h).
alter table app add column synthetic_stale_after_minutes integer
    constraint app_synthetic_stale_after check (synthetic_stale_after_minutes between 1 and 40320);
