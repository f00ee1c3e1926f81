package io.rampart.prober.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rampart.store.probe.ProbeOutcome;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The prober's Micrometer meters; their Prometheus names and definitions are in docs/prober.md.
 * One place records each figure. Timers publish histogram buckets rather than client-side
 * quantiles: buckets add up across replicas, quantiles do not.
 */
public final class ProberMetrics {

    private final Map<ProbeOutcome, Counter> probes = new EnumMap<>(ProbeOutcome.class);
    private final Timer schedulingLag;
    private final Timer probeDuration;
    private final DistributionSummary writeBatchSize;
    private final Counter writeFailures;
    private final Counter resultsDropped;
    private final Counter claimFailures;
    private final Counter lateSlotsSkipped;
    private final Counter fullSyncs;
    private final Counter unchangedSyncs;
    private final MeterRegistry registry;
    /** 1 while a location has a live replica, 0 once all of them are gone; by location. */
    private final Map<String, AtomicInteger> locations = new ConcurrentHashMap<>();

    public ProberMetrics(MeterRegistry registry, Supplier<Number> inFlight, Supplier<Number> buffered) {
        this.registry = registry;
        for (ProbeOutcome outcome : ProbeOutcome.values()) {
            probes.put(outcome, Counter.builder("rampart.prober.probes")
                    .description("Probes finished, by outcome").tag("outcome", outcome.name()).register(registry));
        }
        Gauge.builder("rampart.prober.in.flight", inFlight).description("Probes running now").register(registry);
        Gauge.builder("rampart.prober.results.buffered", buffered)
                .description("Results waiting to be written to the database").register(registry);
        schedulingLag = Timer.builder("rampart.prober.scheduling.lag")
                .description("Time from a probe's scheduled slot to its start")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
        probeDuration = Timer.builder("rampart.prober.probe.duration")
                .description("Duration recorded for each probe (the timeout for a timed-out one)")
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        writeBatchSize = DistributionSummary.builder("rampart.prober.write.batch.size")
                .description("Results per multi-row insert written").baseUnit("results").register(registry);
        writeFailures = Counter.builder("rampart.prober.write.failures")
                .description("Result batches the database refused or could not take (retried)").register(registry);
        resultsDropped = Counter.builder("rampart.prober.results.dropped")
                .description("Results dropped because the buffer was full").register(registry);
        claimFailures = Counter.builder("rampart.prober.claim.failures")
                .description("Claim or registry sync statements that failed").register(registry);
        lateSlotsSkipped = Counter.builder("rampart.prober.late.slots.skipped")
                .description("Claimed slots not started because their start came more than half an interval late")
                .register(registry);
        fullSyncs = syncs(registry, "full");
        unchangedSyncs = syncs(registry, "unchanged");
    }

    private static Counter syncs(MeterRegistry registry, String kind) {
        return Counter.builder("rampart.prober.schedule.syncs").tag("kind", kind)
                .description("Registry syncs, by kind: full, or unchanged (the replica only recorded as live)")
                .register(registry);
    }

    public void lateSlotSkipped() {
        lateSlotsSkipped.increment();
    }

    public void probeStarted(Duration lag) {
        schedulingLag.record(lag.isNegative() ? Duration.ZERO : lag);
    }

    public void probeFinished(ProbeOutcome outcome, int durationMs) {
        probes.get(outcome).increment();
        probeDuration.record(Duration.ofMillis(durationMs));
    }

    public void batchWritten(int size) {
        writeBatchSize.record(size);
    }

    public void writeFailed() {
        writeFailures.increment();
    }

    public void resultDropped() {
        resultsDropped.increment();
    }

    public void claimFailed() {
        claimFailures.increment();
    }

    public void synced(boolean full) {
        (full ? fullSyncs : unchangedSyncs).increment();
    }

    /** Records whether a location has a live replica; true where that changed (or the location is new). */
    public boolean locationLive(String location, boolean live) {
        AtomicInteger gauge = locations.computeIfAbsent(location, name -> {
            AtomicInteger value = new AtomicInteger(-1);
            Gauge.builder("rampart.prober.location.live", value, AtomicInteger::get)
                    .description("1 while one of the location's prober replicas is live, 0 once all are gone")
                    .tag("location", name).register(registry);
            return value;
        });
        return gauge.getAndSet(live ? 1 : 0) != (live ? 1 : 0);
    }
}
