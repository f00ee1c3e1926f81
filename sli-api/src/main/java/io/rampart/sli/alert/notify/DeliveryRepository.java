package io.rampart.sli.alert.notify;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The notification deliveries (notification_delivery) as {@link DeliveryDispatcher} sends them:
 * claimed with FOR UPDATE SKIP LOCKED and leased, then each attempt's outcome recorded with its
 * effect on the channel's health.
 */
@ApplicationScoped
public class DeliveryRepository {

    /**
     * Claims the due deliveries, fairly across apps, and leases them until $2; one found due with its
     * attempts used up (its last attempt was never recorded) is FAILED with "attempts used up" instead.
     * $1 now, $2 lease end, $3 most deliveries to claim, $4 most in flight per app, $5 attempts per delivery.
     */
    private static final String CLAIM = """
            with in_flight as (
                -- what each app has leased and not yet recorded, on any replica
                select c.app_key, count(*) as sending
                from notification_delivery d join notification_channel c on c.id = d.channel_id
                where d.state = 'PENDING' and d.leased_until > $1::timestamptz
                group by c.app_key),
            ranked as (
                -- each app's due deliveries, oldest first, numbered after those it has in flight; one
                -- incident's messages to one channel leave in order (a resolve never overtakes its
                -- trigger or a held reminder): a later one waits while an earlier one is pending
                select d.id, d.next_attempt_at,
                       coalesce(f.sending, 0) + row_number() over (partition by c.app_key order by d.next_attempt_at, d.id)
                           as place
                from notification_delivery d
                join notification_channel c on c.id = d.channel_id
                left join in_flight f on f.app_key = c.app_key
                where d.state = 'PENDING' and d.next_attempt_at <= $1::timestamptz
                  and not exists (select 1 from notification_delivery e where e.incident_id = d.incident_id
                      and e.channel_id = d.channel_id and e.id < d.id and e.state = 'PENDING')),
            due as (
                -- round robin: every app's first place before any app's second; another replica's claims are
                -- skipped, and so is one it claimed and committed since this statement's snapshot (the row
                -- lock re-reads the row, and only these conditions on its own columns are checked again)
                select id from notification_delivery
                where id in (select id from ranked where place <= $4::integer order by place, next_attempt_at, id limit $3::integer)
                  and state = 'PENDING' and next_attempt_at <= $1::timestamptz
                for update skip locked)
            update notification_delivery as d set
                -- a delivery due with its attempts used up lost its last record: FAILED, not sent again
                state = case when d.attempts >= $5::integer then 'FAILED' else d.state end,
                last_error = case when d.attempts >= $5 then 'attempts used up' else d.last_error end,
                attempts = case when d.attempts >= $5 then d.attempts else d.attempts + 1 end,
                last_attempt_at = case when d.attempts >= $5 then d.last_attempt_at else $1::timestamptz end,
                next_attempt_at = $2::timestamptz,
                leased_until = case when d.attempts >= $5 then null else $2::timestamptz end
            from due, notification_channel as c
            where d.id = due.id and c.id = d.channel_id
            returning d.id as delivery_id, d.attempts, d.state = 'FAILED' as exhausted, d.payload, c.id, c.type, c.name,
                c.url, c.settings, c.enabled, c.key_id, c.sealed""";

    /**
     * The outcome of one attempt (the lease ends with it) and, where it says something about the
     * channel ($7), its effect on the channel's health: a delivered attempt clears the failures, a
     * failed one adds one.
     */
    private static final String RECORD = """
            with recorded as (
                update notification_delivery set state = $2::text, next_attempt_at = $3::timestamptz,
                    last_status_code = $4::integer, last_error = $5::text, leased_until = null,
                    delivered_at = case when $2::text = 'DELIVERED' then $6::timestamptz end
                where id = $1 returning channel_id)
            update notification_channel as c set
                consecutive_failures = case when $2::text = 'DELIVERED' then 0 else c.consecutive_failures + 1 end,
                failing_since = case when $2::text = 'DELIVERED' then null else coalesce(c.failing_since, $6::timestamptz) end,
                last_error = case when $2::text = 'DELIVERED' then null else $5::text end
            from recorded where c.id = recorded.channel_id and $7::boolean""";

    private final Pool pool;

    public DeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Claims up to {@code room} due deliveries, at most {@code perApp} in flight per app, leased
     * until {@code leaseEnd}: one row per claimed delivery with its channel.
     */
    Uni<RowSet<Row>> claim(Instant now, Instant leaseEnd, int room, int perApp, int maxAttempts) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), leaseEnd.atOffset(ZoneOffset.UTC), room,
                        perApp, maxAttempts));
    }

    /** Records an attempt's outcome (its lease ends) and, where {@code aboutTheChannel}, the channel's health. */
    Uni<RowSet<Row>> record(long deliveryId, DeliveryState state, Instant next, Integer statusCode, String error, Instant now,
            boolean aboutTheChannel) {
        return pool.preparedQuery(RECORD)
                .execute(Tuple.tuple(List.of(deliveryId, state.name(), next.atOffset(ZoneOffset.UTC)))
                        .addValue(statusCode).addValue(error).addValue(now.atOffset(ZoneOffset.UTC))
                        .addValue(aboutTheChannel));
    }
}
