package io.rampart.ingest.vendor;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.store.secret.SecretSealer;
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
import java.util.Collections;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** What the Metric Publish API accepts, and every way an item or a body is refused (storing nothing). */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class MetricPublishValidationTest {

    private static final String SECRET = "validation-secret-0123456789abcdef";
    private static final String GOOD = "{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"durationInMillis\": 10}";

    @Inject
    SecretSealer sealer;

    private ValidatableResponse publish(String appKey, String body) {
        return given().header("Authorization", "JWT " + ConnectTokens.publish(appKey, SECRET))
                .contentType("application/json").body(body)
                .when().put(ConnectTokens.publishPath(appKey)).then();
    }

    @Test
    void everyFieldIsStoredAsSent() {
        String appKey = TestApps.register(sealer, "fields", SECRET);
        Instant at = Instant.now().minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);

        publish(appKey, "[{\"metricsType\": \"SYNTHETIC\", \"status\": \"FAIL\", \"durationInMillis\": 1500,"
                + " \"timestamp\": \"" + at + "\", \"eventId\": \"run-1\", \"checkName\": \"login\"},"
                + " {\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\"}]")
                .statusCode(200).body("accepted", equalTo(2)).body("duplicates", equalTo(0));

        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'SYNTHETIC'"
                + " and not succeeded and duration_ms = 1500 and occurred_at = ? and event_id = 'run-1'"
                + " and check_name = 'login' and received_at >= occurred_at", appKey, java.sql.Timestamp.from(at))).isEqualTo(1);
        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'IFRAME_APP'"
                + " and succeeded and duration_ms is null and event_id is null"
                + " and occurred_at between now() - interval '1 minute' and now()", appKey)).isEqualTo(1);
    }

    @Test
    void anEmptyArrayStoresNothingAndSucceeds() {
        String appKey = TestApps.register(sealer, "empty", SECRET);
        publish(appKey, "[]").statusCode(200).body("accepted", equalTo(0));
    }

    static Stream<Arguments> invalidItems() {
        Instant now = Instant.now();
        return Stream.of(
                Arguments.of("\"IFRAME\"", "", "must be a JSON object"),
                Arguments.of("{\"status\": \"SUCCESS\"}", "metricsType", "is required"),
                Arguments.of("{\"metricsType\": \"PAGE\", \"status\": \"SUCCESS\"}", "metricsType", "must be one of IFRAME, SYNTHETIC"),
                Arguments.of("{\"metricsType\": 1, \"status\": \"SUCCESS\"}", "metricsType", "must be a string"),
                Arguments.of("{\"metricsType\": \"IFRAME\"}", "status", "is required"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"OK\"}", "status", "must be one of SUCCESS, FAIL"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"durationInMillis\": -1}", "durationInMillis", "between 0 and"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"durationInMillis\": 3000000000}", "durationInMillis", "between 0 and"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"durationInMillis\": 1.5}", "durationInMillis", "whole number"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"durationInMillis\": \"12\"}", "durationInMillis", "whole number"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"timestamp\": \"yesterday\"}", "timestamp", "ISO-8601"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"timestamp\": \"2026-01-01T00:00:00\"}", "timestamp", "ISO-8601"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"timestamp\": \""
                        + now.minus(29, ChronoUnit.DAYS) + "\"}", "timestamp", "more than 28 days in the past"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"timestamp\": \""
                        + now.plus(6, ChronoUnit.MINUTES) + "\"}", "timestamp", "more than 5 minutes in the future"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"eventId\": \"\"}", "eventId", "must not be empty"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"eventId\": 7}", "eventId", "must be a string"),
                Arguments.of("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"eventId\": \"" + "e".repeat(256) + "\"}", "eventId", "at most 255"),
                Arguments.of("{\"metricsType\": \"SYNTHETIC\", \"status\": \"SUCCESS\", \"checkName\": \"" + "c".repeat(256) + "\"}", "checkName", "at most 255"));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("invalidItems")
    void anInvalidItemRefusesTheWholeRequestNamingIndexAndField(String item, String field, String why) {
        String appKey = TestApps.register(sealer, "invalid", SECRET);

        publish(appKey, "[" + GOOD + ", " + item + "]").statusCode(400)
                .body("error", equalTo("invalid_item"))
                .body("index", equalTo(1))
                .body("field", equalTo(field))
                .body("detail", containsString("item 1"))
                .body("detail", containsString(why));

        assertThat(TestApps.events(appKey)).isZero();
    }

    @Test
    void aBodyThatIsNotAJsonArrayIsRefused() {
        String appKey = TestApps.register(sealer, "notarray", SECRET);
        publish(appKey, "[" + GOOD).statusCode(400).body("error", equalTo("invalid_body")).body("detail", containsString("not valid JSON"));
        publish(appKey, GOOD).statusCode(400).body("error", equalTo("invalid_body")).body("detail", containsString("JSON array"));
        publish(appKey, "").statusCode(400).body("error", equalTo("invalid_body"));
        assertThat(TestApps.events(appKey)).isZero();
    }

    @Test
    void moreThanAThousandItemsAreTooLarge() {
        String appKey = TestApps.register(sealer, "toomany", SECRET);
        publish(appKey, "[" + String.join(",", Collections.nCopies(1000, GOOD)) + "]").statusCode(200).body("accepted", equalTo(1000));
        publish(appKey, "[" + String.join(",", Collections.nCopies(1001, GOOD)) + "]").statusCode(413)
                .body("error", equalTo("too_large")).body("detail", containsString("at most 1000 items"));
        assertThat(TestApps.events(appKey)).isEqualTo(1000);
    }

    @Test
    void aBodyOverOneMebibyteIsTooLarge() {
        String appKey = TestApps.register(sealer, "toobig", SECRET);
        String padding = " ".repeat(1024 * 1024);
        publish(appKey, "[" + GOOD + "]" + padding).statusCode(413)
                .body("error", equalTo("too_large")).body("detail", containsString("1048576 bytes"));
        assertThat(TestApps.events(appKey)).isZero();
    }
}
