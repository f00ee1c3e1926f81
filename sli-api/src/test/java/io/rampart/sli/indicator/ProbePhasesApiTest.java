package io.rampart.sli.indicator;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.execute;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The P90 of each probe phase over a window, read from the phase rollups, against hand-computed values. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProbePhasesApiTest {

    private final Instant base = baseHour();

    @Test
    void eachPhaseIsItsNinetiethPercentileOverTheWindow() {
        String app = registerApp("phases", "prod", "eu");
        long prod = targetId(app, "prod");
        long eu = targetId(app, "eu");
        // Ten probes over two targets and two hours: phase i (1..10) takes i, 10 i, 100 i (https only), 20 i ms.
        for (int i = 1; i <= 10; i++) {
            boolean https = i % 2 == 0;
            probe(app, i <= 5 ? prod : eu, base.plus(i * 7L, ChronoUnit.MINUTES), "SUCCESS", i, 10 * i,
                    https ? 100 * i : null, 20 * i, 1000 + i);
        }
        // A probe made while the prober's own network failed counts for no app, its phases neither.
        probe(app, prod, base.plusSeconds(30), "PROBER_FAULT", 5000, 5000, 5000, 5000, 2999);

        JsonPath answer = phases(app, "from", base.toString(), "to", base.plus(2, ChronoUnit.HOURS).toString());

        // Nearest rank: the 9th of 10 values; of the five TLS handshakes (200..1000) the 5th.
        assertThat(answer.getDouble("quantile")).isEqualTo(0.9);
        assertThat(answer.getLong("probes")).isEqualTo(10);
        assertThat(answer.getDouble("dnsMs")).isEqualTo(9.0);
        assertThat(answer.getDouble("connectMs")).isCloseTo(90.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(answer.getDouble("tlsMs")).isCloseTo(1000.0, org.assertj.core.data.Offset.offset(10.0));
        assertThat(answer.getDouble("firstByteMs")).isCloseTo(180.0, org.assertj.core.data.Offset.offset(2.0));
        assertThat(answer.getDouble("totalMs")).isCloseTo(1009.0, org.assertj.core.data.Offset.offset(10.0));
        // The first hour alone: probes 1..8 (7 to 56 minutes past).
        JsonPath firstHour = phases(app, "from", base.toString(), "to", base.plus(1, ChronoUnit.HOURS).toString());
        assertThat(firstHour.getLong("probes")).isEqualTo(8);
        assertThat(firstHour.getDouble("connectMs")).isCloseTo(80.0, org.assertj.core.data.Offset.offset(1.0));
        // Minute edges come from the raw probes: 10 minutes past to two hours holds probes 2..10.
        JsonPath minuteEdge = phases(app, "from", base.plus(10, ChronoUnit.MINUTES).toString(),
                "to", base.plus(2, ChronoUnit.HOURS).toString());
        assertThat(minuteEdge.getLong("probes")).isEqualTo(9);
        assertThat(minuteEdge.getDouble("dnsMs")).isEqualTo(10.0);
        assertThat(minuteEdge.getDouble("connectMs")).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1.0));
        assertThat(minuteEdge.getDouble("tlsMs")).isCloseTo(1000.0, org.assertj.core.data.Offset.offset(10.0));
        // Minutes alone, the prober's own fault among them: probes 1 and 2 (7 and 14 minutes past).
        JsonPath minutesAlone = phases(app, "from", base.toString(), "to", base.plus(15, ChronoUnit.MINUTES).toString());
        assertThat(minutesAlone.getLong("probes")).isEqualTo(2);
        assertThat(minutesAlone.getDouble("firstByteMs")).isCloseTo(40.0, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void anAppWithoutProbesHasNoPhasesAndBadRequestsAreRefused() {
        String app = registerApp("phases-none", "prod");
        JsonPath answer = phases(app, "window", "1h");
        assertThat(answer.getLong("probes")).isZero();
        assertThat(answer.getString("connectMs")).isNull();

        given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/com.acme.nobody/probe-phases")
                .then().statusCode(404);
        given().auth().oauth2(PlatformTokens.admin()).queryParam("window", "soon")
                .get("/api/v1/apps/" + app + "/probe-phases").then().statusCode(400);
        given().auth().oauth2(PlatformTokens.vendor("com.acme.other")).get("/api/v1/apps/" + app + "/probe-phases")
                .then().statusCode(403);
    }

    private static JsonPath phases(String app, String... query) {
        var request = given().auth().oauth2(PlatformTokens.vendor(app));
        for (int i = 0; i < query.length; i += 2) {
            request = request.queryParam(query[i], query[i + 1]);
        }
        return request.get("/api/v1/apps/" + app + "/probe-phases").then().statusCode(200).extract().jsonPath();
    }

    private static void probe(String app, long target, Instant at, String outcome, int dns, int connect, Integer tls,
            int firstByte, int total) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                        + " status_code, prober, dns_ms, connect_ms, tls_ms, first_byte_ms)"
                        + " values (?, ?, ?, ?, ?, ?, 200, 'test', ?, ?, ?, ?)",
                target, app, Timestamp.from(at), Timestamp.from(at), total, outcome, dns, connect, tls, firstByte);
    }
}
