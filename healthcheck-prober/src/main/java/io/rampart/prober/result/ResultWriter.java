package io.rampart.prober.result;

import io.rampart.prober.metrics.ProberMetrics;
import io.rampart.prober.probe.ProbeResult;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Writes probe results to {@code probe_result} in multi-row inserts. Results wait in a bounded
 * buffer until written: a batch leaves the buffer only once the database has committed it, so a
 * short outage delays results without losing them. Past the bound, new results are dropped,
 * counted and logged.
 */
public final class ResultWriter {

    private static final Logger LOG = Logger.getLogger(ResultWriter.class);
    private static final long DROP_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private static final String INSERT = """
            insert into probe_result
                (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, status_code, prober)
            select * from unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::timestamptz[],
                                 $5::integer[], $6::text[], $7::integer[], $8::text[])""";

    private final Pool pool;
    private final int capacity;
    private final int batchSize;
    private final ProberMetrics metrics;
    private final Deque<ProbeResult> buffer = new ArrayDeque<>();
    private boolean writing;
    private volatile boolean failing;
    private long droppedSinceLog;
    private long lastDropLogNanos;

    public ResultWriter(Pool pool, int capacity, int batchSize, ProberMetrics metrics) {
        this.pool = pool;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.metrics = metrics;
    }

    /** Buffers a result for the next write; false (and counted) where the buffer is full. */
    public boolean offer(ProbeResult result) {
        synchronized (buffer) {
            if (buffer.size() < capacity) {
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

    public int buffered() {
        synchronized (buffer) {
            return buffer.size();
        }
    }

    /**
     * Writes everything buffered, batch after batch; stops at the first failure and keeps what it
     * could not write for the next call. Emits how many results were written. One write runs at a
     * time: a call while another writes emits 0.
     */
    public Uni<Integer> flush() {
        synchronized (buffer) {
            if (writing || buffer.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            writing = true;
        }
        return writeBatches(0).eventually(() -> {
            synchronized (buffer) {
                writing = false;
            }
        });
    }

    private Uni<Integer> writeBatches(int writtenSoFar) {
        List<ProbeResult> batch = peekBatch();
        if (batch.isEmpty()) {
            return Uni.createFrom().item(writtenSoFar);
        }
        return pool.preparedQuery(INSERT).execute(columns(batch))
                .onItem().transformToUni(done -> {
                    removeWritten(batch.size());
                    metrics.batchWritten(batch.size());
                    if (failing) {
                        failing = false;
                        LOG.infof("probe results are written again; %d still buffered", buffered());
                    }
                    return writeBatches(writtenSoFar + batch.size());
                })
                .onFailure().recoverWithUni(failure -> {
                    metrics.writeFailed();
                    if (!failing) {
                        failing = true;
                        LOG.warnf("could not write probe results, keeping them buffered and retrying: %s",
                                failure.getMessage());
                    }
                    return Uni.createFrom().item(writtenSoFar);
                });
    }

    private List<ProbeResult> peekBatch() {
        synchronized (buffer) {
            List<ProbeResult> batch = new ArrayList<>(Math.min(batchSize, buffer.size()));
            for (ProbeResult result : buffer) {
                if (batch.size() == batchSize) {
                    break;
                }
                batch.add(result);
            }
            return batch;
        }
    }

    private void removeWritten(int count) {
        synchronized (buffer) {
            for (int i = 0; i < count; i++) {
                buffer.pollFirst();
            }
        }
    }

    private static Tuple columns(List<ProbeResult> batch) {
        int size = batch.size();
        Long[] targetIds = new Long[size];
        String[] appKeys = new String[size];
        OffsetDateTime[] scheduledAt = new OffsetDateTime[size];
        OffsetDateTime[] startedAt = new OffsetDateTime[size];
        Integer[] durations = new Integer[size];
        String[] outcomes = new String[size];
        Integer[] statusCodes = new Integer[size];
        String[] probers = new String[size];
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
        }
        return Tuple.from(List.<Object>of(targetIds, appKeys, scheduledAt, startedAt, durations, outcomes,
                statusCodes, probers));
    }
}
