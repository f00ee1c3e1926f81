package io.rampart.sli.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.rampart.sli.adjustment.SuspectedFaultService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Evaluates every enabled app's alert rules once a minute. Every replica evaluates every app; the
 * database keeps one incident and one notification per breach (IncidentRepository).
 */
@ApplicationScoped
public class AlertEvaluator {

    private static final Logger LOG = Logger.getLogger(AlertEvaluator.class);

    private final AlertRepository repository;
    private final AlertRules rules;
    private final IncidentRepository incidents;
    private final AlertConfig config;
    private final MeterRegistry metrics;
    private final SuspectedFaultService suspectedFaults;

    public AlertEvaluator(AlertRepository repository, AlertRules rules, IncidentRepository incidents, AlertConfig config,
            MeterRegistry metrics, SuspectedFaultService suspectedFaults) {
        this.repository = repository;
        this.rules = rules;
        this.incidents = incidents;
        this.config = config;
        this.metrics = metrics;
        this.suspectedFaults = suspectedFaults;
    }

    @Scheduled(identity = "alert-evaluation", every = "${rampart.alerts.evaluate-every:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return evaluate(Instant.now()).replaceWithVoid();
    }

    /**
     * Evaluates every enabled app at {@code now}, then queues the reminders due; an app that fails
     * is logged and skipped. The last whole minute is first checked for a suspected platform fault
     * (as its own scheduler does; one per minute), so that the breaches it explains say so.
     */
    public Uni<IncidentRepository.Changes> evaluate(Instant now) {
        return suspectedFaults.detect(now)
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("suspected platform fault detection failed: %s", e.getClass().getName());
                    return null;
                })
                .chain(() -> repository.enabledApps())
                .chain(apps -> Multi.createFrom().iterable(apps)
                        .onItem().transformToUni(app -> evaluate(app, now))
                        .merge(config.evaluateConcurrency())
                        .collect().asList())
                .map(AlertEvaluator::sum)
                .call(changes -> incidents.queueReminders(now)
                        .invoke(queued -> metrics.counter("rampart.alerts.reminders.queued").increment(queued))
                        .onFailure().recoverWithItem(e -> {
                            LOG.warnf("queueing reminders failed: %s", e.getClass().getName());
                            return 0;
                        }));
    }

    private Uni<IncidentRepository.Changes> evaluate(IncidentRepository.App app, Instant now) {
        return rules.evaluate(app.appKey(), now)
                .chain(readings -> incidents.apply(app, readings, now))
                .invoke(changes -> {
                    metrics.counter("rampart.alerts.incidents.opened").increment(changes.opened());
                    metrics.counter("rampart.alerts.incidents.resolved").increment(changes.resolved());
                })
                .onFailure().recoverWithItem(e -> {
                    metrics.counter("rampart.alerts.evaluation.failures").increment();
                    LOG.warnf("alert evaluation of %s failed: %s", app.appKey(), e.getClass().getName());
                    return new IncidentRepository.Changes(0, 0);
                });
    }

    private static IncidentRepository.Changes sum(List<IncidentRepository.Changes> changes) {
        return new IncidentRepository.Changes(changes.stream().mapToInt(IncidentRepository.Changes::opened).sum(),
                changes.stream().mapToInt(IncidentRepository.Changes::resolved).sum());
    }
}
