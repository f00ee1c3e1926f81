package io.rampart.sli.export.statuspage;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.rampart.sli.indicator.SeriesPoint;
import io.rampart.sli.indicator.SliSeries;
import io.rampart.sli.indicator.SliService;
import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Pushes every configured app's SLI points to its Statuspage page: one point per step (the SLI
 * over that step, from the SLI API's series), complete steps only, backfilling a new metric up to
 * {@code backfill} back. One replica exports at a time (the database lease); a 420, 429, 5xx or
 * failed connection backs the app off exponentially.
 */
@ApplicationScoped
public class StatuspageExporter {

    private static final Logger LOG = Logger.getLogger(StatuspageExporter.class);

    private final StatuspageRepository repository;
    private final SliService slis;
    private final StatuspageClient client;
    private final KeyRateLimiter rateLimiter;
    private final SecretSealer sealer;
    private final StatuspageConfig config;
    private final String holder = "exporter-" + UUID.randomUUID();

    public StatuspageExporter(StatuspageRepository repository, SliService slis, StatuspageClient client,
            KeyRateLimiter rateLimiter, SecretSealer sealer, StatuspageConfig config) {
        this.repository = repository;
        this.slis = slis;
        this.client = client;
        this.rateLimiter = rateLimiter;
        this.sealer = sealer;
        this.config = config;
    }

    @Scheduled(every = "${rampart.statuspage.tick:30s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return config.enabled() ? runOnce() : Uni.createFrom().voidItem();
    }

    /** One pass: with the lease, every app whose backoff has ended is brought up to date. */
    public Uni<Void> runOnce() {
        return repository.acquireLease(holder, config.lease()).chain(held -> !held ? Uni.createFrom().voidItem()
                : repository.due(Instant.now()).chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(this::export)
                        .collect().asList().replaceWithVoid()));
    }

    /** Gives the lease up, so that another replica takes over at its next tick. */
    public Uni<Void> release() {
        return repository.releaseLease(holder);
    }

    /** This replica's name in the lease. */
    String holder() {
        return holder;
    }

    void onStop(@Observes ShutdownEvent event) {
        release().await().atMost(Duration.ofSeconds(5));
    }

    private Uni<Void> export(StatuspageRepository.Stored app) {
        String apiKey;
        try {
            apiKey = sealer.open(StatuspageService.sealOwner(app.appKey()), app.apiKey());
        } catch (RuntimeException e) {
            // A key sealed with a retired sealing key, or damaged: the API shows it; retrying will not help.
            return repository.recordFailure(app.appKey(), "the API key cannot be opened: set it again",
                    Instant.now().plus(config.backoffMax()));
        }
        return exportSteps(app, app.view().metrics(), apiKey);
    }

    /** Sends the next stretch of points of every metric; goes on while there is more and the lease holds. */
    private Uni<Void> exportSteps(StatuspageRepository.Stored app, List<StatuspageView.Metric> metrics, String apiKey) {
        Instant now = Instant.now();
        long stepSeconds = config.step().toSeconds();
        Instant end = Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), stepSeconds) * stepSeconds);
        Instant oldest = end.minus(config.backfill());
        List<Uni<Stretch>> stretches = new ArrayList<>();
        for (StatuspageView.Metric metric : metrics) {
            Instant from = metric.sentUntil() == null || metric.sentUntil().isBefore(oldest) ? oldest : metric.sentUntil();
            if (from.isBefore(end)) {
                Instant to = min(end, from.plus(config.step().multipliedBy(config.maxPointsPerMetric())));
                stretches.add(slis.series(app.appKey(), metric.sliId(),
                                new SliService.Query(null, from.toString(), to.toString(), null, null, null),
                                config.step().toMinutes() + "m", null, now)
                        .map(series -> new Stretch(metric, to, series)));
            }
        }
        if (stretches.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(stretches).andFailFast().chain(done -> send(app, done, apiKey))
                .chain(progress -> progress == null ? Uni.createFrom().voidItem()
                        : repository.acquireLease(holder, config.lease()).chain(held -> held
                                ? exportSteps(app, progress, apiKey) : Uni.createFrom().voidItem()));
    }

    /** One request with the points of every stretch; answers the metrics' new progress, or null after a failure. */
    private Uni<List<StatuspageView.Metric>> send(StatuspageRepository.Stored app, List<Stretch> stretches,
            String apiKey) {
        JsonObject data = new JsonObject();
        List<StatuspageView.Metric> progress = new ArrayList<>();
        for (Stretch stretch : stretches) {
            JsonArray points = new JsonArray();
            SeriesPoint last = null;
            for (SeriesPoint point : stretch.series().points()) {
                if (point.value() != null) {
                    points.add(new JsonObject().put("timestamp", point.timestamp().getEpochSecond())
                            .put("value", point.value()));
                    last = point;
                }
            }
            if (!points.isEmpty()) {
                data.put(stretch.metric().metricId(), points);
            }
            progress.add(new StatuspageView.Metric(stretch.metric().sliId(), stretch.metric().metricId(),
                    stretch.to(), last == null ? null : last.timestamp(), last == null ? null : last.value()));
        }
        if (data.isEmpty()) {
            // Steps without events have no point: nothing to send, but the progress stands.
            return repository.recordProgress(app.appKey(), progress, false).replaceWith(progress);
        }
        return rateLimiter.awaitTurn(apiKey)
                .chain(() -> client.send(app.apiBaseUrl(), app.pageId(), apiKey, new JsonObject().put("data", data)))
                .invoke(() -> rateLimiter.answered(apiKey))
                .chain(outcome -> {
                    if (outcome.succeeded()) {
                        return repository.recordProgress(app.appKey(), progress, true).replaceWith(progress);
                    }
                    Duration wait = backoff(app.failures(), outcome.retryAfter());
                    LOG.warnf("Statuspage export of %s failed: %s; next attempt in %s", app.appKey(),
                            outcome.description(), wait);
                    return repository.recordFailure(app.appKey(), outcome.description(), Instant.now().plus(wait))
                            .replaceWith((List<StatuspageView.Metric>) null);
                });
    }

    /** Doubles from backoff-initial with every failure in a row, up to backoff-max; a longer Retry-After wins. */
    Duration backoff(int failuresBefore, Duration retryAfter) {
        Duration wait = config.backoffInitial().multipliedBy(1L << Math.min(failuresBefore, 20));
        if (wait.compareTo(config.backoffMax()) > 0) {
            wait = config.backoffMax();
        }
        return retryAfter != null && retryAfter.compareTo(wait) > 0 ? retryAfter : wait;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The points of one metric from its progress up to {@code to}. */
    private record Stretch(StatuspageView.Metric metric, Instant to, SliSeries series) {
    }
}
