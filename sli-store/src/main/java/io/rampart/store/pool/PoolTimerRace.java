package io.rampart.store.pool;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.impl.pool.SqlConnectionPool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns a harmless race of vertx-sql-client 4.5 into one WARN line. {@code Pool.query/preparedQuery}
 * arms a timer of the pool's connection timeout for every statement and cancels it only when a
 * connection is acquired; when acquiring fails (the database is restarting, so the connect is
 * refused), the statement fails at once as it should, and the timer still fires later and fails
 * the completed promise again: {@code IllegalStateException: Result is already complete}, which
 * Vert.x hands to its exception handler, logged by Quarkus as an ERROR with a stack trace
 * (eclipse-vertx/vertx-sql-client#1706, open; no 4.5 release fixes it). Nothing is lost: the
 * statement's caller already had its failure. Every other uncaught exception goes on to the
 * handler that was there.
 */
@ApplicationScoped
public class PoolTimerRace {

    private static final Logger LOG = Logger.getLogger(PoolTimerRace.class);
    /** At most one line per period, however many statements failed during an outage. */
    private static final Duration LOG_PERIOD = Duration.ofMinutes(1);

    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());

    void install(@Observes StartupEvent start, Vertx vertx) {
        Handler<Throwable> previous = vertx.exceptionHandler();
        vertx.exceptionHandler(failure -> {
            if (isPoolTimerRace(failure)) {
                report();
            } else if (previous != null) {
                previous.handle(failure);
            } else {
                LOG.error("Uncaught exception received by Vert.x", failure);
            }
        });
    }

    static boolean isPoolTimerRace(Throwable failure) {
        if (!(failure instanceof IllegalStateException) || !"Result is already complete".equals(failure.getMessage())) {
            return false;
        }
        for (StackTraceElement frame : failure.getStackTrace()) {
            if (frame.getClassName().equals(SqlConnectionPool.class.getName())) {
                return true;
            }
        }
        return false;
    }

    private void report() {
        long count = suppressed.incrementAndGet();
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_PERIOD.toNanos())) {
            suppressed.addAndGet(-count);
            LOG.warnf("%d database statement(s) failed while no connection could be opened; their pool timers fired"
                    + " after the failure was reported (vertx-sql-client#1706, harmless)", count);
        }
    }
}
