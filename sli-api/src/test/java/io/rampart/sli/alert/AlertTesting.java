package io.rampart.sli.alert;

import io.rampart.store.testing.PlatformTokens;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** What the alert tests do as a user would: channels and incidents over the API, signature checks. */
final class AlertTesting {

    /** A created channel with the signing secret its creation showed. */
    record Channel(String id, String url, String signingSecret) {
    }

    private AlertTesting() {
    }

    static Channel createChannel(String app, String url) {
        JsonPath created = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body(Map.of("name", "ops", "url", url))
                .post("/api/v1/apps/" + app + "/notification-channels").then().statusCode(201).extract().jsonPath();
        return new Channel(created.getString("id"), url, created.getString("signingSecret"));
    }

    static List<Map<String, Object>> incidents(String app) {
        return given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + app + "/incidents")
                .then().statusCode(200).extract().jsonPath().getList("$");
    }

    static Map<String, Object> incident(String app, String rule) {
        return incidents(app).stream().filter(incident -> rule.equals(incident.get("rule"))).findFirst()
                .orElseThrow(() -> new AssertionError("no incident of " + rule + " in " + incidents(app)));
    }

    /** Verifies a signature header as docs/alerts.md tells a vendor to: HMAC-SHA256 of "t.body". */
    static boolean signatureValid(String header, String body, String secret) throws Exception {
        String[] parts = header.split(",");
        String timestamp = parts[0].substring("t=".length());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        return java.security.MessageDigest.isEqual(expected, HexFormat.of().parseHex(parts[1].substring("v1=".length())));
    }
}
