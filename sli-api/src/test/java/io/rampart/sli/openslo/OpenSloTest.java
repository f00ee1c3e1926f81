package io.rampart.sli.openslo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.rampart.sli.TestData.registerApp;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** OpenSLO documents of an app's SLOs: what GET answers, what PUT keeps, what it refuses. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OpenSloTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    private static String get(String appKey) {
        return given().auth().oauth2(PlatformTokens.admin()).accept("application/yaml")
                .get("/api/v1/apps/" + appKey + "/openslo").then().statusCode(200)
                .contentType(containsString("application/yaml")).extract().asString();
    }

    private static ValidatableResponse put(String appKey, String yaml) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType("application/yaml").accept("application/yaml")
                .body(yaml.getBytes(StandardCharsets.UTF_8)).put("/api/v1/apps/" + appKey + "/openslo").then();
    }

    private static List<JsonNode> documents(String yaml) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml).forEachRemaining(documents::add);
        return documents;
    }

    private static String yaml(List<JsonNode> documents) throws Exception {
        StringBuilder text = new StringBuilder();
        for (JsonNode document : documents) {
            text.append(YAML.writeValueAsString(document));
        }
        return text.toString();
    }

    @Test
    void theDefaultsAreOneRatioSloPerSliOverRolling28DaysAndTheDocumentRoundTrips() throws Exception {
        String appKey = registerApp("openslo");

        String yaml = get(appKey);
        List<JsonNode> slos = documents(yaml);

        assertThat(slos).extracting(slo -> slo.at("/metadata/annotations/rampart.io~1sli").asText()).containsExactly(
                "availability_success_rate", "iframe_load_success_rate", "iframe_load_success_rate_app_server",
                "iframe_load_success_rate_effective", "lifecycle_success_rate", "webhook_delivery_success_rate");
        assertThat(slos).allSatisfy(slo -> {
            assertThat(slo.path("apiVersion").asText()).isEqualTo("openslo/v1");
            assertThat(slo.path("kind").asText()).isEqualTo("SLO");
            assertThat(slo.at("/spec/service").asText()).isEqualTo(appKey);
            assertThat(slo.at("/spec/budgetingMethod").asText()).isEqualTo("Occurrences");
            assertThat(slo.at("/spec/timeWindow/0/duration").asText()).isEqualTo("28d");
            assertThat(slo.at("/spec/timeWindow/0/isRolling").asBoolean()).isTrue();
            assertThat(slo.at("/spec/indicator/spec/ratioMetric/good/metricSource/spec/count").asText()).isEqualTo("good");
            assertThat(slo.at("/spec/indicator/spec/ratioMetric/total/metricSource/spec/count").asText()).isEqualTo("total");
        });
        assertThat(slos.get(0).at("/spec/objectives/0/target").decimalValue()).isEqualByComparingTo("0.999");
        assertThat(slos.get(5).at("/spec/objectives/0/target").decimalValue()).isEqualByComparingTo("0.99");

        put(appKey, yaml).statusCode(200).body(equalTo(yaml));
        assertThat(get(appKey)).isEqualTo(yaml);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200)
                .body("sloOverrides", equalTo(Map.of()));
    }

    @Test
    void aPutSetsTheTargetsTheSliAnswersUseAndALeftOutSloGoesBackToTheDefault() throws Exception {
        String appKey = registerApp("openslo-set");
        List<JsonNode> slos = documents(get(appKey));
        ((ObjectNode) slos.get(0).at("/spec/objectives/0")).put("target", 0.995);
        ObjectNode synthetic = slos.get(0).deepCopy();
        for (String count : List.of("good", "total")) {
            ((ObjectNode) synthetic.at("/spec/indicator/spec/ratioMetric/" + count + "/metricSource/spec"))
                    .put("sli", "synthetic_check_success_rate_app_server");
        }
        ((ObjectNode) synthetic.at("/spec/objectives/0")).remove("target");
        ((ObjectNode) synthetic.at("/spec/objectives/0")).put("targetPercent", 95);
        slos.add(synthetic);
        slos.remove(5);

        put(appKey, yaml(slos)).statusCode(200);

        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey).then().statusCode(200)
                .body("sloOverrides", equalTo(Map.of("availability_success_rate", 99.5f,
                        "synthetic_check_success_rate_app_server", 95.0f)));
        given().auth().oauth2(PlatformTokens.admin()).queryParam("window", "28d").get("/api/v1/apps/" + appKey + "/slis")
                .then().statusCode(200)
                .body("slis.find { it.id == 'availability_success_rate' }.slo.target", equalTo(99.5f))
                .body("slis.find { it.id == 'synthetic_check_success_rate_app_server' }.slo.target", equalTo(95.0f))
                .body("slis.find { it.id == 'webhook_delivery_success_rate' }.slo.target", equalTo(99.0f));
        List<JsonNode> after = documents(get(appKey));
        assertThat(after).hasSize(7);
        assertThat(after.get(0).at("/spec/objectives/0/target").decimalValue()).isEqualByComparingTo("0.995");
        assertThat(after.get(6).at("/spec/objectives/0/target").decimalValue()).isEqualByComparingTo("0.95");
    }

    @Test
    void whatRampartCannotExpressIsRefusedNamingTheField() throws Exception {
        String appKey = registerApp("openslo-refused");
        String valid = get(appKey);
        Map<String, Consumer<ObjectNode>> changes = Map.ofEntries(
                Map.entry("documents[0].spec.budgetingMethod", slo -> ((ObjectNode) slo.get("spec")).put("budgetingMethod", "Timeslices")),
                Map.entry("documents[0].spec.timeWindow[0].duration", slo -> ((ObjectNode) slo.at("/spec/timeWindow/0")).put("duration", "7d")),
                Map.entry("documents[0].spec.timeWindow[0].isRolling", slo -> ((ObjectNode) slo.at("/spec/timeWindow/0")).put("isRolling", false)),
                Map.entry("documents[0].spec.objectives", slo -> ((ArrayNode) slo.at("/spec/objectives"))
                        .addObject().put("target", 0.9)),
                Map.entry("documents[0].spec.objectives[0].target", slo -> ((ObjectNode) slo.at("/spec/objectives/0")).put("target", 1.5)),
                Map.entry("documents[0].spec.objectives[0].timeSliceTarget", slo -> ((ObjectNode) slo.at("/spec/objectives/0"))
                        .put("timeSliceTarget", 0.9)),
                Map.entry("documents[0].spec.indicator.spec.ratioMetric", slo -> ((ObjectNode) slo.at("/spec/indicator/spec"))
                        .removeAll().putObject("thresholdMetric")),
                Map.entry("documents[0].spec.indicator.spec.ratioMetric.good.metricSource.spec.sli",
                        slo -> ((ObjectNode) slo.at("/spec/indicator/spec/ratioMetric/good/metricSource/spec")).put("sli", "webhook_latency")),
                Map.entry("documents[0].spec.service", slo -> ((ObjectNode) slo.get("spec")).put("service", "com.other.app")),
                Map.entry("documents[0].kind", slo -> slo.put("kind", "SLI")),
                Map.entry("documents[0].spec.alertPolicies", slo -> ((ObjectNode) slo.get("spec")).putArray("alertPolicies").add("page")));
        for (Map.Entry<String, Consumer<ObjectNode>> change : changes.entrySet()) {
            List<JsonNode> slos = documents(valid);
            change.getValue().accept((ObjectNode) slos.get(0));

            put(appKey, yaml(slos)).statusCode(400).body("error", equalTo("bad_request"))
                    .body("detail", startsWith(change.getKey() + ":"));
        }
        put(appKey, "apiVersion: [unclosed").statusCode(400).body("detail", startsWith("body:"));
        assertThat(get(appKey)).isEqualTo(valid);
    }

    @Test
    void vendorsReadTheirAppsDocumentAndOnlyAdminsSetIt() {
        String appKey = registerApp("openslo-vendor");
        given().auth().oauth2(PlatformTokens.vendor(appKey)).get("/api/v1/apps/" + appKey + "/openslo").then().statusCode(200);
        given().auth().oauth2(PlatformTokens.vendor("com.other.app")).get("/api/v1/apps/" + appKey + "/openslo")
                .then().statusCode(403);
        given().auth().oauth2(PlatformTokens.vendor(appKey)).contentType("application/yaml")
                .body(get(appKey).getBytes(StandardCharsets.UTF_8))
                .put("/api/v1/apps/" + appKey + "/openslo").then().statusCode(403);
        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/com.nobody.here/openslo").then().statusCode(404);
    }
}
