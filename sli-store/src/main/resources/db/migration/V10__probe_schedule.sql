-- healthcheck-prober's scheduling state: one row per enabled health check target, kept in sync
-- with the registry (app, healthcheck_target) by the prober itself. Replicas share the targets
-- through it: a replica claims a due row with FOR UPDATE SKIP LOCKED and, in the same statement,
-- advances next_due_at by the app's interval from the scheduled slot (not from the probe's end),
-- so each slot of each target is claimed by exactly one replica and the schedule never drifts.
-- No foreign key to healthcheck_target: sli-api's deletes must never wait on the prober's locks;
-- the prober's sync removes rows whose target is gone.
create table probe_schedule (
    target_id        bigint      primary key,
    next_due_at      timestamptz not null,
    -- The app's interval when the row was last claimed or synced: a change shows the sync which
    -- rows to re-time.
    interval_seconds integer     not null,
    -- The replica that claimed the latest slot and until when that slot is its own (slot + probe
    -- timeout); kept so that a stopping replica can hand back the slots it had not started yet.
    lease_owner      text,
    lease_until      timestamptz
);
create index probe_schedule_due on probe_schedule (next_due_at);
