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
import java.util.List;
import java.util.Locale;

/**
 * Sends queued notifications through their channel's sender. Each replica claims due deliveries
 * with FOR UPDATE SKIP LOCKED and pushes them past its timeout while sending, so no two replicas
 * send one delivery at once and a crashed replica's claims come due again. Every delivery is sent
 * on its own: a slow or failing receiver delays nobody else. A failed attempt is retried with
 * exponential backoff; after the last attempt the delivery is FAILED. Each outcome also moves the
 * channel's health (failed attempts in a row).
 */
@ApplicationScoped
public class DeliveryDispatcher {

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);

    /** What one round did. */
    public record Round(int delivered, int retrying, int failed) {
    }

    private record Attempt(long id, int attempts, Notification notification, String type, boolean enabled, Row channel) {
    }

    /**
     * Due deliveries, claimed: one incident's messages to one channel leave in order (a resolve
     * never overtakes its trigger or a held reminder), so a later one waits while an earlier one is
     * pending.
     */
    private static final String CLAIM = """
            update notification_delivery as d set attempts = d.attempts + 1, last_attempt_at = $1, next_attempt_at = $2
            from (select p.id from notification_delivery p where p.state = 'PENDING' and p.next_attempt_at <= $1
                    and not exists (select 1 from notification_delivery e where e.incident_id = p.incident_id
                        and e.channel_id = p.channel_id and e.id < p.id and e.state = 'PENDING')
                  order by p.next_attempt_at limit $3 for update skip locked) as due,
                 notification_channel as c
            where d.id = due.id and c.id = d.channel_id
            returning d.id as delivery_id, d.attempts, d.payload, c.id, c.type, c.name, c.url, c.settings, c.enabled,
                c.key_id, c.sealed""";

    /**
     * An attempt's outcome on the delivery and, where it says something about the channel ($7),
     * on the channel's health: a delivered attempt clears the failures, a failed one adds one.
     */
    private static final String RECORD = """
            with recorded as (
                update notification_delivery set state = $2::text, next_attempt_at = $3::timestamptz,
                    last_status_code = $4::integer, last_error = $5::text,
                    delivered_at = case when $2::text = 'DELIVERED' then $6::timestamptz end
                where id = $1 returning channel_id)
            update notification_channel as c set
                consecutive_failures = case when $2::text = 'DELIVERED' then 0 else c.consecutive_failures + 1 end,
                failing_since = case when $2::text = 'DELIVERED' then null else coalesce(c.failing_since, $6::timestamptz) end,
                last_error = case when $2::text = 'DELIVERED' then null else $5::text end
            from recorded where c.id = recorded.channel_id and $7::boolean""";

    private static final String DISABLED = "channel disabled";

    private final Pool pool;
    private final Senders senders;
    private final AlertConfig.Delivery config;
    private final MeterRegistry metrics;

    public DeliveryDispatcher(Pool pool, Senders senders, AlertConfig config, MeterRegistry metrics) {
        this.pool = pool;
        this.senders = senders;
        this.config = config.delivery();
        this.metrics = metrics;
    }

    @Scheduled(identity = "notification-delivery", every = "${rampart.alerts.delivery.every:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return dispatch(Instant.now()).replaceWithVoid();
    }

    /** Sends every delivery due at {@code now} (up to the batch size) and records each outcome. */
    public Uni<Round> dispatch(Instant now) {
        // Claimed past the attempt's timeout: a replica that dies while sending hands the delivery back.
        Instant leaseEnd = now.plus(config.timeout().multipliedBy(2));
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC), leaseEnd.atOffset(ZoneOffset.UTC), config.batch()))
                .chain(rows -> Multi.createFrom().iterable(rows).map(DeliveryDispatcher::attempt)
                        .onItem().transformToUniAndMerge(attempt -> send(attempt, now)
                                .chain(outcome -> record(attempt, outcome, now)))
                        .collect().asList())
                .map(states -> new Round(count(states, "DELIVERED"), count(states, "PENDING"), count(states, "FAILED")));
    }

    private static Attempt attempt(Row row) {
        return new Attempt(row.getLong("delivery_id"), row.getInteger("attempts"),
                Notification.of((JsonObject) row.getValue("payload")), row.getString("type"), row.getBoolean("enabled"), row);
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
                // The claim's lease runs out and the delivery comes due again; the other outcomes still count.
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
