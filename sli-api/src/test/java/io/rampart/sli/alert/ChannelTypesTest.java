package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Validator;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.sli.alert.ChannelTesting.assertValid;
import static io.rampart.sli.alert.ChannelTesting.channels;
import static io.rampart.sli.alert.ChannelTesting.create;
import static io.rampart.sli.alert.ChannelTesting.emailsTo;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Email, Slack, PagerDuty and Opsgenie channels against real servers on loopback (GreenMail, and
 * receivers that record each vendor's requests whole): what each message looks like on the
 * vendor's side, credentials sealed, addresses validated, test messages.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@QuarkusTestResource(VendorServers.class)
class ChannelTypesTest extends AlertEndToEnd {

    private final Instant now = baseHour().plus(40, ChronoUnit.MINUTES);

    /** An app with one failed health check 2 minutes ago: the availability rule (page) opens an incident at {@code now}. */
    private String appWithFailedCheck(String prefix) {
        String app = registerApp(prefix, "prod");
        probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        return app;
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@acme.example";
    }

    private static String incidentId(String app) {
        return (String) incident(app, AlertRules.AVAILABILITY).get("id");
    }

    @Test
    void emailHasAPlainAndAnHtmlPartWhoseIncidentDataMatchesThePublishedSchema() {
        Validator schema = ChannelTesting.schemaValidator();
        String app = appWithFailedCheck("email");
        String first = address("ops");
        String second = address("oncall");
        JsonPath channel = create(app, Map.of("type", "email", "name", "ops mail", "to", List.of(first, second)));
        assertThat(channel.getList("to")).containsExactly(first, second);
        assertThat(channel.getString("url")).isNull();
        assertThat(channel.getString("signingSecret")).isNull();

        evaluate(now);
        dispatch(now);
        String incidentId = incidentId(app);
        List<ChannelTesting.Email> opened = emailsTo(first);
        assertThat(opened).hasSize(1);
        assertThat(emailsTo(second)).hasSize(1);
        ChannelTesting.Email email = opened.get(0);
        assertThat(email.contentType()).startsWith("multipart/alternative");
        assertThat(email.to()).containsExactly(first, second);
        assertThat(email.subject()).isEqualTo("[Rampart] Open: Test availability_success_rate 0.00 % against SLO 99.90 % over 15 m");
        assertThat(email.text()).contains("availability_success_rate", "0.00 % against SLO 99.90 %", incidentId,
                "https://rampart.test/status/" + app);
        assertThat(email.html()).contains("<a href=\"https://rampart.test/api/v1/apps/" + app + "/incidents/" + incidentId + "\">");
        assertValid(schema, email.incidentData());
        assertThat(email.incidentData()).isEqualTo(new JsonObject()
                .put("appKey", app).put("appDetails", new JsonObject().put("name", "Test").put("partnerName", null))
                .put("incidentId", incidentId).put("incidentStatus", "ANOMALOUS")
                .put("time", now.toString()).put("metricName", "availability_success_rate").put("metricUnit", "PERCENT")
                .put("measurementDurationSeconds", 900).put("sliValue", 0.0).put("sloValue", 99.9));

        evaluate(now.plus(4, ChronoUnit.DAYS));
        dispatch(now.plus(4, ChronoUnit.DAYS));
        List<ChannelTesting.Email> both = emailsTo(first);
        assertThat(both).hasSize(2);
        ChannelTesting.Email resolved = both.get(1);
        assertThat(resolved.subject()).startsWith("[Rampart] Resolved: Test availability_success_rate");
        assertValid(schema, resolved.incidentData());
        assertThat(resolved.incidentData().getString("incidentStatus")).isEqualTo("RESOLVED");
        assertThat(resolved.incidentData().getString("incidentId")).isEqualTo(incidentId);

        given().auth().oauth2(PlatformTokens.vendor(app)).post(channels(app) + "/" + channel.getString("id") + "/test")
                .then().statusCode(200).body("delivered", equalTo(true));
        List<ChannelTesting.Email> withTest = emailsTo(second);
        assertThat(withTest).hasSize(3);
        assertThat(withTest.get(2).subject()).startsWith("[Rampart] Test: Test availability_success_rate");
        assertValid(schema, withTest.get(2).incidentData());

        // The validator bites: the webhook's unit is not the programme's.
        assertThat(schema.validate(email.incidentData().copy().put("metricUnit", "%")).getValid()).isFalse();
        assertThat(schema.validate(email.incidentData().copy().put("extra", 1)).getValid()).isFalse();
    }

    @Test
    void emailAddressesAreValidatedAndAtMostTen() {
        String app = registerApp("email-addresses");
        List<String> eleven = IntStream.range(0, 11).mapToObj(i -> "ops" + i + "@acme.example").toList();
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("type", "email", "to", eleven),
                Map.of("type", "email", "to", List.of()),
                Map.of("type", "email"))) {
            given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body).post(channels(app))
                    .then().statusCode(400).body("error", equalTo("bad_request")).body("detail", startsWith("to:"));
        }
        for (String bad : List.of("no-at-sign.example", "two@@acme.example", "ops@localhost", "ops@acme.example\r\nBcc: x@evil.example",
                "ops <ops@acme.example>", "a@" + "x".repeat(250) + ".example")) {
            given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                    .body(Map.of("type", "email", "to", List.of("ok@acme.example", bad))).post(channels(app))
                    .then().statusCode(400).body("detail", startsWith("to[1]:"));
        }
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("type", "email", "to", List.of("ok@acme.example"), "url", "https://hooks.example"))
                .post(channels(app)).then().statusCode(400).body("detail", startsWith("url:"));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(Map.of("type", "fax"))
                .post(channels(app)).then().statusCode(400).body("detail", startsWith("type:"));
        String ten = create(app, Map.of("type", "email", "to", eleven.subList(0, 10))).getString("id");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(Map.of("to", eleven))
                .patch(channels(app) + "/" + ten).then().statusCode(400).body("detail", startsWith("to:"));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(Map.of("type", "slack"))
                .patch(channels(app) + "/" + ten).then().statusCode(400).body("detail", startsWith("type:"));
    }

    @Test
    void slackGetsBlocksThroughItsSealedIncomingWebhook() {
        String app = appWithFailedCheck("slack");
        String url = VendorServers.slackUrl();
        String path = url.substring(url.indexOf("/slack/"));
        JsonPath channel = create(app, Map.of("type", "slack", "webhookUrl", url));
        String id = channel.getString("id");
        assertThat(channel.prettify()).doesNotContain(path);
        assertThat(given().auth().oauth2(PlatformTokens.admin()).get(channels(app) + "/" + id).asString()).doesNotContain(path);
        byte[] sealed = (byte[]) query("select sealed from notification_channel where id = ?::uuid", id).get("sealed");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(path);

        evaluate(now);
        dispatch(now);
        String incidentId = incidentId(app);
        List<VendorServers.Request> received = VendorServers.received(path);
        assertThat(received).hasSize(1);
        VendorServers.Request request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("Authorization")).isNull();
        JsonObject message = new JsonObject(request.body());
        assertThat(message.fieldNames()).containsExactlyInAnyOrder("text", "blocks");
        assertThat(message.getString("text")).isEqualTo("Open: Test availability_success_rate 0.00 % against SLO 99.90 % over 15 m");
        JsonArray blocks = message.getJsonArray("blocks");
        assertThat(blocks.stream().map(block -> ((JsonObject) block).getString("type")))
                .containsExactly("header", "section", "context", "actions");
        assertThat(blocks.getJsonObject(0).getJsonObject("text"))
                .isEqualTo(new JsonObject().put("type", "plain_text").put("text", "Open: Test"));
        assertThat(blocks.getJsonObject(1).getJsonArray("fields").stream().map(field -> ((JsonObject) field).getString("text")))
                .containsExactly("*App*\nTest (`" + app + "`)", "*SLI*\n`availability_success_rate`",
                        "*Value vs SLO*\n0.00 % against SLO 99.90 %", "*Window*\n15 m");
        assertThat(blocks.getJsonObject(3).getJsonArray("elements").stream().map(button -> ((JsonObject) button).getString("url")))
                .containsExactly("https://rampart.test/status/" + app,
                        "https://rampart.test/api/v1/apps/" + app + "/incidents/" + incidentId);

        evaluate(now.plus(4, ChronoUnit.DAYS));
        dispatch(now.plus(4, ChronoUnit.DAYS));
        assertThat(VendorServers.received(path)).hasSize(2);
        assertThat(new JsonObject(VendorServers.received(path).get(1).body()).getString("text")).startsWith("Resolved: Test");
        assertThat(incident(app, AlertRules.AVAILABILITY).get("notifications")).asList().hasSize(2)
                .allSatisfy(notification -> assertThat(notification).asString().contains("state=DELIVERED"));
    }

    @Test
    void pagerDutyTriggersAndResolvesWithTheIncidentIdAsDedupKey() {
        String app = appWithFailedCheck("pagerduty");
        String routingKey = HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII), 0, 16);
        JsonPath channel = create(app, Map.of("type", "pagerduty", "routingKey", routingKey));
        assertThat(channel.prettify()).doesNotContain(routingKey);

        evaluate(now);
        dispatch(now);
        String incidentId = incidentId(app);
        List<VendorServers.Request> received = VendorServers.received(routingKey);
        assertThat(received).hasSize(1);
        VendorServers.Request trigger = received.get(0);
        assertThat(trigger.method()).isEqualTo("POST");
        assertThat(trigger.path()).isEqualTo("/pagerduty/v2/enqueue");
        assertThat(trigger.header("Content-Type")).isEqualTo("application/json");
        // The routing key travels in the body only (Events API v2 takes no Authorization header).
        assertThat(trigger.header("Authorization")).isNull();
        JsonObject event = new JsonObject(trigger.body());
        assertThat(event.fieldNames()).containsExactlyInAnyOrder("routing_key", "event_action", "dedup_key", "payload",
                "client", "client_url", "links");
        assertThat(event.getString("routing_key")).isEqualTo(routingKey);
        assertThat(event.getString("event_action")).isEqualTo("trigger");
        assertThat(event.getString("dedup_key")).isEqualTo(incidentId);
        JsonObject payload = event.getJsonObject("payload");
        assertThat(payload.getString("summary")).isEqualTo("Open: Test availability_success_rate 0.00 % against SLO 99.90 % over 15 m");
        assertThat(payload.getString("source")).isEqualTo(app);
        assertThat(payload.getString("severity")).isEqualTo("critical");
        assertThat(Instant.parse(payload.getString("timestamp"))).isEqualTo(now);
        assertThat(payload.getString("class")).isEqualTo(AlertRules.AVAILABILITY);
        assertThat(payload.getJsonObject("custom_details").getString("incidentId")).isEqualTo(incidentId);
        assertThat(event.getJsonArray("links").getJsonObject(0).getString("href"))
                .isEqualTo("https://rampart.test/api/v1/apps/" + app + "/incidents/" + incidentId);

        evaluate(now.plus(4, ChronoUnit.DAYS));
        dispatch(now.plus(4, ChronoUnit.DAYS));
        assertThat(VendorServers.received(routingKey)).hasSize(2);
        assertThat(new JsonObject(VendorServers.received(routingKey).get(1).body())).isEqualTo(new JsonObject()
                .put("routing_key", routingKey).put("event_action", "resolve").put("dedup_key", incidentId));
    }

    @Test
    void opsgenieCreatesAndClosesByAliasInTheChannelsRegion() {
        String app = appWithFailedCheck("opsgenie");
        String euKey = UUID.randomUUID().toString();
        String usKey = UUID.randomUUID().toString();
        JsonPath eu = create(app, Map.of("type", "opsgenie", "apiKey", euKey, "region", "eu"));
        assertThat(eu.getString("region")).isEqualTo("eu");
        assertThat(eu.prettify()).doesNotContain(euKey);
        assertThat(create(app, Map.of("type", "opsgenie", "apiKey", usKey)).getString("region")).isEqualTo("us");
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("type", "opsgenie", "apiKey", usKey, "region", "apac")).post(channels(app))
                .then().statusCode(400).body("detail", startsWith("region:"));

        evaluate(now);
        dispatch(now);
        String incidentId = incidentId(app);
        List<VendorServers.Request> received = VendorServers.received(euKey);
        assertThat(received).hasSize(1);
        VendorServers.Request create = received.get(0);
        assertThat(create.method()).isEqualTo("POST");
        assertThat(create.path()).isEqualTo("/opsgenie-eu/v2/alerts");
        assertThat(create.header("Authorization")).isEqualTo("GenieKey " + euKey);
        assertThat(create.header("Content-Type")).isEqualTo("application/json");
        JsonObject alert = new JsonObject(create.body());
        assertThat(alert.fieldNames()).containsExactlyInAnyOrder("message", "alias", "description", "tags", "details",
                "entity", "source", "priority");
        assertThat(alert.getString("message")).hasSizeLessThanOrEqualTo(130).startsWith("Open: Test availability_success_rate");
        assertThat(alert.getString("alias")).isEqualTo(incidentId);
        assertThat(alert.getString("priority")).isEqualTo("P1");
        assertThat(alert.getString("entity")).isEqualTo(app);
        // Opsgenie's details are a map of strings.
        assertThat(alert.getJsonObject("details").getMap().values()).allSatisfy(value ->
                assertThat(value == null || value instanceof String).isTrue());
        assertThat(alert.getJsonObject("details").getString("incidentId")).isEqualTo(incidentId);
        assertThat(VendorServers.received(usKey)).singleElement()
                .satisfies(request -> assertThat(request.path()).isEqualTo("/opsgenie-us/v2/alerts"));

        evaluate(now.plus(4, ChronoUnit.DAYS));
        dispatch(now.plus(4, ChronoUnit.DAYS));
        assertThat(VendorServers.received(euKey)).hasSize(2);
        VendorServers.Request close = VendorServers.received(euKey).get(1);
        assertThat(close.path()).isEqualTo("/opsgenie-eu/v2/alerts/" + incidentId + "/close");
        assertThat(close.query()).isEqualTo("identifierType=alias");
        assertThat(close.header("Authorization")).isEqualTo("GenieKey " + euKey);
        JsonObject note = new JsonObject(close.body());
        assertThat(note.fieldNames()).containsExactlyInAnyOrder("source", "note");
        assertThat(note.getString("note")).startsWith("Resolved: Test");
    }

    @Test
    void everyTypeAnswersATestMessageWithItsOutcome() throws Exception {
        String app = registerApp("channel-test");
        String routingKey = "r" + UUID.randomUUID().toString().replace("-", "");
        String pagerduty = create(app, Map.of("type", "pagerduty", "routingKey", routingKey)).getString("id");
        VendorServers.answer(routingKey, 400);
        given().auth().oauth2(PlatformTokens.vendor(app)).post(channels(app) + "/" + pagerduty + "/test")
                .then().statusCode(200).body("delivered", equalTo(false)).body("statusCode", equalTo(400))
                .body("error", equalTo("HTTP 400"));
        VendorServers.answerNormally(routingKey);
        given().auth().oauth2(PlatformTokens.vendor(app)).post(channels(app) + "/" + pagerduty + "/test")
                .then().statusCode(200).body("delivered", equalTo(true)).body("statusCode", equalTo(202));
        JsonObject test = new JsonObject(VendorServers.received(routingKey).get(1).body());
        assertThat(test.getString("event_action")).isEqualTo("trigger");
        assertThat(test.getJsonObject("payload").getString("severity")).isEqualTo("info");
        assertThat(test.getJsonObject("payload").getString("summary")).startsWith("Test: Test");

        String slack = VendorServers.slackUrl();
        String slackId = create(app, Map.of("type", "slack", "webhookUrl", slack)).getString("id");
        given().auth().oauth2(PlatformTokens.admin()).post(channels(app) + "/" + slackId + "/test")
                .then().statusCode(200).body("delivered", equalTo(true)).body("statusCode", equalTo(200));
        String apiKey = UUID.randomUUID().toString();
        String opsgenie = create(app, Map.of("type", "opsgenie", "apiKey", apiKey)).getString("id");
        given().auth().oauth2(PlatformTokens.admin()).post(channels(app) + "/" + opsgenie + "/test")
                .then().statusCode(200).body("delivered", equalTo(true)).body("statusCode", equalTo(202));
        assertThat(new JsonObject(VendorServers.received(apiKey).get(0).body()).getString("priority")).isEqualTo("P5");

        String hook = receiver.hook(204);
        JsonPath webhook = create(app, Map.of("url", hook));
        given().auth().oauth2(PlatformTokens.vendor(app)).post(channels(app) + "/" + webhook.getString("id") + "/test")
                .then().statusCode(200).body("delivered", equalTo(true)).body("statusCode", equalTo(204));
        WebhookReceiver.Received signed = receiver.received(hook).get(0);
        assertThat(AlertTesting.signatureValid(signed.signature(), signed.body(), webhook.getString("signingSecret"))).isTrue();
        assertThat(new JsonObject(signed.body()).getBoolean("test")).isTrue();

        given().auth().oauth2(PlatformTokens.vendor(registerApp("channel-test-other"))).post(channels(app) + "/" + slackId + "/test")
                .then().statusCode(403);
        given().auth().oauth2(PlatformTokens.admin()).post(channels(app) + "/" + UUID.randomUUID() + "/test")
                .then().statusCode(404);
    }
}
