package io.rampart.sli.indicator;

import io.rampart.store.testing.PlatformTokens;
import io.restassured.path.json.JsonPath;

import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Reads SLI answers as an admin and picks entries out of them. */
final class SliAnswers {

    private SliAnswers() {
    }

    /** The summary over [from, to) with extra query parameters given as name, value pairs. */
    static JsonPath summary(String appKey, Instant from, Instant to, String... parameters) {
        var request = given().auth().oauth2(PlatformTokens.admin())
                .queryParam("from", from.toString()).queryParam("to", to.toString());
        for (int i = 0; i < parameters.length; i += 2) {
            request.queryParam(parameters[i], parameters[i + 1]);
        }
        return request.get("/api/v1/apps/" + appKey + "/slis").then().statusCode(200).extract().jsonPath();
    }

    /** The entry of one SLI in a summary. */
    static Map<String, Object> sli(JsonPath summary, String id) {
        return summary.getMap("slis.find { it.id == '" + id + "' }");
    }

    static Double value(JsonPath summary, String id) {
        Object value = sli(summary, id).get("value");
        return value == null ? null : ((Number) value).doubleValue();
    }

    static long number(JsonPath summary, String id, String field) {
        return ((Number) sli(summary, id).get(field)).longValue();
    }
}
