package io.rampart.prober.engine;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rampart.prober.testing.Engines;
import io.rampart.prober.testing.Registry;
import io.rampart.prober.testing.Registry.StoredResult;
import io.rampart.prober.testing.TargetServer;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The service as deployed: its own replica probes registered targets, stores them and exposes its meters. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(ProbingServiceTest.ServiceReplicaOn.class)
class ProbingServiceTest {

    public static class ServiceReplicaOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rampart.prober.enabled", "true", "rampart.prober.replica-id", "service-replica");
        }
    }

    /** The management interface, where the metrics are. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    Pool pool;

    @Test
    void probesRegisteredTargetsAndStoresEachOutcome() throws Exception {
        try (TargetServer server = new TargetServer(); Registry registry = new Registry(pool)) {
            String app = registry.app("service", 1);
            long up = TestApps.target(app, "up", server.baseUrl() + "/up");
            long failing = TestApps.target(app, "failing", server.baseUrl() + "/status/503");
            long slow = TestApps.target(app, "slow", server.baseUrl() + "/slow");

            Engines.awaitUntil(Duration.ofSeconds(15), "a timed-out probe is stored",
                    () -> registry.results(app).stream().anyMatch(result -> result.targetId() == slow));
            var results = registry.results(app);
            assertThat(results).filteredOn(result -> result.targetId() == up)
                    .isNotEmpty().allSatisfy(result -> {
                        assertThat(result.outcome()).isEqualTo("SUCCESS");
                        assertThat(result.statusCode()).isEqualTo(200);
                    });
            assertThat(results).filteredOn(result -> result.targetId() == failing)
                    .isNotEmpty().allSatisfy(result -> {
                        assertThat(result.outcome()).isEqualTo("HTTP_STATUS");
                        assertThat(result.statusCode()).isEqualTo(503);
                    });
            assertThat(results).filteredOn(result -> result.targetId() == slow)
                    .allSatisfy(result -> {
                        assertThat(result.outcome()).isEqualTo("TIMEOUT");
                        assertThat(result.durationMs()).isEqualTo(3000);
                    });
            assertThat(results).extracting(StoredResult::prober).containsOnly("service-replica");
        }
    }

    @Test
    void countsItsProbesForPrometheus() throws Exception {
        try (TargetServer server = new TargetServer(); Registry registry = new Registry(pool)) {
            String app = registry.app("metered", 1);
            TestApps.target(app, "failing", server.baseUrl() + "/status/500");
            Engines.awaitUntil(Duration.ofSeconds(10), "the failure is counted and its result written",
                    () -> count(metrics(), "rampart_prober_probes_total{outcome=\"HTTP_STATUS\"}") > 0
                            && count(metrics(), "rampart_prober_write_batch_size_results_count") > 0);
        }
        String metrics = metrics();
        assertThat(count(metrics, "rampart_prober_scheduling_lag_seconds_count")).isPositive();
        assertThat(metrics).contains("rampart_prober_in_flight ", "rampart_prober_results_buffered ",
                "rampart_prober_write_failures_total ", "rampart_prober_results_dropped_total ",
                "rampart_prober_claim_failures_total ", "rampart_prober_probe_duration_seconds_bucket{",
                "rampart_prober_location_live{location=\"local\"");
    }

    private String metrics() {
        return given().baseUri("http://localhost").port(management.getPort()).when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
    }

    /** The value of a sample, 0 where it is absent. */
    private static double count(String metrics, String sample) {
        return metrics.lines().filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(sample.length() + 1))).sum();
    }
}
