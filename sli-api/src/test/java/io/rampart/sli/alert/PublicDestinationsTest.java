package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.rampart.sli.ProductionRules;
import io.rampart.store.testing.PostgresResource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static org.assertj.core.api.Assertions.assertThat;

/** With the production default, a receiver on an internal address is never contacted. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(ProductionRules.class)
class PublicDestinationsTest extends AlertEndToEnd {

    @Test
    void aReceiverOnLoopbackIsRefusedWithoutBeingContacted() {
        Instant now = baseHour().plus(50, ChronoUnit.MINUTES);
        String app = registerApp("alert-loopback", "prod");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        evaluate(now);

        dispatch(now);

        assertThat(receiver.received(channel.url())).isEmpty();
        List<Map<String, Object>> notifications = (List<Map<String, Object>>) incident(app, AlertRules.AVAILABILITY)
                .get("notifications");
        assertThat(notifications).singleElement().satisfies(notification -> assertThat(notification)
                .containsEntry("state", "FAILED").containsEntry("lastError", "destination not public")
                .containsEntry("attempts", 1));
    }
}
