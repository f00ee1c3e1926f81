package io.rampart.prober.testing;

import io.rampart.prober.probe.HttpProbe;
import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.probe.ProbeTarget;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.time.Instant;

/**
 * An {@link HttpProbe} with the prober's default limits (3 s, 64 KiB of body, 16 KiB of headers,
 * no keep-alive) on a Vert.x of its own, and the {@link TargetServer} it probes; registered as a
 * static extension, it is closed after the test class.
 */
public final class LoopbackProbe implements AfterAllCallback {

    public static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Vertx vertx = Vertx.vertx();
    private final TargetServer server = new TargetServer();
    private final HttpProbe probe;

    /**
     * A probe that reaches the loopback server, as in the test profile.
     *
     * @param maxConnections the probe's connection bound, which the engine sets to its max-in-flight
     */
    public LoopbackProbe(int maxConnections) {
        this(maxConnections, true);
    }

    /** @param allowPrivateNetworks false for production's guard, which blocks the loopback server */
    public LoopbackProbe(int maxConnections, boolean allowPrivateNetworks) {
        probe = new HttpProbe(vertx, new HttpProbe.Settings(TIMEOUT, 64 * 1024, 16 * 1024, false, maxConnections,
                allowPrivateNetworks), "test", "local");
    }

    public Vertx vertx() {
        return vertx;
    }

    public TargetServer server() {
        return server;
    }

    public HttpProbe probe() {
        return probe;
    }

    /** Probes the URL once and waits for the result. */
    public ProbeResult probe(String url) {
        return probe(new ProbeTarget(1, "com.acme.probe", url, Instant.now()));
    }

    /** Probes the target and waits for its result. */
    public ProbeResult probe(ProbeTarget target) {
        return Uni.createFrom().<ProbeResult>emitter(emitter -> probe.probe(target, emitter::complete))
                .await().atMost(Duration.ofSeconds(10));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        probe.close();
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
