package io.rampart.sli;

import io.rampart.store.secret.SecretSealer;
import io.rampart.store.secret.SecretsConfig;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.TestApps;
import io.restassured.http.ContentType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import static io.restassured.RestAssured.given;

/**
 * What sli-api's tests need beyond the store's {@link TestApps}: apps registered through the
 * registry API itself, an hour to put events in, and a sealer of an earlier key.
 */
public final class TestData {

    private TestData() {
    }

    /** A whole hour three days ago: inside the prepared daily partitions, far from now. */
    public static Instant baseHour() {
        return Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.DAYS);
    }

    /** A sealer whose active key is the one the test profile lists as previous: secrets sealed before a key rotation. */
    public static SecretSealer retiredKeySealer() {
        return new SecretSealer(new SecretsConfig() {
            @Override
            public String key() {
                return "old:b2xkLXJhbXBhcnQtc2VhbGluZy1rZXktMzItYnl0ZXM=";
            }

            @Override
            public Optional<List<String>> previousKeys() {
                return Optional.empty();
            }
        });
    }

    /** Registers an app with the given target labels (https://label.example) and answers its key. */
    public static String registerApp(String prefix, String... targetLabels) {
        String appKey = TestApps.uniqueAppKey(prefix);
        StringBuilder baseUrls = new StringBuilder();
        for (String label : targetLabels) {
            baseUrls.append(baseUrls.isEmpty() ? "" : ",")
                    .append("{\"label\":\"").append(label).append("\",\"url\":\"https://").append(label).append(".example\"}");
        }
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"appKey\":\"" + appKey + "\",\"name\":\"Test\",\"baseUrls\":[" + baseUrls + "]}")
                .post("/api/v1/apps").then().statusCode(201);
        return appKey;
    }
}
