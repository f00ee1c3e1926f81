package io.rampart.ingest.connect;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.publisher.connect.CanonicalRequest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** Every way a Connect JWT can be wrong is refused, and nothing of the request is stored. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ConnectJwtTest {

    private static final String SECRET = "a-shared-secret-of-the-app-0123456789";
    private static final String METRIC = "[{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"durationInMillis\": 420}]";

    @Inject
    SecretSealer sealer;

    private ValidatableResponse publish(String appKey, String token) {
        return given().header("Authorization", "JWT " + token).contentType("application/json").body(METRIC)
                .when().put(ConnectTokens.publishPath(appKey)).then();
    }

    /** Refused with the status and reason, the token not repeated, and nothing more stored for the app. */
    private void refused(String appKey, String token, int status, String why) {
        long storedBefore = TestApps.events(appKey);
        publish(appKey, token).statusCode(status)
                .body("error", equalTo(status == 401 ? "unauthorized" : "forbidden"))
                .body("detail", containsString(why))
                .body(not(containsString(token)));
        assertThat(TestApps.events(appKey)).isEqualTo(storedBefore);
    }

    @Test
    void aValidTokenStoresTheMetric() {
        String appKey = TestApps.register(sealer, "valid", SECRET);

        publish(appKey, ConnectTokens.publish(appKey, SECRET)).statusCode(200)
                .body("accepted", equalTo(1)).body("duplicates", equalTo(0));

        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and kind = 'IFRAME_APP'"
                + " and succeeded and duration_ms = 420", appKey)).isEqualTo(1);
    }

    @Test
    void theTokenMayComeInTheQueryWhereItIsLeftOutOfTheHash() {
        String appKey = TestApps.register(sealer, "query", SECRET);

        given().queryParam("jwt", ConnectTokens.publish(appKey, SECRET)).contentType("application/json").body(METRIC)
                .when().put(ConnectTokens.publishPath(appKey)).then().statusCode(200);

        assertThat(TestApps.events(appKey)).isEqualTo(1);
    }

    @Test
    void aQueryIsPartOfTheHash() {
        String appKey = TestApps.register(sealer, "qshquery", SECRET);
        String qsh = CanonicalRequest.hash("PUT", ConnectTokens.publishPath(appKey), Map.of("source", List.of("ci run")));
        String token = ConnectTokens.sign(ConnectTokens.validClaims(appKey, qsh), AlgorithmIdentifiers.HMAC_SHA256,
                new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)));

        given().header("Authorization", "JWT " + token).queryParam("source", "ci run").body(METRIC)
                .when().put(ConnectTokens.publishPath(appKey)).then().statusCode(200);
        given().header("Authorization", "JWT " + token).queryParam("source", "other").body(METRIC)
                .when().put(ConnectTokens.publishPath(appKey)).then().statusCode(401);
        assertThat(TestApps.events(appKey)).isEqualTo(1);
    }

    @Test
    void noTokenIsRefused() {
        String appKey = TestApps.register(sealer, "notoken", SECRET);
        given().body(METRIC).when().put(ConnectTokens.publishPath(appKey)).then().statusCode(401)
                .body("error", equalTo("unauthorized")).body("detail", containsString("Connect JWT is required"));
        assertThat(TestApps.events(appKey)).isZero();
    }

    @Test
    void aBadSignatureIsRefused() {
        String appKey = TestApps.register(sealer, "badsig", SECRET);
        String token = ConnectTokens.publish(appKey, SECRET);
        String tampered = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        refused(appKey, tampered, 401, "signature");
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        String appKey = TestApps.register(sealer, "wrongsecret", SECRET);
        refused(appKey, ConnectTokens.publish(appKey, "not-the-apps-secret-0123456789abcdef"), 401, "signature");
    }

    @Test
    void anExpiredTokenIsRefusedBeyondTheLeeway() {
        String appKey = TestApps.register(sealer, "expired", SECRET);
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> {
            claims.setIssuedAt(ConnectTokens.secondsFromNow(-300));
            claims.setExpirationTime(ConnectTokens.secondsFromNow(-31 - ConnectJwtVerifier.LEEWAY_SECONDS));
        }), 401, "expired");
    }

    @Test
    void aTokenJustExpiredWithinTheLeewayIsAccepted() {
        String appKey = TestApps.register(sealer, "leeway", SECRET);
        publish(appKey, ConnectTokens.publish(appKey, SECRET, claims -> {
            claims.setIssuedAt(ConnectTokens.secondsFromNow(-120));
            claims.setExpirationTime(ConnectTokens.secondsFromNow(-10));
        })).statusCode(200);
    }

    @Test
    void aTokenWithoutExpIsRefused() {
        String appKey = TestApps.register(sealer, "noexp", SECRET);
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.unsetClaim("exp")), 401, "no exp");
    }

    @Test
    void aTokenWithoutIatIsRefused() {
        String appKey = TestApps.register(sealer, "noiat", SECRET);
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.unsetClaim("iat")), 401, "no iat");
    }

    @Test
    void aTokenWhoseIssuerIsNotThePathsAppIsRefused() {
        String appKey = TestApps.register(sealer, "wrongiss", SECRET);
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.setIssuer("com.example.other")), 401, "iss");
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.unsetClaim("iss")), 401, "iss");
    }

    @Test
    void aTokenForAnotherRequestIsRefused() {
        String appKey = TestApps.register(sealer, "wrongqsh", SECRET);
        String getQsh = CanonicalRequest.hash("GET", ConnectTokens.publishPath(appKey), Map.of());
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.setClaim("qsh", getQsh)), 401, "qsh");
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.unsetClaim("qsh")), 401, "qsh");
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String appKey = TestApps.register(sealer, "algnone", SECRET);
        JwtClaims claims = ConnectTokens.validClaims(appKey, CanonicalRequest.hash("PUT", ConnectTokens.publishPath(appKey), Map.of()));
        refused(appKey, ConnectTokens.sign(claims, AlgorithmIdentifiers.NONE, null), 401, "only HS256");
    }

    @Test
    void rsaTokensAndHmacTokensKeyedWithAPublicKeyAreRefused() throws Exception {
        String appKey = TestApps.register(sealer, "confusion", SECRET);
        JwtClaims claims = ConnectTokens.validClaims(appKey, CanonicalRequest.hash("PUT", ConnectTokens.publishPath(appKey), Map.of()));
        KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();

        refused(appKey, ConnectTokens.sign(claims, AlgorithmIdentifiers.RSA_USING_SHA256, rsa.getPrivate()), 401, "only HS256");
        // The classic confusion: HS256 keyed with a public key the attacker knows.
        refused(appKey, ConnectTokens.sign(claims, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(rsa.getPublic().getEncoded())),
                401, "signature");
    }

    @Test
    void anotherAppsValidTokenOnThisAppsPathIsForbidden() {
        String appKey = TestApps.register(sealer, "victim", SECRET);
        String otherKey = TestApps.register(sealer, "intruder", "the-intruders-own-secret-0123456789");
        String othersToken = ConnectTokens.publish(otherKey, "the-intruders-own-secret-0123456789", claims ->
                claims.setClaim("qsh", CanonicalRequest.hash("PUT", ConnectTokens.publishPath(appKey), Map.of())));

        refused(appKey, othersToken, 403, "issued for the app " + otherKey);
        assertThat(TestApps.events(otherKey)).isZero();
    }

    @Test
    void thePreviousSecretWorksDuringItsGracePeriodAndNotAfter() throws Exception {
        String appKey = TestApps.register(sealer, "rotation", SECRET);
        publish(appKey, ConnectTokens.publish(appKey, SECRET)).statusCode(200);
        String next = "the-rotated-in-secret-0123456789abcdef";
        Instant graceEnd = Instant.now().plusSeconds(4);
        TestApps.rotate(sealer, appKey, next, graceEnd);

        // The new secret works once the cached entry is older than recheck-after (1 s), well within the cache time.
        Thread.sleep(1100);
        publish(appKey, ConnectTokens.publish(appKey, next)).statusCode(200);
        publish(appKey, ConnectTokens.publish(appKey, SECRET)).statusCode(200);

        Thread.sleep(Math.max(0, Duration.between(Instant.now(), graceEnd).toMillis() + 100));
        refused(appKey, ConnectTokens.publish(appKey, SECRET), 401, "signature");
        publish(appKey, ConnectTokens.publish(appKey, next)).statusCode(200);
        assertThat(TestApps.events(appKey)).isEqualTo(4);
    }

    @Test
    void anUnknownAppAnswersExactlyLikeABadTokenOfAKnownOne() {
        String known = TestApps.register(sealer, "known", SECRET);
        String unknown = TestApps.uniqueAppKey("unknown");
        String disabled = TestApps.register(sealer, "disabledbad", SECRET);
        TestApps.setEnabled(disabled, false);
        String wrongSecret = "not-the-apps-secret-0123456789abcdef";

        String knownAnswer = publish(known, ConnectTokens.publish(known, wrongSecret)).statusCode(401)
                .extract().body().asString();
        // Whatever the unknown app's token is signed with, nothing can verify it.
        for (String secret : List.of(wrongSecret, SECRET)) {
            assertThat(publish(unknown, ConnectTokens.publish(unknown, secret)).statusCode(401)
                    .extract().body().asString()).isEqualTo(knownAnswer);
        }
        // A disabled app is named as such only to a caller holding its secret.
        assertThat(publish(disabled, ConnectTokens.publish(disabled, wrongSecret)).statusCode(401)
                .extract().body().asString()).isEqualTo(knownAnswer);
        // With no token at all, the same answer for a known and an unknown app.
        assertThat(given().contentType("application/json").body(METRIC).when().put(ConnectTokens.publishPath(unknown))
                .then().statusCode(401).extract().body().asString())
                .isEqualTo(given().contentType("application/json").body(METRIC).when()
                        .put(ConnectTokens.publishPath(known)).then().statusCode(401).extract().body().asString());
    }

    @Test
    void aTokenIssuedForLongerThanAnHourIsRefused() {
        String appKey = TestApps.register(sealer, "lifetime", SECRET);

        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> {
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(61);
        }), 401, "lifetime (exp - iat) is longer than 3600 s");
        // Backdating iat does not help: exp - iat is what counts.
        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> {
            claims.setIssuedAt(ConnectTokens.secondsFromNow(-7200));
            claims.setExpirationTimeMinutesInTheFuture(3);
        }), 401, "lifetime");
        publish(appKey, ConnectTokens.publish(appKey, SECRET, claims -> {
            claims.setIssuedAtToNow();
            claims.setExpirationTimeMinutesInTheFuture(59);
        })).statusCode(200);
    }

    @Test
    void aTokenIssuedInTheFutureBeyondTheLeewayIsRefused() {
        String appKey = TestApps.register(sealer, "future", SECRET);

        refused(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.setIssuedAt(ConnectTokens.secondsFromNow(90))),
                401, "iat is in the future");
        publish(appKey, ConnectTokens.publish(appKey, SECRET, claims -> claims.setIssuedAt(ConnectTokens.secondsFromNow(20))))
                .statusCode(200);
    }

    @Test
    void aDisabledAppIsRefusedAndADisableTakesEffectWithinTheCacheTime() throws Exception {
        String appKey = TestApps.register(sealer, "disabled", SECRET);
        publish(appKey, ConnectTokens.publish(appKey, SECRET)).statusCode(200);
        TestApps.setEnabled(appKey, false);

        Instant deadline = Instant.now().plusSeconds(15);
        int status;
        do {
            Thread.sleep(200);
            status = publish(appKey, ConnectTokens.publish(appKey, SECRET)).extract().statusCode();
        } while (status == 200 && Instant.now().isBefore(deadline));

        publish(appKey, ConnectTokens.publish(appKey, SECRET)).statusCode(403)
                .body("error", equalTo("app_disabled")).body("detail", containsString(appKey));
    }
}
