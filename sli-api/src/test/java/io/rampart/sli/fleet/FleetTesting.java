package io.rampart.sli.fleet;

import io.rampart.sli.TestData;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.TestApps;
import io.restassured.http.ContentType;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Apps of one test under a prefix of their own (the test database is shared by the JVM), and their traffic in bulk. */
final class FleetTesting {

    private FleetTesting() {
    }

    /** A key prefix no other test uses. */
    static String prefix(String name) {
        return "fleet-" + name + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    /** Registers {@code prefix + name} with one probe target labelled prod. */
    static String register(String prefix, String name) {
        String appKey = prefix + name;
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"appKey\":\"" + appKey + "\",\"name\":\"" + name + "\",\"products\":[\"jira\"],"
                        + "\"baseUrls\":[{\"label\":\"prod\",\"url\":\"https://prod.example\"}]}")
                .post("/api/v1/apps").then().statusCode(201);
        return appKey;
    }

    /** Lifecycle callbacks as ingest stores them, one a second from {@code start}: the first {@code bad} answered 500, the rest 200. */
    static void lifecycle(String appKey, Instant start, int total, int bad) {
        TestApps.execute("insert into app_event (app_key, kind, occurred_at, duration_ms, status_code, lifecycle)"
                + " select ?, 'LIFECYCLE', ?::timestamptz + i * interval '1 second', 100 + i % 50,"
                + " case when i < ? then 500 else 200 end, 'INSTALLED' from generate_series(0, ? - 1) as i",
                appKey, Timestamp.from(start), bad, total);
    }

    /** Probes as the prober stores them, one a second from {@code start}: the first {@code failed} answered 503, the rest 200. */
    static void probes(String appKey, Instant start, int total, int failed) {
        long target = TestApps.targetId(appKey, "prod");
        TestApps.execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                + " status_code, prober) select ?, ?, at, at, 50 + i % 200,"
                + " case when i < ? then 'HTTP_STATUS' else 'SUCCESS' end, case when i < ? then 503 else 200 end, 'test'"
                + " from generate_series(0, ? - 1) as i, lateral (select ?::timestamptz + i * interval '1 second' as at) as t",
                target, appKey, failed, failed, total, Timestamp.from(start));
    }
}
