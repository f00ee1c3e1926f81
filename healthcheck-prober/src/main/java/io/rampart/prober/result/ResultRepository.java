package io.rampart.prober.result;

import io.rampart.prober.metrics.ProberMetrics;
import io.rampart.prober.probe.ProbeResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Writes probe results to {@code probe_result} in multi-row inserts, a few at once. Results wait
 * in a bounded buffer until written: a batch whose insert fails goes back to the front of the
 * buffer, so a short outage delays results without losing them, and its next insert skips those
 * already stored, so none is stored twice. Past the bound (which counts the
 * results being written), new results are dropped, counted and logged.
 */
public final class ResultRepository {

    private static final Logger LOG = Logger.getLogger(ResultRepository.class);
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;
    private static final Duration DRAIN_RETRY = Duration.ofMillis(100);

    /** Stores a batch of results in one statement and round trip: one array per column ($9 this replica's location). */
    private static final String INSERT = """
            insert into probe_result
                (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, status_code, prober, location,
                 dns_ms, connect_ms, tls_ms, first_byte_ms, certificate_not_after, certificate_issuer)
            select u.t, u.a, u.s, u.o, u.d, u.oc, u.sc, u.p, $9, u.dns, u.con, u.tls, u.fb, u.na, u.iss
            from unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[],
                        $5::integer[], $6::text[], $7::integer[], $8::text[],
                        $10::integer[], $11::integer[], $12::integer[], $13::integer[], $14::timestamptz[], $15::text[])
                as u(t, a, s, o, d, oc, sc, p, dns, con, tls, fb, na, iss)""";

    /**
     * INSERT for a batch with results an earlier insert may have stored: that insert failed
     * without an answer, which a commit whose answer was lost (a failover, a dropped connection)
     * looks like. Results already stored (same target, start instant and location) are skipped,
     * so no slot is stored or counted twice. Only such batches pay for the lookups.
     */
    private static final String INSERT_UNLESS_STORED = INSERT + """

            where not exists (select 1 from probe_result r
                              where r.target_id = u.t and r.occurred_at = u.o and r.location = $9)""";

    private final Pool pool;
    /** This replica's location, stored with each of its results. */
    private final String location;
    private final int capacity;
    private final int batchSize;
    private final int concurrency;
    private final ProberMetrics metrics;
    /** Results not written yet, oldest first; guarded by itself, as are the two counts below. */
    private final Deque<ProbeResult> buffer = new ArrayDeque<>();
    /** Results taken out of the buffer by an insert that has not finished. */
    private int writingResults;
    /** Results at the front of the buffer that a failed insert put back: an earlier insert may have stored them. */
    private int inDoubt;
    private int writers;
    private volatile boolean failing;
    private long droppedSinceLog;
    private long lastDropLogNanos;

    public ResultRepository(Pool pool, String location, int capacity, int batchSize, int concurrency,
            ProberMetrics metrics) {
        this.pool = pool;
        this.location = location;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.concurrency = concurrency;
        this.metrics = metrics;
    }

    /** Buffers a result for the next write; false (and counted) where the buffer is full. */
    public boolean offer(ProbeResult result) {
        synchronized (buffer) {
            if (buffer.size() + writingResults < capacity) {
                buffer.addLast(result);
                return true;
            }
            droppedSinceLog++;
            long now = System.nanoTime();
            if (lastDropLogNanos == 0 || now - lastDropLogNanos > DROP_LOG_INTERVAL_NANOS) {
                LOG.warnf("result buffer full (%d results): dropped %d probe results since the last report",
                        capacity, droppedSinceLog);
                droppedSinceLog = 0;
                lastDropLogNanos = now;
            }
        }
        metrics.resultDropped();
        return false;
    }

    /** Results not yet committed, including those an insert is writing now. */
    public int buffered() {
        synchronized (buffer) {
            return buffer.size() + writingResults;
        }
    }

    /**
     * Starts as many writers as the concurrency allows; each writes what the buffer holds, then
     * batch after batch while a whole batch is waiting, until an insert fails (its batch goes back
     * to the front for the next call). Emits once the writers started here have stopped.
     * <p>
     * A writer does not chase the results that arrive during its insert: those wait for the next
     * call, a write period later, so that each insert carries a period's results. Every insert runs
     * the rollup triggers once, and their cost is mostly per statement and per rollup row, not per
     * result: inserts of a few dozen rows each, as a writer chasing the buffer made at 1,700 probes/s,
     * cost the database twice what the same results cost in a period's batches (docs/prober.md, "Profile").
     */
    public Uni<Void> flush() {
        List<Uni<Void>> started = new ArrayList<>();
        synchronized (buffer) {
            while (writers < concurrency && buffer.size() > writers * batchSize) {
                writers++;
                started.add(writeBatches().eventually(() -> {
                    synchronized (buffer) {
                        writers--;
                    }
                }));
            }
        }
        return started.isEmpty() ? Uni.createFrom().voidItem() : Uni.join().all(started).andCollectFailures()
                .replaceWithVoid();
    }

    /** Flushes until everything is written, retrying failed inserts, for at most {@code limit}. */
    public Uni<Void> drain(Duration limit) {
        return Uni.createFrom().deferred(() -> flush().map(flushed -> buffered()))
                .repeat().withDelay(DRAIN_RETRY).until(left -> left == 0)
                .collect().last()
                .ifNoItem().after(limit).recoverWithItem(0)
                .replaceWithVoid();
    }

    private Uni<Void> writeBatches() {
        List<ProbeResult> batch = new ArrayList<>();
        boolean mayBeStored = takeBatch(batch);
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(mayBeStored ? INSERT_UNLESS_STORED : INSERT).execute(columns(batch))
                .onItem().transformToUni(done -> {
                    written(batch.size());
                    metrics.batchWritten(batch.size());
                    if (failing) {
                        failing = false;
                        LOG.infof("probe results are written again; %d still buffered", buffered());
                    }
                    return wholeBatchWaiting() ? writeBatches() : Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(failure -> {
                    putBack(batch);
                    metrics.writeFailed();
                    if (!failing) {
                        failing = true;
                        LOG.warnf("could not write probe results, keeping them buffered and retrying: %s",
                                failure.getMessage());
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private boolean wholeBatchWaiting() {
        synchronized (buffer) {
            return buffer.size() >= batchSize;
        }
    }

    /** Moves the oldest results into {@code batch}; true if some were put back by a failed insert. */
    private boolean takeBatch(List<ProbeResult> batch) {
        synchronized (buffer) {
            for (ProbeResult result; batch.size() < batchSize && (result = buffer.pollFirst()) != null; ) {
                batch.add(result);
            }
            writingResults += batch.size();
            boolean mayBeStored = inDoubt > 0;
            inDoubt -= Math.min(inDoubt, batch.size());
            return mayBeStored;
        }
    }

    private void written(int count) {
        synchronized (buffer) {
            writingResults -= count;
        }
    }

    private void putBack(List<ProbeResult> batch) {
        synchronized (buffer) {
            writingResults -= batch.size();
            inDoubt += batch.size();
            for (int i = batch.size() - 1; i >= 0; i--) {
                buffer.addFirst(batch.get(i));
            }
        }
    }

    private Tuple columns(List<ProbeResult> batch) {
        int size = batch.size();
        Long[] targetIds = new Long[size];
        String[] appKeys = new String[size];
        OffsetDateTime[] scheduledAt = new OffsetDateTime[size];
        OffsetDateTime[] startedAt = new OffsetDateTime[size];
        Integer[] durations = new Integer[size];
        String[] outcomes = new String[size];
        Integer[] statusCodes = new Integer[size];
        String[] probers = new String[size];
        Integer[] dnsMs = new Integer[size];
        Integer[] connectMs = new Integer[size];
        Integer[] tlsMs = new Integer[size];
        Integer[] firstByteMs = new Integer[size];
        OffsetDateTime[] notAfter = new OffsetDateTime[size];
        String[] issuers = new String[size];
        for (int i = 0; i < size; i++) {
            ProbeResult result = batch.get(i);
            targetIds[i] = result.targetId();
            appKeys[i] = result.appKey();
            scheduledAt[i] = result.scheduledAt().atOffset(ZoneOffset.UTC);
            startedAt[i] = result.startedAt().atOffset(ZoneOffset.UTC);
            durations[i] = result.durationMs();
            outcomes[i] = result.outcome().name();
            statusCodes[i] = result.statusCode();
            probers[i] = result.prober();
            ProbeResult.ProbePhases phases = result.phases();
            dnsMs[i] = phases.dnsMs();
            connectMs[i] = phases.connectMs();
            tlsMs[i] = phases.tlsMs();
            firstByteMs[i] = phases.firstByteMs();
            if (result.certificate() != null) {
                notAfter[i] = result.certificate().notAfter().atOffset(ZoneOffset.UTC);
                issuers[i] = result.certificate().issuer();
            }
        }
        return Tuple.from(List.<Object>of(targetIds, appKeys, scheduledAt, startedAt, durations, outcomes,
                statusCodes, probers, location, dnsMs, connectMs, tlsMs, firstByteMs, notAfter, issuers));
    }
}
