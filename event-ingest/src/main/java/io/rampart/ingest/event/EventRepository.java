package io.rampart.ingest.event;

import io.quarkus.runtime.ShutdownEvent;
import io.rampart.ingest.config.IngestConfig;
import io.rampart.ingest.metrics.IngestMetrics;
import io.rampart.ingest.metrics.IngestMetrics.Source;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Group commit: requests queue their validated rows here, and at most
 * {@code rampart.ingest.writer.concurrency} transactions drain the queue, each writing whole
 * requests as one multi-row statement (one round trip, atomic on its own). A request's Uni
 * completes only after its transaction has committed, so a 2xx always means stored.
 * Deduplication by (app, eventId) happens in the same statement: an id that
 * {@code app_event_id} already holds is not stored again.
 */
@ApplicationScoped
public class EventRepository {

    private static final Logger LOG = Logger.getLogger(EventRepository.class);

    /** A batch without event ids: one statement, so one round trip and atomic without BEGIN/COMMIT. */
    private static final String INSERT_EVENTS = """
            insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded, status_code, error_kind, lifecycle,
                                   product, webhook_event, queue_ms, check_name, event_id, site)
            select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::bool[], $6::int[], $7::text[],
                                 $8::text[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[], $14::text[])""";
    /**
     * A batch with event ids, also one statement: claims the ids, stores the rows without an id
     * and those whose id was new, and answers the new ids. The CTEs run to completion whether read or not.
     */
    private static final String INSERT_EVENTS_CLAIMING_IDS = """
            with fresh as (
                insert into app_event_id (app_key, event_id) select * from unnest($15::text[], $16::text[])
                on conflict do nothing
                returning app_key, event_id
            ),
            stored as (
                insert into app_event (app_key, kind, occurred_at, duration_ms, succeeded, status_code, error_kind,
                                       lifecycle, product, webhook_event, queue_ms, check_name, event_id, site)
                select c.*
                from unnest($1::text[], $2::text[], $3::timestamptz[], $4::int[], $5::bool[], $6::int[], $7::text[],
                            $8::text[], $9::text[], $10::text[], $11::int[], $12::text[], $13::text[], $14::text[])
                     as c(app_key, kind, occurred_at, duration_ms, succeeded, status_code, error_kind, lifecycle,
                          product, webhook_event, queue_ms, check_name, event_id, site)
                where c.event_id is null
                   or exists (select 1 from fresh f where f.app_key = c.app_key and f.event_id = c.event_id)
            )
            select app_key, event_id from fresh""";

    /** A request waiting for its transaction; completed on the Vert.x context it came from. */
    private record Pending(Source source, List<EventRow> rows, Context context, UniEmitter<? super WriteOutcome> emitter) {

        void complete(WriteOutcome outcome) {
            onContext(() -> emitter.complete(outcome));
        }

        void fail(Throwable failure) {
            onContext(() -> emitter.fail(failure));
        }

        private void onContext(Runnable action) {
            if (context == null) {
                action.run();
            } else {
                context.runOnContext(ignored -> action.run());
            }
        }
    }

    private final Pool pool;
    private final IngestConfig.Writer config;
    private final IngestMetrics metrics;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queuedEvents = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    public EventRepository(Pool pool, IngestConfig config, IngestMetrics metrics) {
        this.pool = pool;
        this.config = config.writer();
        this.metrics = metrics;
        metrics.queuedEvents(queuedEvents::get);
    }

    /** Stores the rows of one request, all or none; completes after the commit. */
    public Uni<WriteOutcome> write(Source source, List<EventRow> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(new WriteOutcome(0, 0));
        }
        return Uni.createFrom().emitter(emitter -> {
            if (closing) {
                emitter.fail(Refusal.unavailable("the service is shutting down"));
                return;
            }
            int queued = queuedEvents.addAndGet(rows.size());
            // A request larger than the whole queue still passes when nothing else waits.
            if (queued > config.maxQueuedEvents() && queued > rows.size()) {
                queuedEvents.addAndGet(-rows.size());
                emitter.fail(Refusal.unavailable("too many events are waiting to be written"));
                return;
            }
            queue.offer(new Pending(source, rows, Vertx.currentContext(), emitter));
            drain();
        });
    }

    /** Starts transactions while a slot is free and requests wait. */
    private void drain() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= config.concurrency()) {
                return;
            }
            if (inFlight.compareAndSet(running, running + 1)) {
                List<Pending> batch = takeBatch();
                if (batch.isEmpty()) {
                    inFlight.decrementAndGet();
                } else {
                    commit(batch);
                }
            }
        }
    }

    /** Whole requests, oldest first, up to max-batch-events (at least one request). */
    private synchronized List<Pending> takeBatch() {
        List<Pending> batch = new ArrayList<>();
        int events = 0;
        for (Pending next = queue.peek(); next != null; next = queue.peek()) {
            if (!batch.isEmpty() && events + next.rows().size() > config.maxBatchEvents()) {
                break;
            }
            batch.add(queue.poll());
            events += next.rows().size();
        }
        return batch;
    }

    private void commit(List<Pending> batch) {
        int events = batch.stream().mapToInt(pending -> pending.rows().size()).sum();
        answer(batch).subscribe().with(ignored -> finish(events));
    }

    private void finish(int events) {
        queuedEvents.addAndGet(-events);
        inFlight.decrementAndGet();
        drain();
    }

    /**
     * Writes the batch in one transaction and answers each of its requests; never fails. Should
     * the database refuse the data of one request (which validation is meant to prevent), each
     * request is written alone so that the others are not refused with it.
     */
    private Uni<Void> answer(List<Pending> batch) {
        int events = batch.stream().mapToInt(pending -> pending.rows().size()).sum();
        long started = System.nanoTime();
        return transaction(batch)
                .map(outcomes -> {
                    metrics.committed(events, batch.size(), Duration.ofNanos(System.nanoTime() - started));
                    for (int i = 0; i < batch.size(); i++) {
                        Pending pending = batch.get(i);
                        metrics.stored(pending.source(), outcomes.get(i).accepted(), outcomes.get(i).duplicates());
                        pending.complete(outcomes.get(i));
                    }
                    return (Void) null;
                })
                .onFailure().recoverWithUni(failure -> {
                    if (batch.size() > 1 && isDataError(failure)) {
                        return Uni.join().all(batch.stream().map(pending -> answer(List.of(pending))).toList())
                                .andCollectFailures().replaceWithVoid();
                    }
                    LOG.warnf("a transaction of %d events for %d requests failed: %s", events, batch.size(), failure.toString());
                    Refusal refusal = Refusal.unavailable("the events could not be stored; nothing of this request was kept");
                    batch.forEach(pending -> pending.fail(refusal));
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<List<WriteOutcome>> transaction(List<Pending> batch) {
        return insert(batch).ifNoItem().after(config.commitTimeout()).fail();
    }

    private static boolean isDataError(Throwable failure) {
        // SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
        return failure instanceof PgException pg && pg.getSqlState() != null
                && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"));
    }

    /**
     * One atomic statement for the whole batch. An id repeated within the batch is sent once (with
     * its first row); the database answers which ids were new, which decides each request's counts.
     */
    private Uni<List<WriteOutcome>> insert(List<Pending> batch) {
        Set<String> seen = new HashSet<>();
        List<EventRow> sent = new ArrayList<>();
        List<EventRow> claims = new ArrayList<>();
        for (Pending pending : batch) {
            for (EventRow row : pending.rows()) {
                if (row.eventId() == null) {
                    sent.add(row);
                } else if (seen.add(idKey(row.appKey(), row.eventId()))) {
                    sent.add(row);
                    claims.add(row);
                }
            }
        }
        if (claims.isEmpty()) {
            return pool.preparedQuery(INSERT_EVENTS).execute(Tuple.tuple(eventColumns(sent)))
                    .map(ignored -> outcomes(batch, Set.of()));
        }
        List<Object> parameters = eventColumns(sent);
        parameters.add(column(claims, EventRow::appKey, String[]::new));
        parameters.add(column(claims, EventRow::eventId, String[]::new));
        return pool.preparedQuery(INSERT_EVENTS_CLAIMING_IDS).execute(Tuple.tuple(parameters)).map(rows -> {
            Set<String> fresh = new HashSet<>();
            rows.forEach(row -> fresh.add(idKey(row.getString(0), row.getString(1))));
            return outcomes(batch, fresh);
        });
    }

    /** Per request: rows stored (no id, or the first row of a new id) and duplicates (the rest). */
    private static List<WriteOutcome> outcomes(List<Pending> batch, Set<String> freshIds) {
        List<WriteOutcome> outcomes = new ArrayList<>(batch.size());
        Set<String> taken = new HashSet<>();
        for (Pending pending : batch) {
            int accepted = 0;
            for (EventRow row : pending.rows()) {
                if (row.eventId() == null || (freshIds.contains(idKey(row.appKey(), row.eventId()))
                        && taken.add(idKey(row.appKey(), row.eventId())))) {
                    accepted++;
                }
            }
            outcomes.add(new WriteOutcome(accepted, pending.rows().size() - accepted));
        }
        return outcomes;
    }

    private static List<Object> eventColumns(List<EventRow> rows) {
        return new ArrayList<>(List.of(
                column(rows, EventRow::appKey, String[]::new),
                column(rows, row -> row.kind().name(), String[]::new),
                column(rows, EventRow::occurredAt, OffsetDateTime[]::new),
                column(rows, EventRow::durationMs, Integer[]::new),
                column(rows, EventRow::succeeded, Boolean[]::new),
                column(rows, EventRow::statusCode, Integer[]::new),
                column(rows, row -> row.errorKind() == null ? null : row.errorKind().name(), String[]::new),
                column(rows, row -> row.lifecycle() == null ? null : row.lifecycle().name(), String[]::new),
                column(rows, row -> row.product() == null ? null : row.product().name(), String[]::new),
                column(rows, EventRow::webhookEvent, String[]::new),
                column(rows, EventRow::queueMs, Integer[]::new),
                column(rows, EventRow::checkName, String[]::new),
                column(rows, EventRow::eventId, String[]::new),
                column(rows, EventRow::site, String[]::new)));
    }

    private static <T> T[] column(List<EventRow> rows, Function<EventRow, T> field, IntFunction<T[]> array) {
        T[] values = array.apply(rows.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = field.apply(rows.get(i));
        }
        return values;
    }

    private static String idKey(String appKey, String eventId) {
        return appKey + '\u0000' + eventId;
    }

    /** Lets the transactions under way finish and refuses new requests (HTTP has drained before this). */
    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        closing = true;
        Instant deadline = Instant.now().plus(config.commitTimeout());
        while ((inFlight.get() > 0 || !queue.isEmpty()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        if (inFlight.get() > 0 || !queue.isEmpty()) {
            LOG.warnf("stopped with %d events not yet committed; their requests were not acknowledged", queuedEvents.get());
        }
    }
}
