package io.rampart.prober.result;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.prober.engine.ProbeEngine;
import io.rampart.prober.testing.EngineTestBase;
import io.rampart.prober.testing.Engines;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every probe made is stored, through a database outage; what the buffer cannot hold is counted. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ResultWritingTest extends EngineTestBase {

    @Test
    void resultsMadeDuringAShortDatabaseOutageAreWrittenAfterIt() throws Exception {
        String app = registry.app("outage", 1);
        List<String> paths = targets(app, "outage", 20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProbeEngine engine = engines.start("replica-outage", meters, Map.of());
        Engines.awaitUntil(Duration.ofSeconds(5), "probes are stored", () -> !registry.results(app).isEmpty());

        PostgresResource.stopDatabase();
        try {
            Thread.sleep(2_000);
        } finally {
            PostgresResource.restartDatabase();
        }
        Engines.awaitUntil(Duration.ofSeconds(15), "probing resumes after the outage",
                () -> registry.results(app).size() > requests(paths) - paths.size());
        engines.stop(engine);

        assertThat(meters.counter("rampart.prober.write.failures").count()).as("writes failed during the outage")
                .isPositive();
        assertThat(meters.counter("rampart.prober.results.dropped").count()).isZero();
        assertThat(registry.results(app)).as("one stored result per request the targets received")
                .hasSize(requests(paths));
    }

    @Test
    void resultsPastTheBufferAreDroppedAndCounted() throws Exception {
        String app = registry.app("dropped", 1);
        List<String> paths = targets(app, "dropped", 20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // Two results fit, and nothing is written before the engine stops.
        ProbeEngine engine = engines.start("replica-dropping", meters,
                Map.of("resultBufferSize", 2, "writePeriod", Duration.ofMinutes(5)));
        Engines.awaitUntil(Duration.ofSeconds(5), "more probes than the buffer holds", () -> requests(paths) > 5);
        engines.stop(engine);

        double dropped = meters.counter("rampart.prober.results.dropped").count();
        assertThat(registry.results(app)).hasSize(2);
        assertThat(dropped).as("every result not stored is counted").isEqualTo(requests(paths) - 2);
    }

    private List<String> targets(String app, String prefix, int count) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestApps.target(app, "t" + i, server.baseUrl() + "/" + prefix + "/t" + i);
            paths.add("/" + prefix + "/t" + i + "/health");
        }
        return paths;
    }

    private int requests(List<String> paths) {
        return paths.stream().mapToInt(server::requestCount).sum();
    }
}
