package io.rampart.sli.alert;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificates with chosen notAfter dates, as the prober records them from the leaf certificate
 * of each https probe: days left per target on the API and the status page, and the rule
 * certificate_expiring opening 14 days ahead (the default) and resolving once the certificate is renewed.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class CertificateExpiryTest {

    private static final String ISSUER = "CN=Rampart Test CA,O=Rampart";

    @Inject
    AlertEvaluator evaluator;

    @Test
    void daysLeftPerTargetAndTheAlertOpensFourteenDaysAheadAndResolvesOnRenewal() {
        String app = registerApp("certs", "prod", "eu", "plain");
        Instant now = Instant.now();
        // prod: 14 days and an hour left (no alert yet); eu: 10 days and an hour (alert); plain: http, none.
        certificate(app, "prod", now.minusSeconds(120), now.plus(Duration.ofDays(14).plusHours(1)));
        certificate(app, "eu", now.minusSeconds(120), now.plus(Duration.ofDays(10).plusHours(1)));

        JsonPath targets = given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/targets")
                .then().statusCode(200).extract().jsonPath();
        assertThat(targets.getInt("find { it.label == 'prod' }.certificate.daysLeft")).isEqualTo(14);
        assertThat(targets.getInt("find { it.label == 'eu' }.certificate.daysLeft")).isEqualTo(10);
        assertThat(targets.getString("find { it.label == 'eu' }.certificate.issuer")).isEqualTo(ISSUER);
        assertThat(targets.getString("find { it.label == 'eu' }.certificate.notAfter")).isNotNull();
        assertThat(targets.getMap("find { it.label == 'plain' }")).doesNotContainKey("certificate");

        evaluator.evaluate(now).await().atMost(Duration.ofSeconds(60));
        Map<String, Object> opened = AlertTesting.incident(app, "certificate_expiring");
        assertThat(opened.get("status")).isEqualTo("OPEN");
        assertThat(((Number) opened.get("sliValue")).doubleValue()).isEqualTo(10.0);
        assertThat(((Number) opened.get("sloValue")).doubleValue()).isEqualTo(14.0);
        assertThat(opened.get("severity")).isEqualTo("ticket");

        // Renewed: the next probe of eu sees a certificate valid for 90 days.
        certificate(app, "eu", now.minusSeconds(60), now.plus(Duration.ofDays(90)));
        evaluator.evaluate(now.plusSeconds(60)).await().atMost(Duration.ofSeconds(60));
        assertThat(AlertTesting.incident(app, "certificate_expiring").get("status")).isEqualTo("RESOLVED");
        assertThat(given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/targets")
                .then().statusCode(200).extract().jsonPath().getInt("find { it.label == 'eu' }.certificate.daysLeft"))
                .isEqualTo(89);
    }

    /** One https probe of the target that saw a leaf certificate expiring at {@code notAfter}. */
    private static void certificate(String app, String label, Instant at, Instant notAfter) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                        + " status_code, prober, certificate_not_after, certificate_issuer)"
                        + " values (?, ?, ?, ?, 40, 'SUCCESS', 200, 'test', ?, ?)",
                targetId(app, label), app, Timestamp.from(at), Timestamp.from(at), Timestamp.from(notAfter), ISSUER);
    }
}
