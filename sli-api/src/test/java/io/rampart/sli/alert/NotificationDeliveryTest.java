package io.rampart.sli.alert;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.alert.notify.DeliveryDispatcher;
import io.rampart.sli.alert.notify.DeliveryRepository;
import io.rampart.sli.alert.notify.Senders;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.sli.alert.ChannelTesting.channels;
import static io.rampart.sli.alert.ChannelTesting.create;
import static io.rampart.sli.alert.ChannelTesting.emailsTo;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * When notifications leave, through every channel type: exactly once per incident and channel for
 * the trigger, each reminder and the resolve with two sli-api replicas at work (a second evaluator
 * and dispatcher on their own database pool), reminders until acknowledged, quiet hours, filters,
 * and a failing channel shown as failing.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(VendorServers.class)
class NotificationDeliveryTest extends AlertEndToEnd {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static PgPool secondPool;

    @Inject
    AlertRules rules;

    @Inject
    AlertConfig config;

    @Inject
    MeterRegistry metrics;

    @Inject
    Senders senders;

    @Inject
    io.rampart.sli.adjustment.SuspectedFaultService suspectedFaults;

    @Inject
    Vertx vertx;

    /** The second replica: its own pool, evaluator and dispatcher, the same database. */
    private AlertEvaluator secondEvaluator;
    private DeliveryDispatcher secondDispatcher;

    private final Instant now = baseHour().plus(40, ChronoUnit.MINUTES);

    @BeforeEach
    void secondReplica() {
        if (secondPool == null) {
            Map<String, String> db = PostgresResource.connectionSettings();
            secondPool = PgPool.pool(vertx, new PgConnectOptions().setHost(db.get("RAMPART_DB_HOST"))
                            .setPort(Integer.parseInt(db.get("RAMPART_DB_PORT"))).setDatabase(db.get("RAMPART_DB_NAME"))
                            .setUser(db.get("RAMPART_DB_USER")).setPassword(db.get("RAMPART_DB_PASSWORD")),
                    new PoolOptions().setMaxSize(8));
        }
        secondEvaluator = new AlertEvaluator(new AlertRepository(secondPool), rules, new IncidentRepository(secondPool), config, metrics,
                suspectedFaults);
        secondDispatcher = new DeliveryDispatcher(new DeliveryRepository(secondPool), senders, config, metrics);
    }

    @AfterAll
    static void closeSecondPool() {
        if (secondPool != null) {
            secondPool.closeAndAwait();
            secondPool = null;
        }
    }

    /** Both replicas evaluate at {@code at}, then both dispatch at once. */
    private void bothReplicas(Instant at) {
        CompletableFuture.allOf(evaluator.evaluate(at).subscribeAsCompletionStage(),
                secondEvaluator.evaluate(at).subscribeAsCompletionStage()).join();
        CompletableFuture.allOf(dispatcher.dispatch(at).subscribeAsCompletionStage(),
                secondDispatcher.dispatch(at).subscribeAsCompletionStage()).join();
    }

    /** A health check failing every minute from 2 minutes before {@code now} for {@code hours}: the incident stays open. */
    private void failingFor(String app, int hours) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, prober)"
                        + " select ?, ?, t, t, 3000, 'TIMEOUT', 'test' from generate_series(0, ?) as i,"
                        + " lateral (select ?::timestamptz + i * interval '1 minute' as t) as at",
                targetId(app, "prod"), app, hours * 60, java.sql.Timestamp.from(now.minus(2, ChronoUnit.MINUTES)));
    }

    /** What a channel received, each message reduced to its kind: Open, Reminder n, Resolved. */
    private record Kinds(List<String> webhook, List<String> email, List<String> slack, List<String> pagerduty,
            List<String> opsgenie) {
    }

    @Test
    void everyTypeGetsTriggerEachReminderAndResolveExactlyOnceWithTwoReplicasUntilAcknowledged() {
        Validator schema = ChannelTesting.schemaValidator();
        String app = registerApp("exactly-once", "prod");
        failingFor(app, 5);
        // Only the availability rule's incident: the burn-rate rules fire too on five hours of failures.
        Map<String, Object> common = Map.of("rules", List.of(AlertRules.AVAILABILITY), "reminderEveryHours", 1);
        String hook = receiver.hook(200);
        String address = "oncall-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.example";
        String slack = VendorServers.slackUrl();
        String slackPath = slack.substring(slack.indexOf("/slack/"));
        String routingKey = "k" + UUID.randomUUID().toString().replace("-", "");
        String apiKey = UUID.randomUUID().toString();
        for (Map<String, Object> channel : List.<Map<String, Object>>of(Map.of("url", hook),
                Map.of("type", "email", "to", List.of(address)), Map.of("type", "slack", "webhookUrl", slack),
                Map.of("type", "pagerduty", "routingKey", routingKey), Map.of("type", "opsgenie", "apiKey", apiKey))) {
            Map<String, Object> body = new java.util.HashMap<>(channel);
            body.putAll(common);
            assertThat(create(app, body).getInt("reminderEveryHours")).isEqualTo(1);
        }

        bothReplicas(now);
        String incidentId = (String) incident(app, AlertRules.AVAILABILITY).get("id");
        bothReplicas(now.plus(30, ChronoUnit.MINUTES));
        bothReplicas(now.plus(60, ChronoUnit.MINUTES));
        bothReplicas(now.plus(90, ChronoUnit.MINUTES));
        bothReplicas(now.plus(120, ChronoUnit.MINUTES));
        Kinds reminded = kinds(hook, address, slackPath, routingKey, apiKey);
        // Each sent in one attempt: a receiver that answered after the timeout would see a retry.
        assertThat(notifications(app, AlertRules.AVAILABILITY)).hasSize(15)
                .allSatisfy(notification -> assertThat(notification).containsEntry("state", "DELIVERED")
                        .containsEntry("attempts", 1));
        for (List<String> kinds : List.of(reminded.webhook(), reminded.email(), reminded.slack(), reminded.pagerduty(),
                reminded.opsgenie())) {
            assertThat(kinds).as("%s", reminded).containsExactly("Open", "Reminder 1", "Reminder 2");
        }

        given().auth().oauth2(PlatformTokens.vendor(app)).post("/api/v1/apps/" + app + "/incidents/" + incidentId + "/ack")
                .then().statusCode(200).body("acknowledgedBy", equalTo("test-vendor"))
                .body("acknowledgedAt", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(PlatformTokens.statuspage()).post("/api/v1/apps/" + app + "/incidents/" + incidentId + "/ack")
                .then().statusCode(403);
        given().auth().oauth2(PlatformTokens.admin()).post("/api/v1/apps/" + app + "/incidents/" + UUID.randomUUID() + "/ack")
                .then().statusCode(404);
        given().auth().oauth2(PlatformTokens.admin()).get("/status/" + app).then().statusCode(200)
                .body(containsString("acknowledged by test-vendor"));
        bothReplicas(now.plus(180, ChronoUnit.MINUTES));
        bothReplicas(now.plus(240, ChronoUnit.MINUTES));
        Instant recovered = now.plus(4, ChronoUnit.DAYS);
        bothReplicas(recovered);
        bothReplicas(recovered.plus(1, ChronoUnit.HOURS));

        Kinds all = kinds(hook, address, slackPath, routingKey, apiKey);
        // A message received twice is a retry of a receiver that answered after the timeout: say so.
        assertThat(notifications(app, AlertRules.AVAILABILITY)).hasSize(20)
                .allSatisfy(notification -> assertThat(notification).containsEntry("state", "DELIVERED")
                        .containsEntry("attempts", 1));
        List<List<String>> received = List.of(all.webhook(), all.email(), all.slack(), all.pagerduty(), all.opsgenie());
        for (List<String> kinds : received) {
            assertThat(kinds).containsExactly("Open", "Reminder 1", "Reminder 2", "Resolved");
        }
        System.out.printf("exactly once with two replicas: %d channel types, %d messages received (webhook %s, email %s,"
                        + " slack %s, pagerduty %s, opsgenie %s), %d deliveries recorded, 0 duplicates%n", received.size(),
                received.stream().mapToInt(List::size).sum(), all.webhook(), all.email(), all.slack(), all.pagerduty(),
                all.opsgenie(), notifications(app, AlertRules.AVAILABILITY).size());
        emailsTo(address).forEach(email -> ChannelTesting.assertValid(schema, email.incidentData()));
        assertThat(emailsTo(address)).extracting(email -> email.incidentData().getString("incidentStatus"))
                .containsExactly("ANOMALOUS", "ANOMALOUS", "ANOMALOUS", "RESOLVED");
        assertThat(VendorServers.received(routingKey)).extracting(request -> new JsonObject(request.body()).getString("dedup_key"))
                .containsOnly(incidentId);
        given().auth().oauth2(PlatformTokens.admin()).post("/api/v1/apps/" + app + "/incidents/" + incidentId + "/ack")
                .then().statusCode(409);
    }

    private Kinds kinds(String hook, String address, String slackPath, String routingKey, String apiKey) {
        return new Kinds(
                receiver.received(hook).stream().map(received -> {
                    JsonObject body = new JsonObject(received.body());
                    return body.getString("incidentStatus").equals("RESOLVED") ? "Resolved"
                            : body.containsKey("reminder") ? "Reminder " + body.getInteger("reminder") : "Open";
                }).toList(),
                emailsTo(address).stream().map(email -> kind(email.subject().substring("[Rampart] ".length()))).toList(),
                VendorServers.received(slackPath).stream().map(request -> kind(new JsonObject(request.body()).getString("text"))).toList(),
                VendorServers.received(routingKey).stream().map(request -> {
                    JsonObject event = new JsonObject(request.body());
                    return event.getString("event_action").equals("resolve") ? "Resolved"
                            : kind(event.getJsonObject("payload").getString("summary"));
                }).toList(),
                VendorServers.received(apiKey).stream().map(request -> request.path().endsWith("/close") ? "Resolved"
                        : kind(new JsonObject(request.body()).getString("message"))).toList());
    }

    private static String kind(String summary) {
        return summary.substring(0, summary.indexOf(':'));
    }

    @Test
    void quietHoursHoldTicketsUntilTheyEndAndLetPagesThrough() {
        String app = registerApp("quiet-hours", "prod");
        long target = targetId(app, "prod");
        // 100 good probes over the last 6 hours and 5 failed ones 3 hours ago: only the 3d/6h burn-rate
        // ticket fires (no failure in the last 2 hours for 1d/2h, none in 30 or 5 minutes for the pages).
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, prober)"
                        + " select ?, ?, t, t, 100, case when i between 50 and 54 then 'TIMEOUT' else 'SUCCESS' end, 'test'"
                        + " from generate_series(0, 104) as i,"
                        + " lateral (select ?::timestamptz - interval '6 hours' + i * interval '200 seconds' as t) as at",
                target, app, java.sql.Timestamp.from(now));
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        LocalTime local = now.atZone(berlin).toLocalTime();
        String routingKey = "q" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> quiet = Map.of("start", local.minusHours(1).toString(), "end", local.plusHours(2).toString(),
                "timeZone", berlin.getId());
        String ticket = "burn_rate:availability_success_rate:3d/6h";
        create(app, Map.of("type", "pagerduty", "routingKey", routingKey, "quietHours", quiet,
                "rules", List.of(AlertRules.AVAILABILITY, ticket)));

        evaluate(now);
        assertThat(AlertTesting.incidents(app)).extracting(incident -> incident.get("rule")).containsExactly(ticket);
        dispatch(now);
        assertThat(VendorServers.received(routingKey)).isEmpty();
        Instant quietEnd = now.plus(2, ChronoUnit.HOURS);
        assertThat(notifications(app, ticket)).singleElement().satisfies(held -> assertThat(held)
                .containsEntry("state", "PENDING").containsEntry("attempts", 0)
                .containsEntry("nextAttemptAt", quietEnd.toString()));

        // A page in the quiet hours leaves at once.
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome, prober)"
                + " values (?, ?, ?, ?, 3000, 'TIMEOUT', 'test')", target, app,
                java.sql.Timestamp.from(now.plus(1, ChronoUnit.MINUTES)), java.sql.Timestamp.from(now.plus(1, ChronoUnit.MINUTES)));
        evaluate(now.plus(2, ChronoUnit.MINUTES));
        dispatch(now.plus(2, ChronoUnit.MINUTES));
        assertThat(VendorServers.received(routingKey)).singleElement().satisfies(page -> assertThat(
                new JsonObject(page.body()).getJsonObject("payload").getString("severity")).isEqualTo("critical"));

        dispatch(quietEnd.minusSeconds(1));
        assertThat(VendorServers.received(routingKey)).hasSize(1);
        dispatch(quietEnd);
        dispatch(quietEnd.plus(1, ChronoUnit.HOURS));
        List<JsonObject> events = VendorServers.received(routingKey).stream().map(request -> new JsonObject(request.body())).toList();
        assertThat(events).hasSize(2);
        assertThat(events.get(1).getString("dedup_key")).isEqualTo(incident(app, ticket).get("id"));
        assertThat(events.get(1).getJsonObject("payload").getString("severity")).isEqualTo("warning");
    }

    @Test
    void filtersAndTheResolveMessageDecideWhichChannelHearsWhat() {
        String app = registerApp("filters", "prod");
        failedCheck(app);
        String pages = receiver.hook(200);
        String tickets = receiver.hook(200);
        String noResolve = receiver.hook(200);
        String byPrefix = receiver.hook(200);
        String otherRule = receiver.hook(200);
        create(app, Map.of("url", pages, "severities", List.of("page")));
        create(app, Map.of("url", tickets, "severities", List.of("ticket")));
        create(app, Map.of("url", noResolve, "sendResolved", false));
        create(app, Map.of("url", byPrefix, "rules", List.of("availability_*")));
        create(app, Map.of("url", otherRule, "rules", List.of("burn_rate:*")));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("url", pages, "severities", List.of("critical"))).post(channels(app))
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.startsWith("severities[0]:"));
        // The hostile walk's finding: a null severity was a 500.
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"url\": \"" + pages + "\", \"severities\": [\"page\", null]}").post(channels(app))
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.startsWith("severities[1]:"));

        evaluate(now);
        dispatch(now);
        evaluate(now.plus(4, ChronoUnit.DAYS));
        dispatch(now.plus(4, ChronoUnit.DAYS));

        assertThat(statuses(pages)).containsExactly("ANOMALOUS", "RESOLVED");
        assertThat(statuses(tickets)).isEmpty();
        assertThat(statuses(noResolve)).containsExactly("ANOMALOUS");
        assertThat(statuses(byPrefix)).containsExactly("ANOMALOUS", "RESOLVED");
        assertThat(statuses(otherRule)).isEmpty();
    }

    private List<String> statuses(String hook) {
        return receiver.received(hook).stream().map(received -> new JsonObject(received.body()).getString("incidentStatus")).toList();
    }

    @Test
    void aChannelFailingThreeTimesInARowIsShownFailingUntilADeliveryOrTestSucceeds() {
        String app = registerApp("failing", "prod");
        failedCheck(app);
        String apiKey = UUID.randomUUID().toString();
        String id = create(app, Map.of("type", "opsgenie", "apiKey", apiKey, "name", "team pager")).getString("id");
        VendorServers.answer("GenieKey " + apiKey, 422);

        evaluate(now);
        dispatch(now);
        given().auth().oauth2(PlatformTokens.vendor(app)).get(channels(app) + "/" + id).then().statusCode(200)
                .body("health.state", equalTo("ok")).body("health.consecutiveFailures", equalTo(1))
                .body("health.lastError", equalTo("HTTP 422"));
        dispatch(now.plus(1, ChronoUnit.HOURS));
        dispatch(now.plus(2, ChronoUnit.HOURS));
        given().auth().oauth2(PlatformTokens.vendor(app)).get(channels(app) + "/" + id).then().statusCode(200)
                .body("health.state", equalTo("failing")).body("health.consecutiveFailures", equalTo(3))
                .body("health.failingSince", equalTo(now.toString()));
        given().auth().oauth2(PlatformTokens.vendor(app)).get("/status/" + app).then().statusCode(200)
                .body(containsString("Notification channels failing")).body(containsString("team pager"));
        assertThat(VendorServers.received(apiKey)).hasSize(3);

        VendorServers.answerNormally("GenieKey " + apiKey);
        given().auth().oauth2(PlatformTokens.vendor(app)).post(channels(app) + "/" + id + "/test").then().statusCode(200)
                .body("delivered", equalTo(true));
        given().auth().oauth2(PlatformTokens.vendor(app)).get(channels(app) + "/" + id).then()
                .body("health.state", equalTo("ok")).body("health.consecutiveFailures", equalTo(0));
        // Built pages are cached per range for 30 s: a page built now (another range) no longer shows it.
        given().auth().oauth2(PlatformTokens.vendor(app)).queryParam("range", "month").get("/status/" + app).then()
                .statusCode(200).body(not(containsString("Notification channels failing")));
    }

    /** Every notification of the app's incident of {@code rule}. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> notifications(String app, String rule) {
        return (List<Map<String, Object>>) incident(app, rule).get("notifications");
    }

    /** One failed health check 2 minutes before {@code now}: the availability rule (page) fires at {@code now}. */
    private void failedCheck(String app) {
        probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
    }
}
