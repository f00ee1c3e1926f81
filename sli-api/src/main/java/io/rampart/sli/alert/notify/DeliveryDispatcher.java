package io.rampart.sli.alert.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.rampart.sli.alert.AlertConfig;
import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Sends queued notifications. Each replica claims due deliveries with FOR UPDATE SKIP LOCKED and
 * pushes them past its timeout while sending, so no two replicas send one delivery at once and a
 * crashed replica's claims come due again. Every delivery is sent on its own: a slow or failing
 * receiver delays nobody else. A failed attempt is retried with exponential backoff; after the
 * last attempt the delivery is FAILED.
 */
@ApplicationScoped
public class DeliveryDispatcher {

    public static final String DELIVERY_HEADER = "X-Rampart-Delivery";

    private static final Logger LOG = Logger.getLogger(DeliveryDispatcher.class);

    /** What one round did. */
    public record Round(int delivered, int retrying, int failed) {
    }

    private record Attempt(long id, int attempts, JsonObject payload, String channelId, String url, boolean enabled,
            SecretSealer.Sealed sealed) {
    }

    /** The answer of one attempt: a status code if the receiver answered, an error otherwise; whether to try again. */
    private record Outcome(Integer statusCode, String error, boolean retryable) {

        static Outcome answered(int status) {
            return new Outcome(status, status >= 200 && status < 300 ? null : "HTTP " + status, true);
        }

        boolean delivered() {
            return error == null;
        }
    }

    private static final String CLAIM = """
            update notification_delivery as d set attempts = d.attempts + 1, last_attempt_at = $1, next_attempt_at = $2
            from (select id from notification_delivery where state = 'PENDING' and next_attempt_at <= $1
                  order by next_attempt_at limit $3 for update skip locked) as due,
                 notification_channel as c
            where d.id = due.id and c.id = d.channel_id
            returning d.id, d.attempts, d.payload, c.id as channel_id, c.url, c.enabled, c.key_id, c.sealed""";

    private static final String RECORD = """
            update notification_delivery set state = $2::text, next_attempt_at = $3::timestamptz,
                last_status_code = $4::integer, last_error = $5::text,
                delivered_at = case when $2::text = 'DELIVERED' then $6::timestamptz end
            where id = $1""";

    private final Pool pool;
    private final SecretSealer sealer;
    private final AlertConfig.Delivery config;
    private final MeterRegistry metrics;
    private final Vertx vertx;
    private final HttpClient client;

    public DeliveryDispatcher(Pool pool, SecretSealer sealer, AlertConfig config, MeterRegistry metrics, Vertx vertx) {
        this.pool = pool;
        this.sealer = sealer;
        this.config = config.delivery();
        this.metrics = metrics;
        this.vertx = vertx;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis()));
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
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
                .chain(rows -> Multi.createFrom().iterable(rows).map(this::attempt)
                        .onItem().transformToUniAndMerge(attempt -> send(attempt, now)
                                .chain(outcome -> record(attempt, outcome, now)))
                        .collect().asList())
                .map(states -> new Round(count(states, "DELIVERED"), count(states, "PENDING"), count(states, "FAILED")));
    }

    private Attempt attempt(Row row) {
        return new Attempt(row.getLong("id"), row.getInteger("attempts"), row.getJsonObject("payload"),
                row.getUUID("channel_id").toString(), row.getString("url"), row.getBoolean("enabled"),
                new SecretSealer.Sealed(row.getString("key_id"), row.getBuffer("sealed").getBytes()));
    }

    private Uni<Outcome> send(Attempt attempt, Instant now) {
        if (!attempt.enabled()) {
            return Uni.createFrom().item(new Outcome(null, "channel disabled", false));
        }
        Duration timeout = config.timeout();
        URI uri = URI.create(attempt.url());
        // Resolved here, off the event loop, and connected to that very address: a name that
        // resolves to a public address when checked cannot point inside when connecting.
        return vertx.executeBlocking(Uni.createFrom().item(() -> resolve(uri.getHost())))
                .chain(address -> {
                    if (address == null) {
                        return Uni.createFrom().item(new Outcome(null, "unknown host", true));
                    }
                    if (!config.allowPrivateNetworks() && !Destinations.isPublic(address)) {
                        return Uni.createFrom().item(new Outcome(null, "destination not public", false));
                    }
                    String body = attempt.payload().encode();
                    String secret = sealer.open(ChannelService.sealOwner(UUID.fromString(attempt.channelId())),
                            attempt.sealed());
                    int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
                    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                            .setAbsoluteURI(attempt.url()).setIdleTimeout(timeout.toMillis())
                            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                            .putHeader("Content-Type", "application/json")
                            .putHeader("User-Agent", "Rampart-Alerts/1")
                            .putHeader(DELIVERY_HEADER, Long.toString(attempt.id()))
                            .putHeader(WebhookSignature.HEADER, WebhookSignature.header(secret, now.getEpochSecond(), body));
                    return client.request(options)
                            .chain(outgoing -> outgoing.send(body))
                            .chain(response -> response.body().map(ignored -> Outcome.answered(response.statusCode())));
                })
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                // The class only: a message may quote the URL, which can itself be a credential.
                .onFailure().recoverWithItem(e -> new Outcome(null, e instanceof TimeoutException ? "timeout"
                        : e.getClass().getSimpleName(), true));
    }

    /** The host's address, or null when it has none. */
    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private Uni<String> record(Attempt attempt, Outcome outcome, Instant now) {
        String state = outcome.delivered() ? "DELIVERED"
                : !outcome.retryable() || attempt.attempts() >= config.maxAttempts() ? "FAILED" : "PENDING";
        Instant next = now.plus(backoff(attempt.attempts()));
        metrics.counter("rampart.alerts.notifications", "outcome", state.toLowerCase(Locale.ROOT)).increment();
        return pool.preparedQuery(RECORD)
                .execute(Tuple.tuple(List.of(attempt.id(), state, next.atOffset(ZoneOffset.UTC)))
                        .addValue(outcome.statusCode()).addValue(outcome.error()).addValue(now.atOffset(ZoneOffset.UTC)))
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
