package io.rampart.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The service's own meters; docs/ingest.md defines each. */
@ApplicationScoped
public class IngestMetrics {

    /** Where events came from: the Metric Publish API or the host. */
    public enum Source {
        VENDOR, HOST;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<Source, Counter> accepted = new EnumMap<>(Source.class);
    private final Map<Source, Counter> duplicates = new EnumMap<>(Source.class);
    private final DistributionSummary batchEvents;
    private final DistributionSummary batchRequests;
    private final Timer commitDuration;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.batchEvents = DistributionSummary.builder("rampart.ingest.batch.events")
                .description("Events written by one group-commit transaction")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchRequests = DistributionSummary.builder("rampart.ingest.batch.requests")
                .description("Requests answered by one group-commit transaction")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.commitDuration = Timer.builder("rampart.ingest.commit.duration")
                .description("Time from the start of a group-commit transaction to its commit")
                .publishPercentiles(0.5, 0.99).register(registry);
        for (Source source : Source.values()) {
            accepted.put(source, Counter.builder("rampart.ingest.events.accepted").description("Events stored")
                    .tag("source", source.tag()).register(registry));
            duplicates.put(source, Counter.builder("rampart.ingest.events.duplicate")
                    .description("Events not stored again because their eventId was already stored for the app")
                    .tag("source", source.tag()).register(registry));
        }
    }

    public void stored(Source source, int acceptedEvents, int duplicateEvents) {
        accepted.get(source).increment(acceptedEvents);
        duplicates.get(source).increment(duplicateEvents);
    }

    /** A refused request, by the error code of its answer. */
    public void rejected(String reason) {
        Counter.builder("rampart.ingest.requests.rejected").description("Requests refused, by reason")
                .tag("reason", reason).register(registry).increment();
    }

    public void committed(int events, int requests, Duration took) {
        batchEvents.record(events);
        batchRequests.record(requests);
        commitDuration.record(took);
    }

    public void queuedEvents(Supplier<Number> queued) {
        registry.gauge("rampart.ingest.queue.events", List.of(), queued, s -> s.get().doubleValue());
    }
}
