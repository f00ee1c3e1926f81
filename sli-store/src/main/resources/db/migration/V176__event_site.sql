-- The customer installation a host event happened on (docs/ingest.md, "site"): optional, so that
-- breakdowns can show the sites most affected (docs/sli-api.md, "Breakdowns").
alter table app_event add column site text;
