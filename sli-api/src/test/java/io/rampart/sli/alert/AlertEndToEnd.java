package io.rampart.sli.alert;

import io.rampart.sli.alert.notify.DeliveryDispatcher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

/**
 * What an end-to-end alert test has: the evaluator and the dispatcher, which it calls at times of
 * its choosing instead of waiting for their schedulers, and a webhook receiver on 127.0.0.1.
 */
abstract class AlertEndToEnd {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static WebhookReceiver receiver;

    @Inject
    AlertEvaluator evaluator;

    @Inject
    DeliveryDispatcher dispatcher;

    @BeforeAll
    static void startReceiver() throws IOException {
        receiver = new WebhookReceiver();
    }

    /** Evaluates every enabled app's rules as the scheduler would at {@code now}. */
    IncidentRepository.Changes evaluate(Instant now) {
        return evaluator.evaluate(now).await().atMost(WAIT);
    }

    /** Sends the deliveries due at {@code now} as the scheduler would. */
    DeliveryDispatcher.Round dispatch(Instant now) {
        return dispatcher.dispatch(now).await().atMost(WAIT);
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.close();
        }
    }
}
