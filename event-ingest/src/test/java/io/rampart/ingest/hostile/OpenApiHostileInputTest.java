package io.rampart.ingest.hostile;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.publisher.connect.CanonicalRequest;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.rampart.store.testing.hostile.Fixture;
import io.rampart.store.testing.hostile.HostileAnswers;
import io.rampart.store.testing.hostile.HostileRequest;
import io.rampart.store.testing.hostile.HostileRequest.Answer;
import io.rampart.store.testing.hostile.HostileRequests;
import io.rampart.store.testing.hostile.HostileRun;
import io.rampart.store.testing.hostile.OpenApiOperations;
import io.rampart.store.testing.hostile.OpenApiOperations.Operation;
import io.rampart.store.testing.hostile.OpenApiOperations.RequestBody;
import io.rampart.store.testing.hostile.OpenApiOperations.Schema;
import io.rampart.store.testing.hostile.ServiceLog;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input for every operation of event-ingest's OpenAPI document (an operation not listed in
 * {@link #credentials} fails the test), with the request bodies of docs/ingest.md (the document
 * declares them as raw bytes). Publishing carries a valid Connect JWT computed for the hostile
 * request's own query string, host events a host token. Every answer is below 500 and leaks
 * nothing; a refused request leaves the database's fingerprint as it was, and only an accepted one
 * whose hostile part is {@link #acceptable} may change it ({@link HostileRun}); the log of the run holds no token,
 * secret or stack trace.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OpenApiHostileInputTest {

    private static final int TRIES_PER_OPERATION = 300;
    private static final String SECRET = "hostile-openapi-secret-0123456789";
    private static final String PUBLISH = "PUT /rest/atlassian-connect/latest/addons-metrics/{appKey}/publish";
    private static final String HOST_EVENTS = "POST /api/v1/host-events";
    private static final String HOST_AGGREGATES = "POST /api/v1/host-aggregates";
    private static final Schema TIME = Schema.string("date-time");
    private static final Schema TEXT = Schema.of("string");
    private static final Schema WHOLE = Schema.of("integer");

    /** The body of docs/ingest.md for each operation. */
    private static final Map<String, RequestBody> BODIES = Map.of(
            HOST_AGGREGATES, new RequestBody("application/json", Schema.object(Map.of("aggregates", Schema.arrayOf(
                    Schema.object(properties("appKey", TEXT, "minute", TIME,
                            "type", Schema.enumOf("IFRAME_LOAD", "LIFECYCLE", "WEBHOOK"), "idempotencyKey", TEXT,
                            "outcomes", Schema.arrayOf(Schema.object(properties("product", Schema.enumOf("jira", "confluence"),
                                    "statusCode", WHOLE, "errorKind", Schema.enumOf("DNS", "CONNECT", "TLS", "TIMEOUT"),
                                    "result", Schema.enumOf("connected", "late", "never"), "count", WHOLE))),
                            "latency", Schema.object(properties("bins", Schema.arrayOf(WHOLE),
                                    "counts", Schema.arrayOf(WHOLE))))))))),
            PUBLISH, new RequestBody("application/json", Schema.arrayOf(Schema.object(properties(
                    "metricsType", Schema.enumOf("IFRAME", "SYNTHETIC"), "status", Schema.enumOf("SUCCESS", "FAIL"),
                    "durationInMillis", WHOLE, "timestamp", TIME, "eventId", TEXT, "checkName", TEXT)))),
            HOST_EVENTS, new RequestBody("application/json", Schema.object(Map.of("events", Schema.arrayOf(Schema.object(
                    properties("type", Schema.enumOf("IFRAME_LOAD", "LIFECYCLE", "WEBHOOK"), "appKey", TEXT,
                            "occurredAt", TIME, "durationMs", WHOLE, "eventId", TEXT, "connected", Schema.of("boolean"),
                            "lifecycle", Schema.enumOf("installed", "updated", "uninstalled", "enabled", "disabled"),
                            "statusCode", WHOLE, "product", Schema.enumOf("jira", "confluence"), "event", TEXT,
                            "queueMs", WHOLE, "errorKind", Schema.enumOf("DNS", "CONNECT", "TLS", "TIMEOUT"),
                            "site", TEXT)))))));

    /** How each operation is authenticated: every operation of the document must be here. */
    private final Map<String, Function<HostileRequest, Map<String, String>>> credentials = Map.of(
            PUBLISH, request -> Map.of("Authorization", "JWT " + connectToken(request)),
            HOST_EVENTS, request -> Map.of("Authorization", "Bearer " + PlatformTokens.host()),
            HOST_AGGREGATES, request -> Map.of("Authorization", "Bearer " + PlatformTokens.host()));

    /**
     * Hostile parts with which a request may still store its events, besides any header (the service
     * takes any content type and reads no other header): a query parameter it ignores (signed by the
     * Connect JWT like any other), and free text that is valid Unicode of at most 255 characters.
     */
    private static final Set<String> ACCEPTED_PARTS = Set.of("undeclared query parameter", "body field [0].eventId",
            "body field [0].checkName", "body field events[0].eventId", "body field events[0].event",
            "body field aggregates[0].idempotencyKey", "body field events[0].site");
    /** Optional fields, for which null reads as absent. */
    private static final Set<String> OPTIONAL = Set.of("body field [0].durationInMillis", "body field [0].timestamp",
            "body field [0].eventId", "body field [0].checkName", "body field events[0].eventId", "body field events[0].queueMs",
            "body field events[0].site");

    @Inject
    SecretSealer sealer;

    private String appKey;

    private static boolean acceptable(HostileRequest request) {
        return request.part().startsWith("header ") || ACCEPTED_PARTS.contains(request.part())
                || OPTIONAL.contains(request.part()) && request.value().equals("null");
    }

    private static Map<String, Schema> properties(Object... nameAndSchema) {
        Map<String, Schema> properties = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSchema.length; i += 2) {
            properties.put((String) nameAndSchema[i], (Schema) nameAndSchema[i + 1]);
        }
        return properties;
    }

    @Test
    void everyOperationOfTheDocumentIsCoveredHere() {
        assertThat(OpenApiOperations.ofRunningService().keys()).containsExactlyInAnyOrderElementsOf(credentials.keySet());
    }

    @Test
    void theValidRequestOfEveryOperationStoresItsEvent() {
        Fixture fixture = fixture();
        for (Operation operation : OpenApiOperations.ofRunningService().all()) {
            HostileRequest valid = HostileRequests.valid(operation, fixture);
            Answer answer = valid.send(credentials.get(operation.key()).apply(valid));
            assertThat(answer.status()).as("%s: %s", valid.what(), answer.body()).isEqualTo(200);
        }
        assertThat(TestApps.events(appKey)).isEqualTo(2);
    }

    @Test
    void everyOperationAnswersHostileInputWithoutA5xxALeakOrAStoredRefusal() {
        Fixture fixture = fixture();
        ServiceLog log = ServiceLog.fromNow();
        new HostileRun("event-ingest", fixture, new HostileAnswers(List.of(SECRET), null, null),
                request -> credentials.get(request.operation().key()).apply(request), Set.of())
                .run(OpenApiOperations.ofRunningService().all(), TRIES_PER_OPERATION, OpenApiHostileInputTest::acceptable,
                        answer -> {
                        });
        log.assertNoLeaks(List.of(SECRET));
    }

    /** The findings of the walk, pinned: a NUL in the app key was a 503, the others answers outside the error contract. */
    @Test
    void theFindingsOfTheWalkAreRefusedWithTheErrorContract() {
        Fixture fixture = fixture();
        Operation publish = OpenApiOperations.ofRunningService().get(PUBLISH);
        HostileRequest valid = HostileRequests.valid(publish, fixture);
        long eventsBefore = TestApps.events(appKey);
        Map<String, String> json = Map.of("Content-Type", "application/json");
        Map<HostileRequest, String> errors = Map.of(
                // Signed by the fixture app for this very request: another app's valid token on this path.
                HostileRequest.written(publish, "/rest/atlassian-connect/latest/addons-metrics/a%00b/publish", null, json, "[]"),
                "forbidden",
                HostileRequest.written(publish, "/rest/atlassian-connect/latest/addons-metrics/./publish", null, json, "[]"),
                "not_found",
                HostileRequest.written(publish, valid.path(), null,
                        Map.of("Content-Type", "application/json", "Accept", "for=\"_gazonk\""),
                        new String(valid.body(), StandardCharsets.UTF_8)), "not_acceptable");
        errors.forEach((request, error) -> {
            Answer answer = request.send(credentials.get(PUBLISH).apply(request));
            assertThat(answer.contentType()).as("%s: %s", request.path(), answer.body()).startsWith("application/json");
            assertThat(JsonPath.from(answer.body()).getString("error")).as(request.path()).isEqualTo(error);
        });
        assertThat(TestApps.events(appKey)).isEqualTo(eventsBefore);
    }

    /** The app every valid request names, and valid values of docs/ingest.md for the bodies' fields. */
    private Fixture fixture() {
        appKey = TestApps.register(sealer, "hostileopenapi", SECRET);
        Fixture fixture = new Fixture().parameter("appKey", () -> appKey)
                .field("eventId", () -> UUID.randomUUID().toString()).field("appKey", () -> appKey)
                .field("durationInMillis", () -> 1500).field("durationMs", () -> 120)
                .field("events", () -> List.of(hostItem()))
                .field("aggregates", () -> List.of(aggregateItem()));
        BODIES.forEach(fixture::body);
        return fixture;
    }

    /** A valid WEBHOOK host event, the type with the most fields; the generator makes each of them hostile in turn. */
    private Map<String, Object> hostItem() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("type", "WEBHOOK");
        item.put("appKey", appKey);
        item.put("occurredAt", Instant.now().minus(1, ChronoUnit.HOURS).toString());
        item.put("durationMs", 120);
        item.put("eventId", UUID.randomUUID().toString());
        item.put("product", "jira");
        item.put("event", "jira:issue_created");
        item.put("queueMs", 40);
        item.put("statusCode", 200);
        item.put("site", "https://customer.example");
        return item;
    }

    /** A valid aggregate of webhook deliveries (the type with the most fields), a fresh idempotency key each time. */
    private Map<String, Object> aggregateItem() {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("appKey", appKey);
        item.put("minute", Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).toString());
        item.put("type", "WEBHOOK");
        item.put("idempotencyKey", UUID.randomUUID().toString());
        item.put("outcomes", List.of(Map.of("product", "jira", "statusCode", 200, "count", 3)));
        item.put("latency", Map.of("bins", List.of(240, 250), "counts", List.of(1, 2)));
        return item;
    }

    /** A Connect JWT of the fixture app for exactly this request: its qsh covers the hostile path and query. */
    private String connectToken(HostileRequest request) {
        String qsh = CanonicalRequest.hash("PUT", request.path(), request.decodedQuery());
        return ConnectTokens.sign(ConnectTokens.validClaims(appKey, qsh), AlgorithmIdentifiers.HMAC_SHA256,
                new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)));
    }
}
