-- Fair notification delivery (sli-api, docs/alerts.md): a claimed delivery is leased until its
-- attempt is recorded, so that every replica can count the deliveries each app has in flight and
-- hold an app that has its share in flight back in favour of the others.
alter table notification_delivery add column leased_until timestamptz;
create index notification_delivery_in_flight on notification_delivery (leased_until)
    where state = 'PENDING' and leased_until is not null;
