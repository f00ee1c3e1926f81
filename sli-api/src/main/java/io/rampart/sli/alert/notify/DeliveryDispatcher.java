package io.rampart.sli.alert.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
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

    private static final String DISABLED = "channel disabled";



    private final DeliveryRepository deliveries;
    private final Senders senders;
    private final AlertConfig.Delivery config;
    private final MeterRegistry metrics;
    /** Attempts this replica has started and not yet recorded. */
    private final AtomicInteger inFlight = new AtomicInteger();

    public DeliveryDispatcher(DeliveryRepository deliveries, Senders senders, AlertConfig config, MeterRegistry metrics) {
        this.deliveries = deliveries;
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
        return deliveries.claim(now, leaseEnd, room, config.perAppInFlight(), config.maxAttempts())
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
                        return Uni.createFrom().item(DeliveryState.FAILED);
                    }
                    return send(attempt, now).chain(outcome -> record(attempt, outcome, now))
                            .eventually(inFlight::decrementAndGet);
                })
                .collect().asList()
                .map(states -> new Round(count(states, DeliveryState.DELIVERED), count(states, DeliveryState.PENDING),
                        count(states, DeliveryState.FAILED)));
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

    private Uni<DeliveryState> record(Attempt attempt, Outcome outcome, Instant now) {
        DeliveryState state = outcome.delivered() ? DeliveryState.DELIVERED
                : !outcome.retryable() || attempt.attempts() >= config.maxAttempts() ? DeliveryState.FAILED : DeliveryState.PENDING;
        Instant next = now.plus(backoff(attempt.attempts()));
        boolean aboutTheChannel = !DISABLED.equals(outcome.error());
        metrics.counter("rampart.alerts.notifications", "outcome", state.name().toLowerCase(Locale.ROOT),
                "type", attempt.type()).increment();
        return deliveries.record(attempt.id(), state, next, outcome.statusCode(), outcome.error(), now, aboutTheChannel)
                .replaceWith(state)
                // The lease runs out and the delivery comes due again; the other outcomes still count.
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("recording notification delivery %d failed: %s", attempt.id(), e.getClass().getName());
                    return DeliveryState.UNRECORDED;
                });
    }

    /** The wait after the n-th failed attempt: the initial backoff doubled n - 1 times, at most the maximum. */
    private Duration backoff(int attempts) {
        Duration wait = config.initialBackoff().multipliedBy(1L << Math.min(attempts - 1, 30));
        return wait.compareTo(config.maxBackoff()) > 0 || wait.isNegative() ? config.maxBackoff() : wait;
    }

    private static int count(List<DeliveryState> states, DeliveryState state) {
        return (int) states.stream().filter(state::equals).count();
    }
}
