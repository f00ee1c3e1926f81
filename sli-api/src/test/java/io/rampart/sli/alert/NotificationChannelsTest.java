package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.TestData.retiredKeySealer;
import static io.rampart.sli.alert.AlertTesting.createChannel;
import static io.rampart.sli.alert.AlertTesting.incident;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.targetId;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/** Notification channels over the API, who may manage them and read incidents, and delivery retries. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class NotificationChannelsTest extends AlertEndToEnd {


    @Inject
    SecretSealer sealer;

    private final Instant now = baseHour().plus(40, ChronoUnit.MINUTES);

    private static RequestSpecification as(String token) {
        return token == null ? given() : given().auth().oauth2(token);
    }

    private static String channels(String app) {
        return "/api/v1/apps/" + app + "/notification-channels";
    }

    @Test
    void channelsAreManagedByAdminAndTheAppsOwnVendorWithTheSecretShownOnce() {
        String app = registerApp("channels");
        String other = registerApp("channels-other");
        String body = "{\"name\": \"pager\", \"url\": \"https://hooks.example/rampart?team=7\"}";

        String created = as(PlatformTokens.vendor(app)).contentType(ContentType.JSON).body(body).post(channels(app))
                .then().statusCode(201).body("name", equalTo("pager")).body("enabled", equalTo(true))
                .extract().asString();
        String id = io.restassured.path.json.JsonPath.from(created).getString("id");
        String secret = io.restassured.path.json.JsonPath.from(created).getString("signingSecret");
        assertThat(secret).hasSize(43);
        // Sealed at rest: the stored bytes do not hold the secret.
        byte[] sealed = (byte[]) query("select sealed from notification_channel where id = ?::uuid", id).get("sealed");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(secret);

        as(PlatformTokens.vendor(app)).get(channels(app)).then().statusCode(200)
                .body("", hasSize(1)).body("[0].id", equalTo(id)).body("[0].signingSecret", nullValue());
        as(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"enabled\": false}")
                .patch(channels(app) + "/" + id).then().statusCode(200).body("enabled", equalTo(false))
                .body("url", equalTo("https://hooks.example/rampart?team=7")).body("signingSecret", nullValue());
        Object changedAt = query("select updated_at from notification_channel where id = ?::uuid", id).get("updated_at");
        as(PlatformTokens.admin()).contentType(ContentType.JSON).body("{}").patch(channels(app) + "/" + id)
                .then().statusCode(200).body("enabled", equalTo(false));
        assertThat(query("select updated_at from notification_channel where id = ?::uuid", id))
                .as("a PATCH that changes nothing").containsEntry("updated_at", changedAt);

        for (String token : List.of(PlatformTokens.vendor(other), PlatformTokens.statuspage(), PlatformTokens.host())) {
            as(token).contentType(ContentType.JSON).body(body).post(channels(app)).then().statusCode(403);
            as(token).get(channels(app) + "/" + id).then().statusCode(403);
            as(token).delete(channels(app) + "/" + id).then().statusCode(403);
        }
        as(null).get(channels(app)).then().statusCode(401);
        as(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"url\": \"ftp://hooks.example\"}")
                .post(channels(app)).then().statusCode(400).body("error", equalTo("bad_request"))
                .body("detail", startsWith("url:"));
        as(PlatformTokens.admin()).contentType(ContentType.JSON).body(body).post(channels(uniqueAppKey("absent")))
                .then().statusCode(404);
        as(PlatformTokens.admin()).get(channels(other) + "/" + id).then().statusCode(404);

        as(PlatformTokens.vendor(app)).delete(channels(app) + "/" + id).then().statusCode(204);
        as(PlatformTokens.vendor(app)).get(channels(app) + "/" + id).then().statusCode(404);
    }

    @Test
    void anAppHasAtMostTenChannelsAndTheEleventhIsRefusedNamingTheLimit() {
        String app = registerApp("channels-cap");
        for (int channel = 1; channel <= 10; channel++) {
            createChannel(app, "https://hooks.example/" + channel);
        }
        as(PlatformTokens.vendor(app)).contentType(ContentType.JSON)
                .body("{\"url\": \"https://hooks.example/eleven\"}").post(channels(app))
                .then().statusCode(400).body("error", equalTo("bad_request"))
                .body("detail", startsWith("channels: an app has at most 10 notification channels"));
        as(PlatformTokens.admin()).get(channels(app)).then().statusCode(200).body("", hasSize(10));
        // A deleted channel frees its place.
        String first = as(PlatformTokens.admin()).get(channels(app)).then().extract().jsonPath().getString("[0].id");
        as(PlatformTokens.admin()).delete(channels(app) + "/" + first).then().statusCode(204);
        createChannel(app, "https://hooks.example/eleven");
    }

    @Test
    void incidentsAreReadLikeTheSlis() {
        String app = registerApp("incidents-access");
        String other = registerApp("incidents-other");
        String incidents = "/api/v1/apps/" + app + "/incidents";
        as(PlatformTokens.admin()).get(incidents).then().statusCode(200);
        as(PlatformTokens.statuspage()).get(incidents).then().statusCode(200);
        as(PlatformTokens.vendor(app)).get(incidents).then().statusCode(200).body("", hasSize(0));
        as(PlatformTokens.vendor(other)).get(incidents).then().statusCode(403);
        as(PlatformTokens.host()).get(incidents).then().statusCode(403);
        as(null).get(incidents).then().statusCode(401);
        String absent = uniqueAppKey("absent");
        as(PlatformTokens.admin()).get("/api/v1/apps/" + absent + "/incidents").then().statusCode(404);
        as(PlatformTokens.vendor(absent)).get("/api/v1/apps/" + absent + "/incidents").then().statusCode(404);
        as(PlatformTokens.vendor(other)).get("/api/v1/apps/" + absent + "/incidents").then().statusCode(403);
        as(PlatformTokens.admin()).queryParam("status", "closed").get(incidents).then().statusCode(400)
                .body("detail", startsWith("status:"));
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffThenFailedWithoutBlockingOthers() {
        String app = registerApp("alert-retry", "prod");
        AlertTesting.Channel failing = createChannel(app, receiver.hook(500));
        AlertTesting.Channel silent = createChannel(app, receiver.silentHook());
        AlertTesting.Channel healthy = createChannel(app, receiver.hook(200));
        probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        evaluate(now);

        dispatch(now);
        assertThat(receiver.received(healthy.url())).hasSize(1);
        assertThat(receiver.received(failing.url())).hasSize(1);
        assertThat(notification(app, healthy)).containsEntry("state", "DELIVERED").containsEntry("attempts", 1);
        assertThat(notification(app, failing)).containsEntry("state", "PENDING").containsEntry("attempts", 1)
                .containsEntry("lastStatusCode", 500).containsEntry("lastError", "HTTP 500")
                .containsEntry("nextAttemptAt", now.plusSeconds(10).toString());
        assertThat(notification(app, silent)).containsEntry("state", "PENDING").containsEntry("lastError", "timeout")
                .containsEntry("lastStatusCode", null);
        // A disabled channel's pending notification is not sent again.
        as(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"enabled\": false}")
                .patch(channels(app) + "/" + silent.id()).then().statusCode(200);

        // Not due before its backoff has passed.
        dispatch(now.plusSeconds(9));
        assertThat(receiver.received(failing.url())).hasSize(1);
        Instant second = now.plus(1, ChronoUnit.HOURS);
        dispatch(second);
        assertThat(notification(app, failing)).containsEntry("attempts", 2)
                .containsEntry("nextAttemptAt", second.plusSeconds(20).toString());
        assertThat(notification(app, silent)).containsEntry("state", "FAILED")
                .containsEntry("lastError", "channel disabled");
        for (int hour = 2; hour <= 6; hour++) {
            dispatch(now.plus(hour, ChronoUnit.HOURS));
        }
        assertThat(receiver.received(failing.url())).hasSize(6);
        assertThat(notification(app, failing)).containsEntry("state", "FAILED").containsEntry("attempts", 6)
                .containsEntry("nextAttemptAt", null);
        assertThat(receiver.received(silent.url())).hasSize(1);
        assertThat(receiver.received(healthy.url())).hasSize(1);
    }

    @Test
    void resealSealsChannelSecretsAgainWithTheActiveKey() {
        String app = registerApp("channels-reseal");
        AlertTesting.Channel channel = createChannel(app, receiver.hook(200));
        String owner = "notification-channel:" + channel.id();
        // sealed before a key rotation, with the key the test profile lists as previous
        SecretSealer.Sealed old = retiredKeySealer().seal(owner, channel.signingSecret());
        execute("update notification_channel set key_id = ?, sealed = ? where id = ?::uuid", old.keyId(), old.bytes(),
                channel.id());

        as(PlatformTokens.vendor(app)).post("/api/v1/notification-channels/reseal").then().statusCode(403);
        as(PlatformTokens.admin()).post("/api/v1/notification-channels/reseal").then().statusCode(200)
                .body("activeKeyId", equalTo(sealer.activeKeyId())).body("resealed", equalTo(1));
        Map<String, Object> stored = query("select key_id, sealed from notification_channel where id = ?::uuid",
                channel.id());
        assertThat(stored).containsEntry("key_id", sealer.activeKeyId());
        assertThat(sealer.open(owner, new SecretSealer.Sealed(sealer.activeKeyId(), (byte[]) stored.get("sealed"))))
                .isEqualTo(channel.signingSecret());
    }

    private static Map<String, Object> notification(String app, AlertTesting.Channel channel) {
        List<Map<String, Object>> notifications = (List<Map<String, Object>>) incident(app, AlertRules.AVAILABILITY)
                .get("notifications");
        return notifications.stream().filter(notification -> channel.id().equals(notification.get("channelId")))
                .findFirst().orElseThrow();
    }
}
