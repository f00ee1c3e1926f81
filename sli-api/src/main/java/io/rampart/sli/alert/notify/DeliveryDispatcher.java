package io.rampart.sli.alert.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends queued notifications through their channel type's sender. Each replica claims due
 * deliveries with FOR UPDATE SKIP LOCKED and leases them past their timeout while sending, so no
 * two replicas send one delivery at once and a crashed replica's claims come due again. Claims are
 * fair: each app has at most its share in flight, and every app's first due delivery is claimed
 * before any app's second. One incident's messages to one channel leave in order. A scheduled
 * round does not wait for the attempts it started, so a receiver that never answers delays nobody
 * else. A failed attempt is retried with exponential backoff; after the last attempt the delivery
 * is FAILED, and a delivery found due with its attempts used up (its last attempt was never
 * recorded, say because the replica died) is FAILED when claimed instead of being sent again. Each
 * outcome also moves the channel's health (failed attempts in a row).
 */
@ApplicationScoped
public class DeliveryDispatcher {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);

    /** What one round did. */
    public record Round(int delivered, int retrying, int failed) {
    }

    private record Attempt(long id, int attempts, boolean exhausted, Notification notification, String type,
            boolean enabled, Row channel) {
    }

    /** What a delivery claimed with its attempts used up records as its last error. */
    static final String ATTEMPTS_USED_UP = "attempts used up";

    private static final String DISABLED = "channel disabled";

    // $1 now, $2 lease end, $3 most deliveries to claim, $4 most in flight per app, $5 attempts per delivery.
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
                last_error = case when d.attempts >= $5 then '%s' else d.last_error end,
                attempts = case when d.attempts >= $5 then d.attempts else d.attempts + 1 end,
                last_attempt_at = case when d.attempts >= $5 then d.last_attempt_at else $1::timestamptz end,
                next_attempt_at = $2::timestamptz,
                leased_until = case when d.attempts >= $5 then null else $2::timestamptz end
            from due, notification_channel as c
            where d.id = due.id and c.id = d.channel_id
            returning d.id as delivery_id, d.attempts, d.state = 'FAILED' as exhausted, d.payload, c.id, c.type, c.name,
                c.url, c.settings, c.enabled, c.key_id, c.sealed""".formatted(ATTEMPTS_USED_UP);

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
    private final Senders senders;
    private final AlertConfig.Delivery config;
    private final MeterRegistry metrics;
    /** Attempts this replica has started and not yet recorded. */
    private final AtomicInteger inFlight = new AtomicInteger();

    public DeliveryDispatcher(Pool pool, Senders senders, AlertConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.senders = senders;
        this.config = config.delivery();
        this.metrics = metrics;
    }

    /** Claims what is due and starts sending it; the next round need not wait for the answers. */
    @Scheduled(identity = "notification-delivery", every = "${rampart.alerts.delivery.every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        Instant now = Instant.now();
        return claim(now).invoke(claimed -> sendAll(claimed, now).subscribe().with(
                        round -> { },
                        failure -> LOG.warnf("notification round failed: %s", failure.getClass().getName())))
                .replaceWithVoid();
    }

    /** Sends every delivery due at {@code now} (up to the batch size and the shares) and records each outcome. */
    public Uni<Round> dispatch(Instant now) {
        return claim(now).chain(claimed -> sendAll(claimed, now));
    }

    private Uni<List<Attempt>> claim(Instant now) {
        int room = Math.min(config.batch(), config.maxInFlight() - inFlight.get());
        if (room <= 0) {
            return Uni.createFrom().item(List.of());
        }
        // Leased past the attempt's timeout: a replica that dies while sending hands the delivery back.
        Instant leaseEnd = now.plus(config.timeout().multipliedBy(2));
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), leaseEnd.atOffset(ZoneOffset.UTC), room,
                        config.perAppInFlight(), config.maxAttempts()))
                .map(rows -> {
                    List<Attempt> claimed = new ArrayList<>();
                    rows.forEach(row -> claimed.add(attempt(row)));
                    inFlight.addAndGet((int) claimed.stream().filter(attempt -> !attempt.exhausted()).count());
                    return claimed;
                });
    }

    private Uni<Round> sendAll(List<Attempt> claimed, Instant now) {
        return Multi.createFrom().iterable(claimed)
                .onItem().transformToUniAndMerge(attempt -> {
                    if (attempt.exhausted()) {
                        metrics.counter("rampart.alerts.notifications", "outcome", "failed", "type", attempt.type())
                                .increment();
                        return Uni.createFrom().item("FAILED");
                    }
                    return send(attempt, now).chain(outcome -> record(attempt, outcome, now))
                            .eventually(inFlight::decrementAndGet);
                })
                .collect().asList()
                .map(states -> new Round(count(states, "DELIVERED"), count(states, "PENDING"), count(states, "FAILED")));
    }

    private static Attempt attempt(Row row) {
        return new Attempt(row.getLong("delivery_id"), row.getInteger("attempts"), row.getBoolean("exhausted"),
                Notification.of((JsonObject) row.getValue("payload")), row.getString("type"), row.getBoolean("enabled"),
                row);
    }

    private Uni<Outcome> send(Attempt attempt, Instant now) {
        if (!attempt.enabled()) {
            return Uni.createFrom().item(Outcome.failed(DISABLED, false));
        }
        return Uni.createFrom().deferred(() -> senders.of(attempt.type())
                        .send(senders.recipient(attempt.channel()), attempt.notification(), attempt.id(), now))
                // A credential that no configured key opens: the class only, never the value.
                .onFailure().recoverWithItem(e -> Outcome.failed(e.getClass().getSimpleName(), true));
    }

    private Uni<String> record(Attempt attempt, Outcome outcome, Instant now) {
        String state = outcome.delivered() ? "DELIVERED"
                : !outcome.retryable() || attempt.attempts() >= config.maxAttempts() ? "FAILED" : "PENDING";
        Instant next = now.plus(backoff(attempt.attempts()));
        boolean aboutTheChannel = !DISABLED.equals(outcome.error());
        metrics.counter("rampart.alerts.notifications", "outcome", state.toLowerCase(Locale.ROOT),
                "type", attempt.type()).increment();
        return pool.preparedQuery(RECORD)
                .execute(Tuple.tuple(List.of(attempt.id(), state, next.atOffset(ZoneOffset.UTC)))
                        .addValue(outcome.statusCode()).addValue(outcome.error()).addValue(now.atOffset(ZoneOffset.UTC))
                        .addValue(aboutTheChannel))
                .replaceWith(state)
                // The lease runs out and the delivery comes due again; the other outcomes still count.
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("recording notification delivery %d failed: %s", attempt.id(), e.getClass().getName());
                    return "UNRECORDED";
                });
    }

    /** The wait after the n-th failed attempt: the initial backoff doubled n - 1 times, at most the maximum. */
    private Duration backoff(int attempts) {
        Duration wait = config.initialBackoff().multipliedBy(1L << Math.min(attempts - 1, 30));
        return wait.compareTo(config.maxBackoff()) > 0 || wait.isNegative() ? config.maxBackoff() : wait;
    }

    private static int count(List<String> states, String state) {
        return (int) states.stream().filter(state::equals).count();
    }
}
