-- Aggregated host ingest (event-ingest, POST /api/v1/host-aggregates): the host sends one
-- minute of one app's events of one type as counts, stored straight into the rollups (V30). A
-- receipt per (app, minute, stream, idempotency key) makes a resend count nothing the second time.
-- app_key leads the key, as in every event and rollup table (docs/scale.md: distribution by app).
create table host_aggregate_receipt (
    app_key         text        not null,
    bucket          timestamptz not null,  -- the minute the aggregate counts
    stream          text        not null,  -- an app_event kind, as in the rollups
    idempotency_key text        not null,
    received_at     timestamptz not null default now(),
    primary key (app_key, bucket, stream, idempotency_key)
);
