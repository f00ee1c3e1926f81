package io.rampart.prober.testing;

import io.rampart.prober.config.ProberConfig;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What a test of prober replicas needs: the service's Vert.x, pool and settings, a fresh target
 * server, the registry, and replicas that are stopped (and apps disabled) after each test.
 */
public abstract class EngineTestBase {

    @Inject
    protected Vertx vertx;
    @Inject
    protected Pool pool;
    @Inject
    protected ProberConfig config;

    protected TargetServer server;
    protected Registry registry;
    protected Engines engines;

    @BeforeEach
    void startFixtures() {
        server = new TargetServer();
        registry = new Registry(pool);
        engines = new Engines(vertx, pool, config);
    }

    @AfterEach
    void stopFixtures() {
        engines.close();
        registry.close();
        server.close();
    }
}
