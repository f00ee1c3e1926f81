package io.rampart.prober.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.rampart.prober.config.ProberConfig;
import io.rampart.prober.metrics.ProberMetrics;
import io.rampart.prober.probe.HttpProbe;
import io.rampart.prober.control.ControlTarget;
import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.probe.ProbeTarget;
import io.rampart.prober.result.ResultRepository;
import io.rampart.prober.schedule.ProbeScheduleRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Verticle;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;
import io.vertx.mutiny.sqlclient.Pool;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One prober replica: claims due slots from the shared schedule, starts each probe at its slot
 * (at most {@code maxInFlight} at once), and hands the results to the batch writer. Several
 * engines, in one process or many, can share one database: the schedule gives each slot to one.
 * Nothing here blocks: claims, writes and the stop run on the engine's first event loop; probes
 * (their timers and HTTP connections) are spread over all of its loops.
 */
public final class ProbeEngine {

    private static final Logger LOG = Logger.getLogger(ProbeEngine.class);
    /**
     * How long a stopping replica keeps writing its buffered results: with the claims' wait and the
     * probes' end (4 s each at most), within quarkus.shutdown.timeout (30 s). 10 s left 1,611
     * results unwritten after the benchmark's overloaded max-rate step.
     */
    private static final Duration WRITE_DRAIN_LIMIT = Duration.ofSeconds(20);

    private final Vertx vertx;
    private final ProberConfig config;
    private final String replicaId;
    private final HttpProbe probe;
    private final ProbeScheduleRepository schedule;
    private final ResultRepository writer;
    private final ProberMetrics metrics;
    /** The prober-fault guard; null without a control URL. */
    private final ControlTarget control;

    /** Slots claimed and waiting for their time, with their timers. */
    private final Map<ProbeTarget, Long> scheduled = new ConcurrentHashMap<>();
    /** Slots whose time has come while maxInFlight probes were running. */
    private final Queue<ProbeTarget> waiting = new ConcurrentLinkedQueue<>();
    /** Claimed slots that a stopping replica will not start: released to the schedule in one statement. */
    private final Queue<ProbeTarget> handBack = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final List<Long> periodicTimers = new ArrayList<>();
    private long syncTimer = -1;
    private long claimTimer = -1;
    /** What the last full sync was made from, when (System.nanoTime), and the shortest interval it found. */
    private volatile ProbeScheduleRepository.RegistryState syncedState;
    private volatile long fullSyncedAt;
    private volatile Optional<Duration> shortestInterval = Optional.empty();
    private volatile boolean stopping;
    private volatile boolean claimFailing;
    /** The event loops the engine runs on; the first also syncs, claims and writes. */
    private Context[] contexts;
    private int nextLoop;
    private String deploymentId;

    public ProbeEngine(Vertx vertx, Pool pool, ProberConfig config, String replicaId, MeterRegistry registry) {
        this.vertx = vertx;
        this.config = config;
        this.replicaId = replicaId;
        this.probe = new HttpProbe(vertx, new HttpProbe.Settings(config.timeout(), config.maxBodyBytes(),
                config.maxHeaderBytes(), config.keepAlive(), config.maxInFlight(), config.allowPrivateNetworks(),
                trust(config)),
                replicaId, config.location());
        this.schedule = new ProbeScheduleRepository(pool, replicaId, config.location(), config.locationExpiry());
        this.metrics = new ProberMetrics(registry, inFlight::get, this::buffered);
        this.writer = new ResultRepository(pool, config.location(), config.resultBufferSize(), config.writeBatchSize(),
                config.writeConcurrency(), metrics);
        this.control = config.controlUrl().map(url -> new ControlTarget(vertx, url, config.controlPeriod(),
                config.timeout(), replicaId, config.location())).orElse(null);
    }

    /** The configured trust store, or null for the JVM's default. */
    static TrustOptions trust(ProberConfig config) {
        return config.trustStore().<TrustOptions>map(path -> path.endsWith(".pem") || path.endsWith(".crt")
                ? new PemTrustOptions().addCertPath(path)
                : new PfxOptions().setPath(path).setPassword(config.trustStorePassword().orElse(null))).orElse(null);
    }

    /**
     * Starts syncing, claiming and writing on the first of its event loops and spreads the probes
     * over all of them; emits once running.
     */
    public Uni<Void> start() {
        int loops = config.eventLoops().orElse(Runtime.getRuntime().availableProcessors());
        List<Context> started = new CopyOnWriteArrayList<>();
        // A verticle instance per loop: the public way to get contexts on distinct event loops.
        Supplier<Verticle> loop = () -> new AbstractVerticle() {
            @Override
            public void start() {
                started.add(context);
            }
        };
        return Uni.createFrom().completionStage(() -> vertx.deployVerticle(loop, new DeploymentOptions()
                        .setInstances(Math.max(1, loops))).toCompletionStage())
                .invoke(deployment -> {
                    deploymentId = deployment;
                    contexts = started.toArray(Context[]::new);
                    contexts[0].runOnContext(onLoop -> {
                        if (control != null) {
                            control.start();
                        }
                        sync();
                        claimAfterAWhile();
                        periodicTimers.add(vertx.setPeriodic(config.writePeriod().toMillis(), id -> writer.flush()
                                .subscribe().with(written -> { })));
                    });
                    LOG.infof("prober replica %s started in location %s on %d event loops: at most %d probes"
                                    + " in flight, timeout %s, keep-alive %s, TLS engine %s", replicaId,
                            config.location(), contexts.length, config.maxInFlight(), config.timeout(),
                            config.keepAlive(), HttpProbe.tlsEngine());
                })
                .replaceWithVoid();
    }

    /**
     * Stops gracefully: claims nothing more, hands the slots not started back to the schedule,
     * lets the probes in flight finish (they end by the timeout) and writes every buffered result.
     */
    public Uni<Void> stop() {
        stopping = true;
        if (contexts == null) {
            return Uni.createFrom().voidItem();
        }
        Duration probesEnd = config.timeout().plusSeconds(1);
        return Uni.createFrom().<Void>emitter(emitter -> contexts[0].runOnContext(onLoop -> {
                    periodicTimers.forEach(vertx::cancelTimer);
                    vertx.cancelTimer(syncTimer);
                    vertx.cancelTimer(claimTimer);
                    emitter.complete(null);
                }))
                // A claim under way hands its slots back itself (onClaimed); wait for it, then take the rest.
                .chain(() -> awaitTrue(() -> !claiming.get(), probesEnd))
                // On the first loop, after the claimed slots it was handed: none is missed.
                .chain(() -> Uni.createFrom().<Void>emitter(emitter -> contexts[0].runOnContext(onLoop -> {
                    takeUnstarted();
                    emitter.complete(null);
                })))
                // Handed back at once: a slot released after its interval has passed would be skipped.
                .chain(() -> release(drain(handBack)))
                .call(() -> awaitTrue(() -> inFlight.get() == 0, probesEnd))
                .chain(released -> release(drain(handBack)).map(stragglers -> released + stragglers))
                .call(released -> writer.drain(WRITE_DRAIN_LIMIT))
                .call(released -> Uni.createFrom().completionStage(() ->
                        vertx.undeploy(deploymentId).toCompletionStage()))
                .invoke(released -> {
                    probe.close();
                    if (control != null) {
                        control.close();
                    }
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

    private static Uni<Void> awaitTrue(BooleanSupplier condition, Duration limit) {
        return Uni.createFrom().item(condition::getAsBoolean)
                .repeat().withDelay(Duration.ofMillis(20)).until(Boolean::booleanValue)
                .collect().last()
                .ifNoItem().after(limit).recoverWithItem(false)
                .replaceWithVoid();
    }

    /** Cancels the timers of the slots not started yet and hands those slots back. */
    private void takeUnstarted() {
        for (ProbeTarget target; (target = waiting.poll()) != null; ) {
            handBack.add(target);
        }
        scheduled.forEach((target, timer) -> {
            // A timer that fired already runs startOrWait, which hands the slot back itself.
            if (vertx.cancelTimer(timer)) {
                handBack.add(target);
            }
        });
        scheduled.clear();
    }

    private static List<ProbeTarget> drain(Queue<ProbeTarget> queue) {
        List<ProbeTarget> drained = new ArrayList<>(queue.size());
        for (ProbeTarget target; (target = queue.poll()) != null; ) {
            drained.add(target);
        }
        return drained;
    }

    private Uni<Integer> release(List<ProbeTarget> unstarted) {
        return schedule.release(unstarted).onFailure().recoverWithItem(failure -> {
            LOG.warnf("could not hand back %d unstarted slots (they resume at their next slot): %s",
                    unstarted.size(), failure.getMessage());
            return 0;
        });
    }

    /**
     * Marks this replica live and, where the registry or the live locations changed since the last
     * full sync (or the full sync period has passed), syncs the schedule with the registry; reports
     * the locations, then syncs again after the sync period or the shortest interval.
     */
    private void sync() {
        if (stopping) {
            return;
        }
        schedule.heartbeat().chain(state -> {
                    boolean unchanged = state.equals(syncedState)
                            && System.nanoTime() - fullSyncedAt < config.fullSyncPeriod().toNanos();
                    metrics.synced(!unchanged);
                    if (unchanged) {
                        return Uni.createFrom().item(shortestInterval);
                    }
                    return schedule.sync(state).map(synced -> {
                        if (synced.added() + synced.retimed() + synced.removed() > 0) {
                            LOG.debugf("schedule synced with the registry: %s", synced);
                        }
                        // The state read before the sync: a registry write after that read is synced next time.
                        syncedState = state;
                        fullSyncedAt = System.nanoTime();
                        shortestInterval = synced.shortestInterval();
                        return shortestInterval;
                    });
                })
                .call(shortest -> schedule.locations().invoke(this::reportLocations))
                .subscribe().with(
                shortest -> {
                    Duration next = shortest
                            .filter(interval -> interval.compareTo(config.syncPeriod()) < 0)
                            .orElse(config.syncPeriod());
                    syncAgainIn(next);
                },
                failure -> {
                    claimFailed(failure);
                    syncAgainIn(config.syncPeriod());
                });
    }

    private void reportLocations(Map<String, Boolean> locations) {
        locations.forEach((location, live) -> {
            if (metrics.locationLive(location, live) && !live) {
                LOG.warnf("probe location %s is gone: none of its replicas synced within %s", location,
                        config.locationExpiry());
            }
        });
    }

    private void syncAgainIn(Duration delay) {
        contexts[0].runOnContext(onLoop -> {
            if (!stopping) {
                syncTimer = vertx.setTimer(delay.toMillis(), id -> sync());
            }
        });
    }

    /**
     * Claims again after between a half and one and a half claim periods, drawn anew each time.
     * Replicas that claim at a fixed period keep the phase they started with: two that started in
     * step would claim in step for ever, and the one whose claim locks the due rows first would
     * take them all (FOR UPDATE SKIP LOCKED) while the other idles. Runs on the first loop.
     */
    private void claimAfterAWhile() {
        long period = config.claimPeriod().toMillis();
        claimTimer = vertx.setTimer(Math.max(1, period / 2 + ThreadLocalRandom.current().nextLong(period + 1)), id -> {
            claim();
            if (!stopping) {
                claimAfterAWhile();
            }
        });
    }

    private void claim() {
        drainWaiting();
        // A replica with a batch of probes already waiting for room to run leaves the due slots to the others.
        int queued = scheduled.size() + waiting.size();
        int room = waiting.size() < config.claimBatchSize()
                ? Math.min(config.claimBatchSize(), config.maxScheduled() - queued) : 0;
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
                            contexts[0].runOnContext(onLoop -> onClaimed(claimed));
                        },
                        this::claimFailed);
    }

    private void claimFailed(Throwable failure) {
        metrics.claimFailed();
        if (stopping) {
            // A claim or sync still under way when the database pool closes: expected at shutdown, not a fault.
            LOG.infof("a claim or sync under way at shutdown did not finish: %s", failure.getMessage());
            return;
        }
        if (!claimFailing) {
            claimFailing = true;
            LOG.warnf("could not claim or sync due probes, retrying: %s", failure.getMessage());
        }
    }

    /** Hands each event loop its share of the claimed slots. Runs on the first loop. */
    private void onClaimed(List<ProbeTarget> claimed) {
        if (stopping) {
            handBack.addAll(claimed);
            return;
        }
        List<List<ProbeTarget>> shares = new ArrayList<>(contexts.length);
        for (int i = 0; i < contexts.length; i++) {
            shares.add(new ArrayList<>(claimed.size() / contexts.length + 1));
        }
        for (ProbeTarget target : claimed) {
            shares.get(nextLoop).add(target);
            nextLoop = (nextLoop + 1) % contexts.length;
        }
        for (int i = 0; i < contexts.length; i++) {
            List<ProbeTarget> share = shares.get(i);
            if (!share.isEmpty()) {
                contexts[i].runOnContext(onLoop -> share.forEach(this::scheduleAtSlot));
            }
        }
    }

    private void scheduleAtSlot(ProbeTarget target) {
        if (stopping) {
            handBack.add(target);
            return;
        }
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
        if (stopping) {
            // Due while the stop began: handed back with the others rather than started.
            handBack.add(target);
            return;
        }
        Instant now = Instant.now();
        if (now.isAfter(target.latestStart())) {
            // The claim judged the slot in time, but its start came late (a loaded machine, a queue
            // behind max-in-flight): started now, it would fall within half an interval of the
            // target's next slot. Skipped, as the claim skips such a slot: never two probes in one interval.
            metrics.lateSlotSkipped();
            return;
        }
        if (inFlight.incrementAndGet() > config.maxInFlight()) {
            inFlight.decrementAndGet();
            waiting.add(target);
            // A probe that finished on another loop in between may have found the queue still empty.
            if (inFlight.get() < config.maxInFlight()) {
                drainWaiting();
            }
            return;
        }
        metrics.probeStarted(Duration.between(target.slot(), now));
        probe.probe(target, this::finished);
    }

    private void finished(ProbeResult probed) {
        ProbeResult result = control == null ? probed : control.judge(probed);
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
