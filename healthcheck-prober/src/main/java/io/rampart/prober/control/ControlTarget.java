package io.rampart.prober.control;

import io.rampart.prober.probe.HttpProbe;
import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.probe.ProbeTarget;
import io.rampart.store.probe.ProbeOutcome;
import io.vertx.core.Vertx;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * The prober-fault guard of one replica: probes the platform's control target every period (like
 * any target, but always allowed on private addresses: the platform names it), and while its last
 * answer was a failure, stores every result of the replica as PROBER_FAULT, which counts for no
 * app. A replica that lost its own network must not charge the apps for it.
 */
public final class ControlTarget implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControlTarget.class);

    private final Vertx vertx;
    private final HttpProbe probe;
    private final String url;
    private final Duration period;
    private volatile boolean failing;
    private long timer = -1;

    public ControlTarget(Vertx vertx, String url, Duration period, Duration timeout, String replicaId,
            String location) {
        this.vertx = vertx;
        this.url = url;
        this.period = period;
        this.probe = new HttpProbe(vertx, new HttpProbe.Settings(timeout, 64 * 1024, 16 * 1024, false, 1, true), replicaId,
                location);
    }

    /** Probes the control target now and then every period. */
    public void start() {
        check();
        timer = vertx.setPeriodic(period.toMillis(), id -> check());
    }

    /** The result as stored: PROBER_FAULT while the control target fails. */
    public ProbeResult judge(ProbeResult result) {
        if (!failing) {
            return result;
        }
        return new ProbeResult(result.targetId(), result.appKey(), result.scheduledAt(), result.startedAt(),
                result.durationMs(), ProbeOutcome.PROBER_FAULT, result.statusCode(), result.prober(), result.phases(),
                result.certificate());
    }

    private void check() {
        probe.probe(new ProbeTarget(0, "", url, Instant.now()), result -> {
            boolean nowFailing = result.outcome() != ProbeOutcome.SUCCESS;
            if (nowFailing != failing) {
                if (nowFailing) {
                    LOG.warnf("control target failing (%s): results stored as PROBER_FAULT", result.outcome());
                } else {
                    LOG.infof("control target answers again: results count again");
                }
            }
            failing = nowFailing;
        });
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        probe.close();
    }
}
