package io.rampart.prober.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rampart.prober.config.ProberConfig;
import io.rampart.prober.engine.ProbeEngine;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Prober replicas a test starts against the test database, each with meters of its own; stops what is left. */
public final class Engines implements AutoCloseable {

    private final Vertx vertx;
    private final Pool pool;
    private final ProberConfig config;
    private final List<ProbeEngine> running = new ArrayList<>();

    public Engines(Vertx vertx, Pool pool, ProberConfig config) {
        this.vertx = vertx;
        this.pool = pool;
        this.config = config;
    }

    public ProbeEngine start(String replicaId, MeterRegistry meters, Map<String, Object> overrides) {
        return start(vertx, replicaId, meters, overrides);
    }

    public ProbeEngine start(String replicaId) {
        return start(replicaId, new SimpleMeterRegistry(), Map.of());
    }

    /** A replica on a Vert.x of the test's own, which the test can close to kill it. */
    public ProbeEngine start(Vertx ownVertx, String replicaId, MeterRegistry meters, Map<String, Object> overrides) {
        ProbeEngine engine = new ProbeEngine(ownVertx, pool, ConfigOverride.of(config, overrides), replicaId, meters);
        engine.start().await().atMost(Duration.ofSeconds(10));
        running.add(engine);
        return engine;
    }

    /** Stops the replica gracefully, as a shutdown would. */
    public void stop(ProbeEngine engine) {
        running.remove(engine);
        engine.stop().await().atMost(Duration.ofSeconds(20));
    }

    /** Forgets a replica the test killed. */
    public void forget(ProbeEngine engine) {
        running.remove(engine);
    }

    @Override
    public void close() {
        List.copyOf(running).forEach(this::stop);
    }

    /** Waits until the condition holds; fails the test after the limit. */
    public static void awaitUntil(Duration limit, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + limit + ": " + what);
            }
            Thread.sleep(100);
        }
    }
}
