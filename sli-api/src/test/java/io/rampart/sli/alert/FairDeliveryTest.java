package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rampart.store.testing.PostgresResource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One app's receivers that never answer do not hold back another app's alerts: the dispatcher runs
 * on its schedule, with the production timeout, and claims fewer deliveries per round than the
 * blackholed app has queued (the scaled-down form of thousands of channels against a batch of 50).
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(FairDeliveryTest.Scheduled.class)
class FairDeliveryTest extends AlertEndToEnd {

    /** The dispatcher on a 1 s schedule, 10 s per attempt (the production default), 5 deliveries per round. */
    public static class Scheduled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rampart.alerts.delivery.every", "1s", "rampart.alerts.delivery.timeout", "10s",
                    "rampart.alerts.delivery.batch", "5");
        }
    }

    @Test
    void anotherAppsFirstNotificationLeavesWithin15SecondsWhileTenReceiversNeverAnswer() throws InterruptedException {
        String blackholed = registerApp("alert-blackholed", "prod");
        List<String> silent = new java.util.ArrayList<>();
        for (int channel = 0; channel < 10; channel++) {
            silent.add(createChannel(blackholed, receiver.silentHook()).url());
        }
        String other = registerApp("alert-bystander", "prod");
        AlertTesting.Channel healthy = createChannel(other, receiver.hook(200));

        Instant incidentA = Instant.now();
        probe(blackholed, targetId(blackholed, "prod"), incidentA.minus(1, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        evaluate(incidentA);
        // The blackholed app's attempts are under way before the other app's incident opens.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (silent.stream().mapToInt(url -> receiver.received(url).size()).sum() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(silent.stream().mapToInt(url -> receiver.received(url).size()).sum()).isPositive();

        Instant incidentB = Instant.now();
        probe(other, targetId(other, "prod"), incidentB.minus(1, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        evaluate(incidentB);
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (receiver.received(healthy.url()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Duration waited = Duration.between(incidentB, Instant.now());

        assertThat(receiver.received(healthy.url())).as("the other app's notification").hasSize(1);
        assertThat(waited).as("from the other app's incident to its receiver").isLessThan(Duration.ofSeconds(15));
        System.out.printf("fair delivery: the other app's first notification left %d ms after its incident,"
                + " with %d of the blackholed app's attempts started%n", waited.toMillis(),
                silent.stream().mapToInt(url -> receiver.received(url).size()).sum());
    }
}
