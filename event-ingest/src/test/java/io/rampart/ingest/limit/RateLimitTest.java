package io.rampart.ingest.limit;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** An app past its rate gets 429 with Retry-After; other apps are not slowed by it. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
@TestProfile(RateLimitTest.SlowRate.class)
class RateLimitTest {

    private static final String SECRET = "rate-limit-secret-0123456789abcdef";
    private static final String TWO_ITEMS = "[{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\"},"
            + " {\"metricsType\": \"IFRAME\", \"status\": \"FAIL\"}]";

    /** A bucket of 4 events refilled at 1 event every 10 s, so the test cannot outrun it by accident. */
    public static class SlowRate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rampart.ingest.rate-limit.events-per-second", "0.1", "rampart.ingest.rate-limit.burst", "4");
        }
    }

    @Inject
    SecretSealer sealer;

    private ValidatableResponse publish(String appKey) {
        return given().header("Authorization", "JWT " + ConnectTokens.publish(appKey, SECRET)).body(TWO_ITEMS)
                .when().put(ConnectTokens.publishPath(appKey)).then();
    }

    @Test
    void anAppPastItsRateIsToldWhenToRetry() {
        String appKey = TestApps.register(sealer, "limited", SECRET);
        String other = TestApps.register(sealer, "unlimited", SECRET);

        publish(appKey).statusCode(200);
        publish(appKey).statusCode(200);
        int retryAfter = Integer.parseInt(publish(appKey).statusCode(429)
                .body("error", equalTo("rate_limited")).body("detail", containsString(appKey))
                .extract().header("Retry-After"));

        assertThat(retryAfter).isBetween(1, 20);
        publish(other).statusCode(200);
        assertThat(TestApps.events(appKey)).isEqualTo(4);
    }
}
