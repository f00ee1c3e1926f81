package io.rampart.ingest.event;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** An item whose eventId is already stored for its app is not stored again; items without one always are. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class EventIdDedupeTest {

    /** The management interface, where the metrics are. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static final String SECRET = "dedupe-secret-0123456789abcdef0123";

    @Inject
    SecretSealer sealer;

    private static String item(String eventId) {
        return "{\"metricsType\": \"SYNTHETIC\", \"status\": \"SUCCESS\", \"durationInMillis\": 5"
                + (eventId == null ? "" : ", \"eventId\": \"" + eventId + "\"") + "}";
    }

    private ValidatableResponse publish(String appKey, String... items) {
        return given().header("Authorization", "JWT " + ConnectTokens.publish(appKey, SECRET))
                .body("[" + String.join(",", items) + "]")
                .when().put(ConnectTokens.publishPath(appKey)).then().statusCode(200);
    }

    @Test
    void anEventIdAlreadyStoredIsCountedOnce() {
        String appKey = TestApps.register(sealer, "dedupe", SECRET);

        publish(appKey, item("run-1"), item("run-2")).body("accepted", equalTo(2)).body("duplicates", equalTo(0));
        publish(appKey, item("run-2"), item("run-3")).body("accepted", equalTo(1)).body("duplicates", equalTo(1));

        assertThat(TestApps.count("select count(*) from app_event where app_key = ? and event_id = 'run-2'", appKey)).isEqualTo(1);
        assertThat(TestApps.events(appKey)).isEqualTo(3);
    }

    @Test
    void aRepeatedEventIdWithinOneRequestIsStoredOnce() {
        String appKey = TestApps.register(sealer, "samebatch", SECRET);
        publish(appKey, item("x"), item("x"), item("x")).body("accepted", equalTo(1)).body("duplicates", equalTo(2));
        assertThat(TestApps.events(appKey)).isEqualTo(1);
    }

    @Test
    void itemsWithoutEventIdAreAllStoredAsVendorsExpect() {
        String appKey = TestApps.register(sealer, "noid", SECRET);
        publish(appKey, item(null), item(null)).body("accepted", equalTo(2));
        publish(appKey, item(null)).body("accepted", equalTo(1));
        assertThat(TestApps.events(appKey)).isEqualTo(3);
    }

    @Test
    void theSameEventIdOfTwoAppsIsStoredForEach() {
        String first = TestApps.register(sealer, "ida", SECRET);
        String second = TestApps.register(sealer, "idb", SECRET);
        publish(first, item("shared")).body("accepted", equalTo(1));
        publish(second, item("shared")).body("accepted", equalTo(1));
        assertThat(TestApps.events(first) + TestApps.events(second)).isEqualTo(2);
    }

    @Test
    void concurrentRequestsWithOneEventIdStoreItOnce() {
        String appKey = TestApps.register(sealer, "race", SECRET);
        List<CompletableFuture<Integer>> accepted = IntStream.range(0, 16)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> publish(appKey, item("contended"))
                        .extract().<Integer>path("accepted")))
                .toList();

        assertThat(accepted.stream().mapToInt(CompletableFuture::join).sum()).isEqualTo(1);
        assertThat(TestApps.events(appKey)).isEqualTo(1);
    }

    @Test
    void hostEventsAreDeduplicatedByEventIdToo() {
        String appKey = TestApps.register(sealer, "hostdedupe", SECRET);
        String event = "{\"type\": \"IFRAME_LOAD\", \"appKey\": \"" + appKey + "\", \"occurredAt\": \"" + Instant.now()
                + "\", \"durationMs\": 800, \"connected\": true, \"eventId\": \"load-1\"}";
        for (int duplicates = 0; duplicates <= 1; duplicates++) {
            given().auth().oauth2(PlatformTokens.host()).body("{\"events\": [" + event + "]}")
                    .when().post("/api/v1/host-events").then().statusCode(200).body("duplicates", equalTo(duplicates));
        }
        assertThat(TestApps.events(appKey)).isEqualTo(1);
    }

    @Test
    void theMetricsCountAcceptedAndDuplicateEvents() {
        String appKey = TestApps.register(sealer, "metrics", SECRET);
        publish(appKey, item("m-1"), item("m-1"));
        given().baseUri("http://localhost").port(management.getPort()).when().get("/q/metrics").then().statusCode(200)
                .body(containsString("rampart_ingest_events_accepted_total{source=\"vendor\"}"))
                .body(containsString("rampart_ingest_events_duplicate_total{source=\"vendor\"}"))
                .body(containsString("rampart_ingest_batch_events_count"))
                .body(containsString("rampart_ingest_commit_duration_seconds_count"))
                .body(containsString("rampart_ingest_queue_events"));
    }
}
