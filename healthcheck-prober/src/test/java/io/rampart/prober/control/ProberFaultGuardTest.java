package io.rampart.prober.control;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.prober.engine.ProbeEngine;
import io.rampart.prober.testing.EngineTestBase;
import io.rampart.prober.testing.Engines;
import io.rampart.prober.testing.Registry.StoredResult;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The prober-fault guard (docs/prober.md): a replica whose control target fails charges no app. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProberFaultGuardTest extends EngineTestBase {

    @Test
    void aFailingControlTargetStoresProberFaultAndNoAppsAvailabilityMoves() throws Exception {
        ProbeEngine engine = engines.start("replica-cut-off", new SimpleMeterRegistry(), Map.of(
                "controlUrl", Optional.of(server.baseUrl() + "/status/503"), "controlPeriod", Duration.ofMillis(200)));
        Thread.sleep(1000); // the first control probe has answered
        String app = registry.app("guarded", 1);
        TestApps.target(app, "up", server.baseUrl() + "/up");

        Engines.awaitUntil(Duration.ofSeconds(15), "three results are stored", () -> registry.results(app).size() >= 3);
        engines.stop(engine);
        List<StoredResult> results = registry.results(app);
        assertThat(results).allSatisfy(result -> {
            assertThat(result.outcome()).isEqualTo("PROBER_FAULT");
            assertThat(result.statusCode()).isEqualTo(200);
        });
        assertThat(rolledUpProbes(app)).isZero();
    }

    @Test
    void aHealthyControlTargetLeavesResultsAsProbed() throws Exception {
        ProbeEngine engine = engines.start("replica-healthy", new SimpleMeterRegistry(), Map.of(
                "controlUrl", Optional.of(server.baseUrl() + "/up"), "controlPeriod", Duration.ofMillis(200)));
        Thread.sleep(1000);
        String app = registry.app("unguarded", 1);
        TestApps.target(app, "up", server.baseUrl() + "/up");

        Engines.awaitUntil(Duration.ofSeconds(15), "three results are stored", () -> registry.results(app).size() >= 3);
        engines.stop(engine);
        List<StoredResult> results = registry.results(app);
        assertThat(results).extracting(StoredResult::outcome).containsOnly("SUCCESS");
        assertThat(rolledUpProbes(app)).isEqualTo(results.size());
    }

    /** The probes the app's availability counts: its minute rollups. */
    private long rolledUpProbes(String app) {
        return pool.preparedQuery("select coalesce(sum(total), 0)::bigint as total from sli_count_minute"
                        + " where app_key = $1 and stream = 'PROBE'")
                .execute(Tuple.of(app)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("total");
    }
}
