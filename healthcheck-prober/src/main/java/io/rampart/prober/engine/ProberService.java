package io.rampart.prober.engine;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.rampart.prober.config.ProberConfig;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;

/** Runs this process's prober replica from start to a graceful stop. */
@ApplicationScoped
public class ProberService {

    private static final Logger LOG = Logger.getLogger(ProberService.class);

    private final ProberConfig config;
    private final ProbeEngine engine;

    public ProberService(Vertx vertx, Pool pool, ProberConfig config, MeterRegistry registry) {
        this.config = config;
        String replicaId = config.replicaId().orElseGet(ProberService::defaultReplicaId);
        this.engine = new ProbeEngine(vertx, pool, config, replicaId, registry);
    }

    void onStart(@Observes StartupEvent started) {
        if (config.enabled()) {
            engine.start().await().atMost(Duration.ofSeconds(30));
        } else {
            LOG.info("rampart.prober.enabled is false: this replica probes nothing");
        }
    }

    void onStop(@Observes ShutdownEvent stopping) {
        if (config.enabled()) {
            // Blocking is right here: shutdown waits for the claim under way and the probes in
            // flight (a timeout each at most) and for the last writes (10 s at most).
            engine.stop().await().atMost(config.timeout().multipliedBy(2).plusSeconds(15));
        }
    }

    /** The pod name on Kubernetes (HOSTNAME), with the process id so that two local runs differ. */
    static String defaultReplicaId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "prober");
        return host + "-" + ProcessHandle.current().pid();
    }
}
