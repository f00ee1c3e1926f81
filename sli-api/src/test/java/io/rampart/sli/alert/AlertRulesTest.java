package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PostgresResource;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.sli.alert.AlertTesting.incidents;
import static io.rampart.sli.alert.AlertTesting.signatureValid;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.targetId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each alert rule of docs/alerts.md, end to end: raw events, an evaluation, incidents, webhook deliveries. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class AlertRulesTest extends AlertEndToEnd {


    private final Instant now = baseHour().plus(30, ChronoUnit.MINUTES);

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    /**
     * {@code total} host events of a kind, one every {@code stepSeconds} back from {@code end}, the
     * latest {@code failed} of them answered 500, the rest 200.
     */
    private static void events(String app, String kind, Instant end, int total, int stepSeconds, int failed) {
        execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, product)"
                + " select ?, ?, ?::timestamptz - i * make_interval(secs => ?), 100,"
                + " case when i <= ? then 500 else 200 end, case when ? = 'WEBHOOK' then 'JIRA' end"
                + " from generate_series(1, ?) as i",
                app, kind, Timestamp.from(end), stepSeconds, failed, kind, total);
    }

    /** {@code count} probes of one outcome, one every {@code stepMillis} from {@code first}; a timeout lasts 3 s. */
    private static void probes(String app, long target, Instant first, int count, int stepMillis, String outcome) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, prober)"
                + " select ?, ?, t, t, ?, ?, 'test' from generate_series(0, ? - 1) as i,"
                + " lateral (select ?::timestamptz + i * make_interval(secs => ? / 1000.0) as t) as at",
                target, app, outcome.equals("TIMEOUT") ? 3000 : 100, outcome, count, Timestamp.from(first), stepMillis);
    }

    /** The app's incident of a rule, after checking the figures it shows. */
    private static Map<String, Object> assertIncident(String app, String rule, String metricName, double sliValue,
            double sloValue, long measurementDurationSeconds) {
        Map<String, Object> incident = incident(app, rule);
        assertThat(incident.get("metricName")).isEqualTo(metricName);
        assertThat(number(incident.get("sliValue"))).isCloseTo(sliValue, within(1e-4));
        assertThat(number(incident.get("sloValue"))).isCloseTo(sloValue, within(1e-4));
        assertThat(number(incident.get("measurementDurationSeconds"))).isEqualTo((double) measurementDurationSeconds);
        return incident;
    }

    @Test
    void availabilityFailedCheckIn15MinutesOpensOneIncidentNotifiesAndResolvesOnRecovery() throws Exception {
        String app = registerApp("alert-availability", "prod");
        long target = targetId(app, "prod");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        probes(app, target, now.minus(8, ChronoUnit.MINUTES), 4, 60_000, "SUCCESS");
        probes(app, target, now.minus(3, ChronoUnit.MINUTES), 1, 0, "TIMEOUT");

        evaluate(now);
        // Only the availability rule: five probes are too few for a burn-rate alert (minimum 20 events).
        List<Map<String, Object>> open = incidents(app);
        assertThat(open).extracting(incident -> incident.get("rule")).containsExactly(AlertRules.AVAILABILITY);
        Map<String, Object> incident = assertIncident(app, AlertRules.AVAILABILITY, "availability_success_rate", 80.0,
                99.9, 900);
        assertThat(incident.get("status")).isEqualTo("OPEN");

        dispatch(now);
        assertThat(receiver.received(channel.url())).hasSize(1);
        WebhookReceiver.Received anomalous = receiver.received(channel.url()).get(0);
        assertThat(signatureValid(anomalous.signature(), anomalous.body(), channel.signingSecret())).isTrue();
        assertThat(anomalous.signature()).startsWith("t=" + now.getEpochSecond() + ",v1=");
        JsonObject body = new JsonObject(anomalous.body());
        assertThat(body.getString("appKey")).isEqualTo(app);
        assertThat(body.getJsonObject("appDetails").getString("name")).isEqualTo("Test");
        assertThat(body.getJsonObject("appDetails").containsKey("partnerName")).isTrue();
        assertThat(body.getString("incidentId")).isEqualTo(incident.get("id"));
        assertThat(body.getString("incidentStatus")).isEqualTo("ANOMALOUS");
        assertThat(body.getString("time")).isEqualTo(now.toString());
        assertThat(body.getString("metricName")).isEqualTo("availability_success_rate");
        assertThat(body.getString("metricUnit")).isEqualTo("%");
        assertThat(body.getLong("measurementDurationSeconds")).isEqualTo(900L);
        assertThat(body.getDouble("sliValue")).isCloseTo(80.0, within(1e-4));
        assertThat(body.getDouble("sloValue")).isCloseTo(99.9, within(1e-4));

        // Still breaching a minute later: the same incident, updated, and no second notification.
        evaluate(now.plus(1, ChronoUnit.MINUTES));
        dispatch(now.plus(1, ChronoUnit.MINUTES));
        assertThat(incidents(app)).extracting(open1 -> open1.get("id")).containsExactly(incident.get("id"));
        assertThat(receiver.received(channel.url())).hasSize(1);

        // 15 minutes without a failed check: resolved, and RESOLVED delivered for the same incident.
        Instant recovered = now.plus(20, ChronoUnit.MINUTES);
        evaluate(recovered);
        dispatch(recovered);
        Map<String, Object> resolved = incident(app, AlertRules.AVAILABILITY);
        assertThat(resolved.get("id")).isEqualTo(incident.get("id"));
        assertThat(resolved.get("status")).isEqualTo("RESOLVED");
        assertThat(resolved.get("resolvedAt")).isEqualTo(recovered.toString());
        assertThat(resolved.get("notifications")).asList().extracting("incidentStatus", "state")
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ANOMALOUS", "DELIVERED"),
                        org.assertj.core.groups.Tuple.tuple("RESOLVED", "DELIVERED"));
        assertThat(receiver.received(channel.url())).hasSize(2);
        JsonObject recovery = new JsonObject(receiver.received(channel.url()).get(1).body());
        assertThat(recovery.getString("incidentStatus")).isEqualTo("RESOLVED");
        assertThat(recovery.getString("incidentId")).isEqualTo(incident.get("id"));
        assertThat(recovery.getString("time")).isEqualTo(recovered.toString());
    }

    @Test
    void webhookDeliveryBelowItsSloFor15MinutesOpensAnIncident() {
        String breaching = registerApp("alert-webhook");
        String atSlo = registerApp("alert-webhook-ok");
        events(breaching, "WEBHOOK", now, 100, 5, 5);
        events(atSlo, "WEBHOOK", now, 100, 5, 1);

        evaluate(now);

        assertIncident(breaching, AlertRules.WEBHOOK_DELIVERY, "webhook_delivery_success_rate", 95.0, 99.0, 900);
        // 99 % is not below the 99 % SLO.
        assertThat(incidents(atSlo)).extracting(open -> open.get("rule")).doesNotContain(AlertRules.WEBHOOK_DELIVERY);
    }

    @Test
    void lifecycleBelow999PercentOver24HoursOpensAnIncident() {
        String breaching = registerApp("alert-lifecycle");
        String atThreshold = registerApp("alert-lifecycle-ok");
        // 1000 callbacks over the last 20 hours
        events(breaching, "LIFECYCLE", now, 1000, 72, 2);
        events(atThreshold, "LIFECYCLE", now, 1000, 72, 1);

        evaluate(now);

        assertIncident(breaching, AlertRules.LIFECYCLE, "lifecycle_success_rate", 99.8, 99.9, 86_400);
        // 999 of 1000 is 99.9 %, not below it; 0.1 % errors burn a 99 % SLO far too slowly to alert.
        assertThat(incidents(atThreshold)).isEmpty();
    }

    @Test
    void burnRatePageFiresAtTheThresholdScaledTo28Days() {
        String app = registerApp("alert-burn", "prod");
        long target = targetId(app, "prod");
        // 1000 good probes 55 to 5 minutes ago, then 14 failed ones: over 1 h, 14 / 1014 errors burn
        // a 99.9 % budget 13.8 times too fast: above the workbook's 14.4 scaled to 28 days (13.44),
        // below the unscaled 14.4. Over 5 m every probe failed.
        probes(app, target, now.minus(55, ChronoUnit.MINUTES), 1000, 3000, "SUCCESS");
        probes(app, target, now.minus(140, ChronoUnit.SECONDS), 14, 10_000, "TIMEOUT");

        evaluate(now);

        Map<String, Object> page = assertIncident(app, "burn_rate:availability_success_rate:1h/5m",
                "availability_success_rate", 100.0 * 1000 / 1014, 99.9, 3600);
        assertThat(page.get("severity")).isEqualTo("page");
        assertThat(incident(app, "burn_rate:availability_success_rate:3d/6h").get("severity")).isEqualTo("ticket");
    }

    @Test
    void twoEvaluatorsAtOnceOpenOneIncidentAndQueueOneNotificationPerBreach() {
        String app = registerApp("alert-concurrent", "prod");
        long target = targetId(app, "prod");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(204));
        probes(app, target, now.minus(2, ChronoUnit.MINUTES), 1, 0, "TIMEOUT");
        events(app, "WEBHOOK", now, 40, 5, 10);

        for (int minute = 0; minute < 3; minute++) {
            Instant at = now.plus(minute, ChronoUnit.MINUTES);
            CompletableFuture<IncidentRepository.Changes> first = evaluator.evaluate(at).subscribeAsCompletionStage();
            CompletableFuture<IncidentRepository.Changes> second = evaluator.evaluate(at).subscribeAsCompletionStage();
            CompletableFuture.allOf(first, second).join();
        }

        List<Map<String, Object>> open = incidents(app);
        assertThat(open).extracting(incident -> incident.get("rule"))
                .contains(AlertRules.AVAILABILITY, AlertRules.WEBHOOK_DELIVERY).doesNotHaveDuplicates();
        assertThat(open).allSatisfy(incident -> assertThat(incident.get("notifications")).asList().hasSize(1));
        // A round claims at most RAMPART_ALERTS_DELIVERY_PER_APP_IN_FLIGHT (5) of one app's deliveries.
        dispatch(now.plus(3, ChronoUnit.MINUTES));
        dispatch(now.plus(3, ChronoUnit.MINUTES));
        assertThat(receiver.received(channel.url())).hasSize(open.size());

        Instant recovered = now.plus(4, ChronoUnit.DAYS);
        CompletableFuture.allOf(evaluator.evaluate(recovered).subscribeAsCompletionStage(),
                evaluator.evaluate(recovered).subscribeAsCompletionStage()).join();
        dispatch(recovered);
        dispatch(recovered);
        // Four days without a probe: the admins' probes_missing opens then; every rule that fired resolved.
        assertThat(incidents(app)).filteredOn(incident -> !NoDataRules.ADMIN_ONLY.contains(incident.get("rule")))
                .allSatisfy(incident -> assertThat(incident.get("status")).isEqualTo("RESOLVED"));
        assertThat(receiver.received(channel.url())).hasSize(2 * open.size());
        assertThat(((Number) query("select count(*) as deliveries from notification_delivery where channel_id = ?::uuid",
                channel.id()).get("deliveries")).intValue()).isEqualTo(2 * open.size());
    }
}
