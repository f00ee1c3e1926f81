package io.rampart.ingest.host;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Host events: only the host may send them, each type lands in its columns, and bad ones store nothing. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostEventTest {

    private static final String SECRET = "host-test-secret-0123456789abcdef";

    @Inject
    SecretSealer sealer;

    private static ValidatableResponse post(String token, String... events) {
        return given().auth().oauth2(token).contentType("application/json")
                .body("{\"events\": [" + String.join(",", events) + "]}")
                .when().post("/api/v1/host-events").then();
    }

    private static String iframe(String appKey, Instant at, boolean connected) {
        return "{\"type\": \"IFRAME_LOAD\", \"appKey\": \"" + appKey + "\", \"occurredAt\": \"" + at
                + "\", \"durationMs\": 14000, \"connected\": " + connected + "}";
    }

    @Test
    void everyTypeIsStoredRawForSeveralAppsInOneRequest() {
        String first = TestApps.register(sealer, "hostfirst", SECRET);
        String second = TestApps.register(sealer, "hostsecond", SECRET);
        Instant at = Instant.now().minus(1, ChronoUnit.HOURS);

        post(PlatformTokens.host(),
                iframe(first, at, true),
                "{\"type\": \"LIFECYCLE\", \"appKey\": \"" + second + "\", \"occurredAt\": \"" + at
                        + "\", \"durationMs\": 300, \"lifecycle\": \"installed\", \"statusCode\": 204}",
                "{\"type\": \"LIFECYCLE\", \"appKey\": \"" + second + "\", \"occurredAt\": \"" + at
                        + "\", \"durationMs\": 5000, \"lifecycle\": \"uninstalled\", \"errorKind\": \"TIMEOUT\"}",
                "{\"type\": \"WEBHOOK\", \"appKey\": \"" + first + "\", \"occurredAt\": \"" + at
                        + "\", \"durationMs\": 120, \"queueMs\": 40, \"product\": \"confluence\","
                        + " \"event\": \"page_created\", \"statusCode\": 302, \"eventId\": \"wh-1\"}",
                "{\"type\": \"WEBHOOK\", \"appKey\": \"" + first + "\", \"occurredAt\": \"" + at
                        + "\", \"durationMs\": 10, \"product\": \"jira\", \"event\": \"jira:issue_created\", \"errorKind\": \"DNS\","
                        + " \"site\": \"https://customer-7.example\"}")
                .statusCode(200).body("accepted", equalTo(5)).body("duplicates", equalTo(0));

        // Raw outcomes only: the 14 s load keeps connected = true (sli-api applies the 12 s rule).
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'IFRAME_HOST'"
                + " and succeeded and duration_ms = 14000", first)).isEqualTo(1);
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'LIFECYCLE'"
                + " and lifecycle = 'INSTALLED' and status_code = 204 and error_kind is null and succeeded is null", second)).isEqualTo(1);
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'LIFECYCLE'"
                + " and lifecycle = 'UNINSTALLED' and status_code is null and error_kind = 'TIMEOUT'", second)).isEqualTo(1);
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'WEBHOOK'"
                + " and product = 'CONFLUENCE' and webhook_event = 'page_created' and status_code = 302"
                + " and queue_ms = 40 and duration_ms = 120 and event_id = 'wh-1'", first)).isEqualTo(1);
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'WEBHOOK'"
                + " and product = 'JIRA' and error_kind = 'DNS' and queue_ms is null"
                + " and site = 'https://customer-7.example'", first)).isEqualTo(1);
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and site is not null", second)).isZero();
    }

    @Test
    void onlyTheHostMaySendThem() {
        String appKey = TestApps.register(sealer, "hostauth", SECRET);
        String event = iframe(appKey, Instant.now(), true);

        post(PlatformTokens.vendor(appKey), event).statusCode(403).body("error", equalTo("forbidden"));
        post(PlatformTokens.untrusted(Set.of("host")), event).statusCode(401).body("error", equalTo("unauthorized"));
        // Signed by the trusted issuer, but for no audience or another one: not a token for Rampart.
        post(PlatformTokens.token("test-host", Set.of("host"), Set.of(), Set.of()), event).statusCode(401)
                .body("error", equalTo("unauthorized"));
        post(PlatformTokens.token("test-host", Set.of("host"), Set.of(), Set.of("billing")), event).statusCode(401)
                .body("error", equalTo("unauthorized"));
        given().body("{\"events\": [" + event + "]}").when().post("/api/v1/host-events").then()
                .statusCode(401).body("error", equalTo("unauthorized"));
        assertThat(TestApps.events(appKey)).isZero();
    }

    @Test
    void anUnknownOrDisabledAppRefusesTheRequest() {
        String known = TestApps.register(sealer, "hostknown", SECRET);
        String disabled = TestApps.register(sealer, "hostdisabled", SECRET);
        TestApps.setEnabled(disabled, false);
        String unknown = TestApps.uniqueAppKey("hostunknown");

        post(PlatformTokens.host(), iframe(known, Instant.now(), true), iframe(unknown, Instant.now(), true))
                .statusCode(404).body("error", equalTo("unknown_app")).body("index", equalTo(1)).body("field", equalTo("appKey"));
        post(PlatformTokens.host(), iframe(known, Instant.now(), true), iframe(disabled, Instant.now(), true))
                .statusCode(403).body("error", equalTo("app_disabled")).body("detail", containsString(disabled));
        assertThat(TestApps.events(known)).isZero();
    }

    @Test
    void aBodyWithoutAnEventsArrayIsRefused() {
        given().auth().oauth2(PlatformTokens.host()).body("[]").when().post("/api/v1/host-events").then()
                .statusCode(400).body("error", equalTo("invalid_body")).body("detail", containsString("\"events\""));
    }

    static Stream<Arguments> invalidEvents() {
        String now = Instant.now().toString();
        String base = "\"appKey\": \"APP\", \"occurredAt\": \"" + now + "\", \"durationMs\": 5";
        return Stream.of(
                Arguments.of("{" + base + ", \"connected\": true}", "type", "is required"),
                Arguments.of("{\"type\": \"PAGE_VIEW\", " + base + "}", "type", "must be one of IFRAME_LOAD, LIFECYCLE, WEBHOOK"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"occurredAt\": \"" + now + "\", \"durationMs\": 5, \"connected\": true}", "appKey", "is required"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"a b\", \"occurredAt\": \"" + now + "\", \"durationMs\": 5, \"connected\": true}", "appKey", "letters, digits"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"APP\", \"durationMs\": 5, \"connected\": true}", "occurredAt", "is required"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"APP\", \"occurredAt\": \""
                        + Instant.now().minus(29, ChronoUnit.DAYS) + "\", \"durationMs\": 5, \"connected\": true}", "occurredAt", "28 days in the past"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"APP\", \"occurredAt\": \""
                        + Instant.now().plus(6, ChronoUnit.MINUTES) + "\", \"durationMs\": 5, \"connected\": true}", "occurredAt", "5 minutes in the future"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"APP\", \"occurredAt\": \"" + now + "\", \"connected\": true}", "durationMs", "is required"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", \"appKey\": \"APP\", \"occurredAt\": \"" + now + "\", \"durationMs\": -3, \"connected\": true}", "durationMs", "between 0 and"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + "}", "connected", "is required"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + ", \"connected\": \"yes\"}", "connected", "true or false"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + ", \"connected\": true, \"eventId\": \"\"}", "eventId", "must not be empty"),
                Arguments.of("{\"type\": \"LIFECYCLE\", " + base + ", \"statusCode\": 200}", "lifecycle", "is required"),
                Arguments.of("{\"type\": \"LIFECYCLE\", " + base + ", \"lifecycle\": \"INSTALLED\", \"statusCode\": 200}", "lifecycle", "must be one of installed, updated"),
                Arguments.of("{\"type\": \"LIFECYCLE\", " + base + ", \"lifecycle\": \"installed\"}", "statusCode", "exactly one of statusCode"),
                Arguments.of("{\"type\": \"LIFECYCLE\", " + base + ", \"lifecycle\": \"installed\", \"statusCode\": 200, \"errorKind\": \"DNS\"}", "errorKind", "exactly one of statusCode"),
                Arguments.of("{\"type\": \"LIFECYCLE\", " + base + ", \"lifecycle\": \"installed\", \"statusCode\": 600}", "statusCode", "between 100 and 599"),
                Arguments.of("{\"type\": \"LIFECYCLE\", " + base + ", \"lifecycle\": \"installed\", \"errorKind\": \"REFUSED\"}", "errorKind", "must be one of DNS, CONNECT, TLS, TIMEOUT"),
                Arguments.of("{\"type\": \"WEBHOOK\", " + base + ", \"event\": \"x\", \"statusCode\": 200}", "product", "is required"),
                Arguments.of("{\"type\": \"WEBHOOK\", " + base + ", \"product\": \"bitbucket\", \"event\": \"x\", \"statusCode\": 200}", "product", "must be one of jira, confluence"),
                Arguments.of("{\"type\": \"WEBHOOK\", " + base + ", \"product\": \"jira\", \"statusCode\": 200}", "event", "is required"),
                Arguments.of("{\"type\": \"WEBHOOK\", " + base + ", \"product\": \"jira\", \"event\": \"x\", \"queueMs\": -1, \"statusCode\": 200}", "queueMs", "between 0 and"),
                Arguments.of("{\"type\": \"WEBHOOK\", " + base + ", \"product\": \"jira\", \"event\": \"x\"}", "statusCode", "exactly one of statusCode"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + ", \"connected\": true, \"site\": \"acme site\"}", "site", "without spaces"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + ", \"connected\": true, \"site\": \"" + "s".repeat(256) + "\"}", "site", "at most 255"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + ", \"connected\": true, \"site\": \"caf\u00e9.example\"}", "site", "visible ASCII"),
                Arguments.of("{\"type\": \"IFRAME_LOAD\", " + base + ", \"connected\": true, \"site\": 7}", "site", "must be a string"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidEvents")
    void anInvalidEventRefusesTheWholeRequestNamingIndexAndField(String event, String field, String why) {
        String appKey = TestApps.register(sealer, "hostinvalid", SECRET);

        post(PlatformTokens.host(), iframe(appKey, Instant.now(), false), event.replace("\"APP\"", "\"" + appKey + "\""))
                .statusCode(400).body("error", equalTo("invalid_item")).body("index", equalTo(1))
                .body("field", equalTo(field)).body("detail", containsString(why));

        assertThat(TestApps.events(appKey)).isZero();
    }
}
