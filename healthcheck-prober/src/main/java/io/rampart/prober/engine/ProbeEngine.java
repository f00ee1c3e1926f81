package io.rampart.prober.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.rampart.prober.config.ProberConfig;
import io.rampart.prober.metrics.ProberMetrics;
import io.rampart.prober.probe.HttpProbe;
import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.probe.ProbeTarget;
import io.rampart.prober.result.ResultWriter;
import io.rampart.prober.schedule.ProbeSchedule;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One prober replica: claims due slots from the shared schedule, starts each probe at its slot
 * (at most {@code maxInFlight} at once), and hands the results to the batch writer. Several
 * engines, in one process or many, can share one database: the schedule gives each slot to one.
 * Nothing here blocks: the engine's state changes on its own event loop (its Vert.x context),
 * and the probes' HTTP connections run on that loop too.
 */
public final class ProbeEngine {

    private static final Logger LOG = Logger.getLogger(ProbeEngine.class);

    private final Vertx vertx;
    private final ProberConfig config;
    private final String replicaId;
    private final HttpProbe probe;
    private final ProbeSchedule schedule;
    private final ResultWriter writer;
    private final ProberMetrics metrics;

    /** Slots claimed and waiting for their time, with their timers. */
    private final Map<ProbeTarget, Long> scheduled = new ConcurrentHashMap<>();
    /** Slots whose time has come while maxInFlight probes were running. */
    private final Queue<ProbeTarget> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean syncing = new AtomicBoolean();
    private final List<Long> periodicTimers = new ArrayList<>();
    private volatile boolean stopping;
    private volatile boolean claimFailing;
    private Context context;

    public ProbeEngine(Vertx vertx, Pool pool, ProberConfig config, String replicaId, MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.replicaId = replicaId;
        this.probe = new HttpProbe(vertx, new HttpProbe.Settings(config.timeout(), config.maxBodyBytes(),
                config.maxHeaderBytes(), config.keepAlive(), config.maxInFlight()), replicaId);
        this.schedule = new ProbeSchedule(pool, replicaId);
        this.metrics = new ProberMetrics(registry, inFlight::get, this::buffered);
        this.writer = new ResultWriter(pool, config.resultBufferSize(), config.writeBatchSize(), metrics);
    }

    public String replicaId() {
        return replicaId;
    }

    /** Starts syncing, claiming, probing and writing on an event loop of its own. */
    public void start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(started -> {
            periodicTimers.add(vertx.setPeriodic(0, config.syncPeriod().toMillis(), id -> sync()));
            periodicTimers.add(vertx.setPeriodic(config.claimPeriod().toMillis(), id -> claim()));
            periodicTimers.add(vertx.setPeriodic(config.writePeriod().toMillis(), id -> writer.flush()
                    .subscribe().with(written -> { })));
        });
        LOG.infof("prober replica %s started: at most %d probes in flight, timeout %s, keep-alive %s",
                replicaId, config.maxInFlight(), config.timeout(), config.keepAlive());
    }

    /**
     * Stops gracefully: claims nothing more, hands the slots not started back to the schedule,
     * lets the probes in flight finish (they end by the timeout) and writes every buffered result.
     */
    public Uni<Void> stop() {
        stopping = true;
        Duration drainLimit = config.timeout().plusSeconds(1);
        return Uni.createFrom().<List<ProbeTarget>>emitter(emitter -> context.runOnContext(onLoop -> {
                    periodicTimers.forEach(vertx::cancelTimer);
                    emitter.complete(takeUnstarted());
                }))
                .chain(unstarted -> release(unstarted).replaceWith(unstarted.size()))
                .chain(released -> Uni.createFrom().item(inFlight::get)
                        .repeat().withDelay(Duration.ofMillis(50)).until(running -> running == 0)
                        .collect().last()
                        .ifNoItem().after(drainLimit).recoverWithItem(0)
                        .replaceWith(released))
                .call(released -> writer.flush())
                .invoke(released -> {
                    probe.close();
                    int lost = writer.buffered();
                    if (lost > 0) {
                        LOG.warnf("prober replica %s stopped with %d results it could not write", replicaId, lost);
                    } else {
                        LOG.infof("prober replica %s stopped: %d unstarted slots handed back, results written",
                                replicaId, released);
                    }
                })
                .replaceWithVoid();
    }

    /** Cancels the timers of the slots not started yet and returns those slots. Runs on the engine's loop. */
    private List<ProbeTarget> takeUnstarted() {
        List<ProbeTarget> unstarted = new ArrayList<>(waiting);
        waiting.clear();
        scheduled.forEach((target, timer) -> {
            if (vertx.cancelTimer(timer)) {
                unstarted.add(target);
            }
        });
        scheduled.clear();
        return unstarted;
    }

    private Uni<Integer> release(List<ProbeTarget> unstarted) {
        return schedule.release(unstarted).onFailure().recoverWithItem(failure -> {
            LOG.warnf("could not hand back %d unstarted slots (they resume at their next slot): %s",
                    unstarted.size(), failure.getMessage());
            return 0;
        });
    }

    private void sync() {
        if (stopping || !syncing.compareAndSet(false, true)) {
            return;
        }
        schedule.sync().eventually(() -> syncing.set(false)).subscribe().with(
                counts -> {
                    if (counts.added() + counts.retimed() + counts.removed() > 0) {
                        LOG.debugf("schedule synced with the registry: %s", counts);
                    }
                },
                this::claimFailed);
    }

    private void claim() {
        drainWaiting();
        int room = Math.min(config.claimBatchSize(),
                config.maxInFlight() - inFlight.get() - scheduled.size() - waiting.size());
        if (stopping || room <= 0 || !claiming.compareAndSet(false, true)) {
            return;
        }
        schedule.claim(room, config.claimLookahead(), config.timeout())
                .eventually(() -> claiming.set(false))
                .subscribe().with(
                        claimed -> {
                            if (claimFailing) {
                                claimFailing = false;
                                LOG.info("claiming due probes again");
                            }
                            context.runOnContext(onLoop -> onClaimed(claimed));
                        },
                        this::claimFailed);
    }

    private void claimFailed(Throwable failure) {
        metrics.claimFailed();
        if (!claimFailing) {
            claimFailing = true;
            LOG.warnf("could not claim or sync due probes, retrying: %s", failure.getMessage());
        }
    }

    private void onClaimed(List<ProbeTarget> claimed) {
        if (stopping) {
            // A claim that was under way when the stop began: nothing of it will be started.
            release(claimed).subscribe().with(released -> { });
            return;
        }
        claimed.forEach(this::scheduleAtSlot);
    }

    private void scheduleAtSlot(ProbeTarget target) {
        long delay = Duration.between(Instant.now(), target.slot()).toMillis();
        if (delay < 1) {
            startOrWait(target);
            return;
        }
        scheduled.put(target, vertx.setTimer(delay, id -> {
            if (scheduled.remove(target) != null) {
                startOrWait(target);
            }
        }));
    }

    private void startOrWait(ProbeTarget target) {
        if (inFlight.incrementAndGet() > config.maxInFlight()) {
            inFlight.decrementAndGet();
            waiting.add(target);
            return;
        }
        metrics.probeStarted(Duration.between(target.slot(), Instant.now()));
        probe.probe(target).subscribe().with(this::finished);
    }

    private void finished(ProbeResult result) {
        inFlight.decrementAndGet();
        metrics.probeFinished(result.outcome(), result.durationMs());
        writer.offer(result);
        drainWaiting();
    }

    private void drainWaiting() {
        for (ProbeTarget next; inFlight.get() < config.maxInFlight() && (next = waiting.poll()) != null; ) {
            startOrWait(next);
        }
    }

    private int buffered() {
        return writer.buffered();
    }
}
