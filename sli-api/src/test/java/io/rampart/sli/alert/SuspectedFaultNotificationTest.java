package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PostgresResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications of breaches in a minute of a suspected platform fault say so (docs/alerts.md,
 * "Suspected platform faults"); a breach of the app alone does not.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class SuspectedFaultNotificationTest extends AlertEndToEnd {

    /** Six days ago: minutes no other test probes or evaluates in. */
    private static final Instant DAY = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(6, ChronoUnit.DAYS);

    @Test
    void aBreachInAMinuteOfASuspectedPlatformFaultSaysSoInItsNotification() {
        Instant minute = DAY.plus(23, ChronoUnit.MINUTES);
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String app = registerApp("fault-minute", "prod");
            boolean fails = i < 15;
            probe(app, targetId(app, "prod"), minute.plusSeconds(10), fails ? 3000 : 100, fails ? "TIMEOUT" : "SUCCESS",
                    fails ? null : 200);
            apps.add(app);
        }
        AlertTesting.Channel failing = createChannel(apps.get(0), receiver.hook(200));

        Instant now = minute.plus(1, ChronoUnit.MINUTES).plusSeconds(5);
        evaluate(now);
        dispatch(now);
        assertThat(receiver.received(failing.url())).singleElement().satisfies(told -> {
            assertThat(told.body()).contains("suspected platform-wide fault: 15 of 25 apps failing");
            assertThat(new JsonObject(told.body()).getString("suspectedPlatformFault"))
                    .isEqualTo("suspected platform-wide fault: 15 of 25 apps failing");
        });

        // One app failing alone, half an hour later: its notification has no such line.
        Instant alone = minute.plus(30, ChronoUnit.MINUTES);
        String lonely = registerApp("fault-alone", "prod");
        AlertTesting.Channel own = createChannel(lonely, receiver.hook(200));
        probe(lonely, targetId(lonely, "prod"), alone.plusSeconds(10), 3000, "TIMEOUT", null);
        Instant later = alone.plus(1, ChronoUnit.MINUTES).plusSeconds(5);
        evaluate(later);
        dispatch(later);
        assertThat(receiver.received(own.url())).singleElement().satisfies(told -> {
            assertThat(new JsonObject(told.body()).getString("rule")).isEqualTo(AlertRules.AVAILABILITY);
            assertThat(told.body()).doesNotContain("suspected platform-wide fault");
        });
    }
}
