package io.rampart.sli.registry;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.retiredKeySealer;
import static io.rampart.store.testing.TestApps.event;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** The registry: DESIGN.md's payloads, sealed secrets and their rotation, and every refusal. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class RegistryResourceTest {

    @Inject
    SecretSealer sealer;

    private static ValidatableResponse post(String path, String body) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body)
                .post(path).then();
    }

    private static String designExample(String appKey) {
        return "{\"appKey\": \"" + appKey + "\", \"name\": \"Timesheets\", \"healthcheckPath\": \"/health\","
                + " \"baseUrls\": [{\"url\": \"https://acme.example\", \"label\": \"prod\"}]}";
    }

    @Test
    void createAnswers201WithTheAppAndItsSharedSecretSealedAtRest() {
        String appKey = uniqueAppKey("create");
        String secret = post("/api/v1/apps", designExample(appKey)).statusCode(201)
                .header("Location", containsString("/api/v1/apps/" + appKey))
                .body("appKey", equalTo(appKey)).body("name", equalTo("Timesheets"))
                .body("healthcheckPath", equalTo("/health")).body("checkIntervalSeconds", equalTo(60))
                .body("enabled", equalTo(true)).body("baseUrls", hasSize(1))
                .body("baseUrls[0].label", equalTo("prod")).body("baseUrls[0].url", equalTo("https://acme.example"))
                .extract().path("sharedSecret");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(43);

        Map<String, Object> stored = query("select version, key_id, sealed, valid_until from app_secret where app_key = ?", appKey);
        assertThat(stored).containsEntry("version", 1).containsEntry("key_id", sealer.activeKeyId())
                .containsEntry("valid_until", null);
        byte[] sealed = (byte[]) stored.get("sealed");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(sealer.open(appKey, new SecretSealer.Sealed(sealer.activeKeyId(), sealed))).isEqualTo(secret);

        // shown only on creation and rotation
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200)
                .body("sharedSecret", nullValue()).body("baseUrls[0].label", equalTo("prod"));
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps").then().statusCode(200)
                .body("find { it.appKey == '" + appKey + "' }.sharedSecret", nullValue())
                .body("find { it.appKey == '" + appKey + "' }.name", equalTo("Timesheets"));
    }

    @Test
    void duplicateAppKeyIs409() {
        String appKey = uniqueAppKey("duplicate");
        post("/api/v1/apps", designExample(appKey)).statusCode(201);
        post("/api/v1/apps", designExample(appKey)).statusCode(409)
                .body("error", equalTo("conflict")).body("detail", containsString(appKey));
    }

    @Test
    void badInputIs400NamingTheFieldAndWhy() {
        String appKey = uniqueAppKey("bad");
        Map<String, String> bodies = Map.of(
                "appKey", "{\"name\": \"x\"}",
                "name", "{\"appKey\": \"" + appKey + "\"}",
                "baseUrls[0].url", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"baseUrls\": [{\"label\": \"p\", \"url\": \"ftp://x\"}]}",
                "baseUrls[1].label", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"baseUrls\": [{\"label\": \"p\", \"url\": \"https://a.example\"}, {\"label\": \"p\", \"url\": \"https://b.example\"}]}",
                "checkIntervalSeconds", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"checkIntervalSeconds\": 0}",
                "healthcheckPath", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"healthcheckPath\": \"health\"}",
                "products[0]", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"products\": [\"bitbucket\"]}",
                "sloOverrides.availability_latency", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"sloOverrides\": {\"availability_latency\": 99}}",
                "sloOverrides.availability_success_rate", "{\"appKey\": \"" + appKey + "\", \"name\": \"x\", \"sloOverrides\": {\"availability_success_rate\": 100}}");
        bodies.forEach((field, body) -> post("/api/v1/apps", body).statusCode(400)
                .body("error", equalTo("bad_request")).body("detail", containsString(field + ":")));
        post("/api/v1/apps", "{\"appKey\": ").statusCode(400).body("error", equalTo("bad_request"));
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(404);
    }

    @Test
    void unknownAppIs404Everywhere() {
        String appKey = uniqueAppKey("unknown");
        String admin = PlatformTokens.admin();
        given().auth().oauth2(admin).get("/api/v1/apps/" + appKey).then().statusCode(404).body("error", equalTo("not_found"));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body("{\"name\": \"y\"}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(404);
        given().auth().oauth2(admin).delete("/api/v1/apps/" + appKey).then().statusCode(404);
        given().auth().oauth2(admin).post("/api/v1/apps/" + appKey + "/shared-secret/rotate").then().statusCode(404);
        given().auth().oauth2(admin).get("/api/v1/apps/" + appKey + "/slis").then().statusCode(404);
    }

    @Test
    void patchChangesOnlyTheGivenFieldsAndReplacesBaseUrlsByLabel() {
        String appKey = uniqueAppKey("patch");
        post("/api/v1/apps", designExample(appKey)).statusCode(201);
        long prodId = ((Number) query("select id from healthcheck_target where app_key = ?", appKey).get("id")).longValue();

        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"checkIntervalSeconds\": 30, \"products\": [\"jira\"], \"sloOverrides\": {\"availability_success_rate\": 99.5},"
                        + " \"baseUrls\": [{\"label\": \"prod\", \"url\": \"https://acme-v2.example/\"},"
                        + " {\"label\": \"eu\", \"url\": \"https://eu.acme.example\"}]}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(200)
                .body("name", equalTo("Timesheets")).body("checkIntervalSeconds", equalTo(30))
                .body("products", equalTo(List.of("jira")))
                .body("sloOverrides.availability_success_rate", equalTo(99.5f))
                .body("baseUrls.label", equalTo(List.of("eu", "prod")))
                .body("baseUrls.find { it.label == 'prod' }.url", equalTo("https://acme-v2.example"));
        assertThat(query("select id from healthcheck_target where app_key = ? and label = 'prod'", appKey))
                .containsEntry("id", prodId);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"appKey\": \"other\"}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(400).body("detail", containsString("appKey:"));
    }

    @Test
    void aPatchThatChangesNothingLeavesUpdatedAtAsItWas() {
        String appKey = uniqueAppKey("noop");
        post("/api/v1/apps", designExample(appKey)).statusCode(201);
        String before = given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then()
                .statusCode(200).extract().path("updatedAt");
        for (String unchanged : List.of("{}", "{\"name\": \"Timesheets\"}")) {
            given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(unchanged)
                    .patch("/api/v1/apps/" + appKey).then().statusCode(200).body("updatedAt", equalTo(before));
        }
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"name\": \"Timesheets 2\"}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(200).body("updatedAt", not(equalTo(before)));
    }

    @Test
    void deleteDisablesTheAppAndKeepsItsData() {
        String appKey = uniqueAppKey("disable");
        post("/api/v1/apps", designExample(appKey)).statusCode(201);
        event(appKey, "SYNTHETIC", Instant.now().minusSeconds(60), 10, true, null, null, null);

        given().auth().oauth2(PlatformTokens.admin()).delete("/api/v1/apps/" + appKey).then().statusCode(204);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200)
                .body("enabled", equalTo(false)).body("baseUrls", hasSize(1));
        assertThat(query("select count(*) as n from app_event where app_key = ?", appKey)).containsEntry("n", 1L);
        assertThat(query("select count(*) as n from app_secret where app_key = ?", appKey)).containsEntry("n", 1L);
        given().auth().oauth2(PlatformTokens.admin()).queryParam("window", "1h").get("/api/v1/apps/" + appKey + "/slis")
                .then().statusCode(200).body("slis.find { it.id == 'synthetic_check_success_rate_app_server' }.total", equalTo(1));
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"enabled\": true}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(200).body("enabled", equalTo(true));
    }

    @Test
    void targetsAreAddedOncePerLabelAndUrlAndRemoved() {
        String appKey = uniqueAppKey("targets");
        post("/api/v1/apps", designExample(appKey)).statusCode(201);
        String targets = "/api/v1/apps/" + appKey + "/targets";
        post(targets, "{\"label\": \"eu\", \"url\": \"https://eu.acme.example\"}").statusCode(201).body("", hasSize(2));
        post(targets, "{\"label\": \"eu\", \"url\": \"https://other.example\"}").statusCode(409);
        post(targets, "{\"label\": \"us\", \"url\": \"https://acme.example\"}").statusCode(409);
        post(targets, "{\"label\": \"bad label\", \"url\": \"https://x.example\"}").statusCode(400)
                .body("detail", containsString("body.label:"));
        given().auth().oauth2(PlatformTokens.admin()).delete(targets + "/eu").then().statusCode(204);
        given().auth().oauth2(PlatformTokens.admin()).delete(targets + "/eu").then().statusCode(404);
        given().auth().oauth2(PlatformTokens.admin()).get(targets).then().statusCode(200).body("label", equalTo(List.of("prod")));
    }

    @Test
    void rotationKeepsThePreviousSecretValidForTheGracePeriod() {
        String appKey = uniqueAppKey("rotate");
        String first = post("/api/v1/apps", designExample(appKey)).statusCode(201).extract().path("sharedSecret");
        Instant before = Instant.now();
        String second = given().auth().oauth2(PlatformTokens.admin()).post("/api/v1/apps/" + appKey + "/shared-secret/rotate")
                .then().statusCode(200).body("version", equalTo(2)).body("previousValidUntil", notNullValue())
                .extract().path("sharedSecret");
        assertThat(second).isNotEqualTo(first);

        Timestamp graceEnd = (Timestamp) query("select valid_until from app_secret where app_key = ? and version = 1", appKey)
                .get("valid_until");
        // default grace: 24 h (RegistryConfig)
        assertThat(graceEnd.toInstant()).isBetween(before.plus(Duration.ofHours(24)).minusSeconds(5),
                Instant.now().plus(Duration.ofHours(24)).plusSeconds(5));
        assertThat(query("select valid_until from app_secret where app_key = ? and version = 2", appKey))
                .containsEntry("valid_until", null);

        // a version past its grace is deleted by the next rotation
        execute("update app_secret set valid_until = now() - interval '1 second' where app_key = ? and version = 1", appKey);
        given().auth().oauth2(PlatformTokens.admin()).post("/api/v1/apps/" + appKey + "/shared-secret/rotate")
                .then().statusCode(200).body("version", equalTo(3));
        assertThat(query("select string_agg(version::text, ',' order by version) as versions,"
                + " count(*) filter (where valid_until is null) as current from app_secret where app_key = ?", appKey))
                .containsEntry("versions", "2,3").containsEntry("current", 1L);
    }

    @Test
    void resealSealsEverySecretAgainWithTheActiveKey() {
        String appKey = uniqueAppKey("reseal");
        post("/api/v1/apps", designExample(appKey)).statusCode(201);
        // a secret sealed before a key rotation, with the key the test profile lists as previous
        SecretSealer.Sealed old = retiredKeySealer().seal(appKey, "the-old-secret");
        execute("update app_secret set key_id = ?, sealed = ? where app_key = ?", old.keyId(), old.bytes(), appKey);

        given().auth().oauth2(PlatformTokens.admin()).post("/api/v1/shared-secrets/reseal").then().statusCode(200)
                .body("activeKeyId", equalTo(sealer.activeKeyId())).body("resealed", equalTo(1));
        Map<String, Object> stored = query("select key_id, sealed from app_secret where app_key = ?", appKey);
        assertThat(stored).containsEntry("key_id", sealer.activeKeyId());
        assertThat(sealer.open(appKey, new SecretSealer.Sealed(sealer.activeKeyId(), (byte[]) stored.get("sealed"))))
                .isEqualTo("the-old-secret");
    }
}
