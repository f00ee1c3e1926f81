package io.rampart.store.schedule;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.FailedExecution;
import io.rampart.store.pool.DatabaseUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * One log line per failed run of a scheduled job, at the level it deserves. Quarkus's scheduler
 * logs every failed run as an ERROR with a stack trace (its logger is silenced in sli-store's
 * microprofile-config.properties, and this takes its place): a run that failed because the
 * database could not be reached (a restart, a failover) is retried by the next run, and one cut
 * short by the service's own stop (its pool closes under it) has nothing left to do: both are a
 * WARN. Any other failure stays an ERROR with its stack trace.
 */
@ApplicationScoped
public class ScheduledJobFailures {

    private static final Logger LOG = Logger.getLogger(ScheduledJobFailures.class);

    private volatile boolean stopping;

    void stopping(@Observes ShutdownEvent stop) {
        stopping = true;
    }

    void failed(@Observes FailedExecution failure) {
        String job = failure.getExecution().getTrigger().getId();
        Throwable cause = failure.getException();
        if (stopping) {
            LOG.warnf("scheduled job %s was cut short by the service's stop (%s)", job, rootClass(cause));
        } else if (DatabaseUnavailable.is(cause)) {
            LOG.warnf("scheduled job %s did not run: the database cannot be reached (%s); the next run tries again",
                    job, rootClass(cause));
        } else {
            LOG.errorf(cause, "scheduled job %s failed", job);
        }
    }

    /** The innermost cause's class: what went wrong, without a message that may quote a statement. */
    private static String rootClass(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getName();
    }
}
