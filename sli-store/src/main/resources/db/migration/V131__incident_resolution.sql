-- Why an incident was resolved, where it was not simply its rule ceasing to fire: a platform fault
-- declared afterwards that covers its breach ("excluded: platform fault <id>", docs/alerts.md).
alter table alert_incident add column resolution text;
