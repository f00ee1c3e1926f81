package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.alert.notify.DeliveryDispatcher;
import io.rampart.sli.outgoing.HostilePeers;
import io.rampart.store.testing.PostgresResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A receiver's answer is read only up to a few KiB, and the connection of an answer that goes on
 * is reset at once; a delivery whose attempts are used up is never sent again.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class BoundedAnswersTest extends AlertEndToEnd {

    private static HostilePeers peers;

    @BeforeAll
    static void startPeers() {
        peers = new HostilePeers();
    }

    @AfterAll
    static void stopPeers() {
        peers.close();
    }

    @Test
    void anEndlessAnswerIsCutAfterAFewKibAndItsConnectionReset() {
        Instant now = baseHour().plus(20, ChronoUnit.MINUTES);
        String app = registerApp("alert-endless", "prod");
        createChannel(app, peers.url(HostilePeers.Behaviour.ENDLESS));
        probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        evaluate(now);

        long started = System.nanoTime();
        DeliveryDispatcher.Round round = dispatch(now);

        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the attempt ends before its timeout of 2 s")
                .isLessThan(Duration.ofSeconds(2));
        assertThat(round.retrying()).isEqualTo(1);
        assertThat(notification(app)).containsEntry("state", "PENDING").containsEntry("lastError", "answer too large")
                .containsEntry("lastStatusCode", null);
        // The receiver sees its connection closed: nothing it streams afterwards is read or buffered.
        assertThat(peers.acceptedConnections(HostilePeers.Behaviour.ENDLESS)).isEqualTo(1);
        assertThat(peers.awaitNoOpenConnections(HostilePeers.Behaviour.ENDLESS, Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void aDeliveryDueWithItsAttemptsUsedUpIsFailedWithoutBeingSentAgain() {
        Instant now = baseHour().plus(25, ChronoUnit.MINUTES);
        String app = registerApp("alert-used-up", "prod");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        evaluate(now);
        // Six attempts were claimed, and the last one's outcome never recorded: the replica died
        // while the receiver answered (an endless answer and a heap limit, say).
        execute("update notification_delivery set attempts = 6, last_error = null where channel_id = ?::uuid",
                channel.id());

        DeliveryDispatcher.Round round = dispatch(now.plus(1, ChronoUnit.HOURS));

        assertThat(round.failed()).isEqualTo(1);
        assertThat(receiver.received(channel.url())).isEmpty();
        assertThat(notification(app)).containsEntry("state", "FAILED").containsEntry("attempts", 6)
                .containsEntry("lastError", "attempts used up");
    }

    private static Map<String, Object> notification(String app) {
        List<Map<String, Object>> notifications = (List<Map<String, Object>>) incident(app, AlertRules.AVAILABILITY)
                .get("notifications");
        assertThat(notifications).hasSize(1);
        return notifications.get(0);
    }
}
