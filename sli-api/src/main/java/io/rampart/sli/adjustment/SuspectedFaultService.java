package io.rampart.sli.adjustment;

import io.quarkus.scheduler.Scheduled;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * Suspected platform faults (docs/alerts.md): every minute, the last whole minute is checked for
 * a large share of apps failing availability together; admins confirm (a platform fault of those
 * apps over that minute, or the span they give) or dismiss what was found.
 */
@ApplicationScoped
public class SuspectedFaultService {

    private static final Logger LOG = Logger.getLogger(SuspectedFaultService.class);

    private final SuspectedFaultRepository repository;
    private final AdjustmentService adjustments;
    private final AdjustmentConfig config;

    public SuspectedFaultService(SuspectedFaultRepository repository, AdjustmentService adjustments,
            AdjustmentConfig config) {
        this.repository = repository;
        this.adjustments = adjustments;
        this.config = config;
    }

    @Scheduled(identity = "suspected-platform-faults", every = "${rampart.adjustments.detect-every:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return detect(Instant.now()).onFailure().recoverWithItem(e -> {
            LOG.warnf("suspected platform fault detection failed: %s", e.getClass().getName());
            return null;
        }).replaceWithVoid();
    }

    /** Checks the last whole minute before {@code now}; answers the suspected fault it opened, or null. */
    public Uni<SuspectedFault> detect(Instant now) {
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES).minus(1, ChronoUnit.MINUTES);
        return repository.detect(minute, config.suspectedFaultMinApps(), config.suspectedFaultShare())
                .invoke(opened -> {
                    if (opened != null) {
                        LOG.warnf("%s at %s", opened.summary(), opened.minute());
                    }
                });
    }

    public Uni<List<SuspectedFault>> list(String status) {
        String wanted = status == null ? null : SuspectedFaultStatus.find(status)
                .orElseThrow(() -> Refusal.invalid("status", "one of open, confirmed, dismissed")).name();
        return repository.list(wanted);
    }

    /**
     * Confirms an open suspected fault: a platform fault of its failing apps over its minute (or
     * the request's start and end), with the request's reason or a default one.
     */
    public Uni<AdjustmentView> confirm(long id, AdjustmentRequest request, AdjustmentService.Declarer by, Instant now) {
        return open(id).chain(suspected -> {
            String start = request != null && request.start() != null ? request.start() : suspected.minute().toString();
            String end = request != null && request.end() != null ? request.end()
                    : suspected.minute().plus(1, ChronoUnit.MINUTES).toString();
            String reason = request != null && request.reason() != null ? request.reason() : suspected.summary();
            return adjustments.declare(new AdjustmentRequest(AdjustmentView.PLATFORM_FAULT, start, end, reason,
                            suspected.appKeys(), null, null, null, request == null ? null : request.reference(), null), by, now)
                    .call(fault -> repository.decide(id, SuspectedFaultStatus.CONFIRMED, by.name(), fault.id()));
        });
    }

    public Uni<Void> dismiss(long id, AdjustmentService.Declarer by) {
        return open(id).chain(suspected -> repository.decide(id, SuspectedFaultStatus.DISMISSED, by.name(), null)).replaceWithVoid();
    }

    private Uni<SuspectedFault> open(long id) {
        return repository.get(id).map(found -> {
            if (found == null) {
                throw Refusal.notFound("no suspected platform fault " + id);
            }
            if (!found.status().equals(SuspectedFaultStatus.OPEN.name())) {
                throw Refusal.conflict("the suspected platform fault " + id + " is " + found.status().toLowerCase(Locale.ROOT));
            }
            return found;
        });
    }
}
