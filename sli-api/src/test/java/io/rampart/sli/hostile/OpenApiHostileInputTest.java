package io.rampart.sli.hostile;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.export.SliExporter;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.rampart.store.testing.hostile.DatabaseFingerprint;
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
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile input for every operation of sli-api's OpenAPI document (an operation not listed in
 * {@link #CALLERS} fails the test): jqwik requests with exactly one hostile part, each sent with
 * the token the operation needs. Every answer is below 500, a clean JSON refusal (HTML for the
 * status pages) leaking no stack trace, class, SQL error, token or secret; a refused request, and
 * any GET, leaves the database's fingerprint as it was, and only an accepted mutating request whose
 * hostile part is {@link #acceptable} may change it; and the service's log of the run holds no
 * token, secret, stack trace or ERROR line.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class OpenApiHostileInputTest {

    /** About 1 500 hostile requests a run over the 39 operations. */
    private static final int TRIES_PER_OPERATION = Integer.getInteger("hostile.tries", 30);
    private static final String STATUSPAGE_KEY = "sp-key-hostile-0123456789";
    private static final String LABEL = "prod";

    private enum Caller { ADMIN, VENDOR, STATUSPAGE, STATUS_COOKIE, FLEET_COOKIE, NONE }

    /**
     * The tables sli-api's scheduled work writes whatever the requests: the fleet ranking's refresh,
     * alert evaluation and notification delivery, suspected-fault detection, the Statuspage
     * exporter's lease and rollup retention. A request's change shows in the other tables.
     */
    private static final Set<String> BACKGROUND_TABLES = Set.of("fleet_ranking", "alert_incident",
            "notification_delivery", "suspected_platform_fault", "statuspage_lease", "sli_count_minute",
            "sli_count_hour", "sli_count_day", "sli_latency_minute", "sli_latency_hour", "sli_latency_day",
            "probe_phase_hour", "probe_phase_day");

    /** The human pages, whose refusals are HTML pages. */
    private static final String HUMAN_PAGES = "/status/.*|/fleet.*";

    private static final String FLEET_SLIS = "GET /api/v1/fleet/slis";
    private static final String OPENSLO_GET = "GET /api/v1/apps/{appKey}/openslo";
    private static final String OPENSLO_PUT = "PUT /api/v1/apps/{appKey}/openslo";
    /** The YAML body of the OpenSLO PUT, walked as one document in JSON (JSON is YAML). */
    private static final RequestBody OPENSLO_DOCUMENT = new RequestBody("application/json", Schema.object(Map.of(
            "apiVersion", Schema.of("string"), "kind", Schema.of("string"), "metadata", Schema.of("object"),
            "spec", Schema.of("object"))));

    private static final String ADJUSTMENT_POST = "POST /api/v1/adjustments";
    private static final String PROBE_LOCATIONS_PUT = "PUT /api/v1/apps/{appKey}/probe-locations";
    private static final String MAINTENANCE_POST = "POST /api/v1/apps/{appKey}/maintenance";
    /**
     * The adjustment bodies walked with the fields a valid one needs: a generated value for every
     * optional field (a product next to appKeys, a recurrence of word values) would refuse the
     * valid request itself; the optional fields' refusals are in AdjustmentRulesTest.
     */
    private static final RequestBody ADJUSTMENT = new RequestBody("application/json", Schema.object(Map.of(
            "kind", Schema.of("string"), "start", Schema.of("string"), "end", Schema.of("string"),
            "reason", Schema.of("string"), "appKeys", Schema.arrayOf(Schema.of("string")))));
    private static final RequestBody MAINTENANCE = new RequestBody("application/json", Schema.object(Map.of(
            "start", Schema.of("string"), "end", Schema.of("string"), "reason", Schema.of("string"))));

    /** Who calls each operation: every operation of the document must be here. */
    private static final Map<String, Caller> CALLERS = Map.ofEntries(
            Map.entry("GET /api/v1/apps", Caller.ADMIN),
            Map.entry("POST /api/v1/apps", Caller.ADMIN),
            Map.entry("GET /api/v1/apps/{appKey}", Caller.ADMIN),
            Map.entry("PATCH /api/v1/apps/{appKey}", Caller.ADMIN),
            Map.entry("DELETE /api/v1/apps/{appKey}", Caller.ADMIN),
            Map.entry("GET /api/v1/apps/{appKey}/targets", Caller.ADMIN),
            Map.entry("POST /api/v1/apps/{appKey}/targets", Caller.ADMIN),
            Map.entry("DELETE /api/v1/apps/{appKey}/targets/{label}", Caller.ADMIN),
            Map.entry("POST /api/v1/apps/{appKey}/shared-secret/rotate", Caller.ADMIN),
            Map.entry("POST /api/v1/shared-secrets/reseal", Caller.ADMIN),
            Map.entry("GET /api/v1/apps/{appKey}/slis", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/slis/{sliId}/series", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/slis/{sliId}/breakdown", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/failures", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/incidents", Caller.STATUSPAGE),
            Map.entry("GET /api/v1/apps/{appKey}/incidents/{incidentId}", Caller.STATUSPAGE),
            Map.entry("POST /api/v1/apps/{appKey}/incidents/{incidentId}/ack", Caller.VENDOR),
            Map.entry("POST /api/v1/apps/{appKey}/notification-channels/{channelId}/test", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/notification-channels", Caller.VENDOR),
            Map.entry("POST /api/v1/apps/{appKey}/notification-channels", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/notification-channels/{channelId}", Caller.VENDOR),
            Map.entry("PATCH /api/v1/apps/{appKey}/notification-channels/{channelId}", Caller.VENDOR),
            Map.entry("DELETE /api/v1/apps/{appKey}/notification-channels/{channelId}", Caller.VENDOR),
            Map.entry("POST /api/v1/notification-channels/reseal", Caller.ADMIN),
            Map.entry("PUT /api/v1/apps/{appKey}/statuspage", Caller.ADMIN),
            Map.entry("GET /api/v1/apps/{appKey}/statuspage", Caller.ADMIN),
            Map.entry("DELETE /api/v1/apps/{appKey}/statuspage", Caller.ADMIN),
            Map.entry("GET /status/sign-in", Caller.NONE),
            Map.entry("POST /status/sign-in", Caller.NONE),
            Map.entry("POST /status/sign-out", Caller.NONE),
            Map.entry("GET /status/{appKey}", Caller.STATUS_COOKIE),
            Map.entry("GET /api/v1/metrics/slis", Caller.STATUSPAGE),
            Map.entry(FLEET_SLIS, Caller.STATUSPAGE),
            Map.entry("GET /api/v1/fleet/compliance", Caller.STATUSPAGE),
            Map.entry("GET /api/v1/apps/{appKey}/compliance", Caller.VENDOR),
            Map.entry(OPENSLO_GET, Caller.VENDOR),
            Map.entry(OPENSLO_PUT, Caller.ADMIN),
            Map.entry("POST /api/v1/adjustments", Caller.ADMIN),
            Map.entry("GET /api/v1/adjustments", Caller.ADMIN),
            Map.entry("GET /api/v1/adjustments/{id}", Caller.ADMIN),
            Map.entry("DELETE /api/v1/adjustments/{id}", Caller.ADMIN),
            Map.entry("POST /api/v1/apps/{appKey}/maintenance", Caller.VENDOR),
            Map.entry("GET /api/v1/apps/{appKey}/maintenance", Caller.VENDOR),
            Map.entry("DELETE /api/v1/apps/{appKey}/maintenance/{id}", Caller.VENDOR),
            Map.entry("GET /api/v1/suspected-platform-faults", Caller.ADMIN),
            Map.entry("POST /api/v1/suspected-platform-faults/{id}/confirm", Caller.ADMIN),
            Map.entry("POST /api/v1/suspected-platform-faults/{id}/dismiss", Caller.ADMIN),
            Map.entry("GET /api/v1/apps/{appKey}/probe-locations", Caller.VENDOR),
            Map.entry(PROBE_LOCATIONS_PUT, Caller.VENDOR),
            Map.entry("GET /api/v1/probe-locations", Caller.ADMIN),
            Map.entry("GET /api/v1/apps/{appKey}/probe-phases", Caller.VENDOR),
            Map.entry("GET /fleet", Caller.FLEET_COOKIE),
            Map.entry("GET /fleet/compliance.csv", Caller.FLEET_COOKIE));

    /**
     * The hostile parts with which a mutating request may still succeed, besides headers (no
     * operation reads one but Content-Type and the token's): a query parameter the operation does
     * not read is ignored; free text is stored as sent when it is valid Unicode (parameterised SQL,
     * escaped HTML), so an injection attempt is just a name.
     */
    private static final Set<String> ACCEPTED_PARTS = Set.of("undeclared query parameter", "body field name",
            "body field partnerName", "body field apiKey", "body field reason",
            // the OpenSLO indicator's own name, which Rampart does not keep (it writes its own)
            "body field spec.indicator.metadata.name");
    /** The lists that may be empty: no base URL to probe (the default), no product, a channel's every severity. */
    private static final Set<String> MAY_BE_EMPTY = Set.of("body field baseUrls", "body field products",
            "body field severities");
    /**
     * JSON scalars Jackson's default coercions turn into a valid value, alone or as a list's one
     * item: a number as text or as a boolean, "12" as 12, "true" as true; null, and for a number or
     * boolean a string of nothing but what Java's trim() drops (spaces and control characters, NUL
     * included), as absent.
     */
    private static final String COERCED_SCALAR =
            "(\"?(-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false)\"?|null|\"(\\\\u00[01][0-9a-f]| )*\")";
    private static final Pattern COERCED = Pattern.compile(COERCED_SCALAR + "|\\[" + COERCED_SCALAR + "\\]");

    /**
     * A path parameter of "." or ".." (also as %2e): the server resolves dot segments (RFC 3986)
     * before routing, so the request is one of another operation, sent with a valid token.
     */
    private static final Pattern DOT_SEGMENT = Pattern.compile("(?i)/(\\.|%2e){1,2}(/|$)");

    @Inject
    SliExporter exporter;

    /** The body of a webhook channel, as the hostile walk sends it. */
    private static final RequestBody WEBHOOK_CHANNEL = new RequestBody("application/json", Schema.object(Map.of(
            "name", Schema.of("string"), "url", Schema.of("string"), "enabled", Schema.of("boolean"),
            "severities", Schema.arrayOf(Schema.enumOf("page", "ticket")), "reminderEveryHours", Schema.of("integer"),
            "sendResolved", Schema.of("boolean"))));

    private final AtomicInteger sequence = new AtomicInteger();
    private String appKey;
    private String channelId;
    private String incidentId;
    private final List<String> secrets = new ArrayList<>();

    @Test
    void everyOperationOfTheDocumentHasACallerHereAndTheDocumentedGroup() {
        OpenApiOperations operations = OpenApiOperations.ofRunningService();
        assertThat(operations.keys()).containsExactlyInAnyOrderElementsOf(CALLERS.keySet());
        for (Operation operation : operations.all()) {
            Caller caller = CALLERS.get(operation.key());
            if (caller == Caller.NONE || caller == Caller.STATUS_COOKIE || caller == Caller.FLEET_COOKIE) {
                assertThat(operation.groups()).as("groups of %s", operation).isEmpty();
            } else {
                assertThat(operation.groups()).as("groups of %s", operation).contains(caller.name().toLowerCase());
            }
        }
    }

    @Test
    void theValidRequestOfEveryOperationSucceedsSoThatEachRefusalIsTheHostilePartsDoing() {
        Fixture fixture = fixture();
        for (Operation operation : OpenApiOperations.ofRunningService().all()) {
            HostileRequest valid = HostileRequests.valid(operation, fixture);
            Answer answer = valid.send(credentials(operation));
            if (operation.path().endsWith("/{id}") || operation.path().contains("/{id}/")) {
                // No adjustment or suspected fault has the fixture's id: the lookup is reached, and refuses.
                assertThat(answer.status()).as("%s: %s", valid.what(), answer.body()).isEqualTo(404);
            } else {
                assertThat(answer.status()).as("%s: %s", valid.what(), answer.body()).isBetween(200, 303);
            }
            restore();
        }
    }

    @Test
    void everyOperationAnswersHostileInputWithoutA5xxALeakOrAStoredRefusal() {
        Fixture fixture = fixture();
        ServiceLog log = ServiceLog.fromNow();
        new HostileRun("sli-api", fixture, new HostileAnswers(secrets, HUMAN_PAGES, "rampart_status"),
                request -> credentials(request.operation()), BACKGROUND_TABLES)
                .run(OpenApiOperations.ofRunningService().all(), TRIES_PER_OPERATION,
                        request -> request.mutates() && acceptable(request), answer -> {
                            collectSecrets(answer);
                            restore();
                        });
        log.assertNoLeaks(secrets);
    }

    @Test
    void withoutATokenOrWithTheWrongGroupEveryProtectedOperationIsACleanRefusal() {
        Fixture fixture = fixture();
        HostileAnswers answers = new HostileAnswers(secrets, HUMAN_PAGES, "rampart_status");
        DatabaseFingerprint before = DatabaseFingerprint.take(BACKGROUND_TABLES);
        int refusals = 0;
        for (Operation operation : OpenApiOperations.ofRunningService().all()) {
            if (operation.groups().isEmpty()) {
                continue;
            }
            HostileRequest request = HostileRequests.valid(operation, fixture);
            Map<String, Map<String, String>> unauthenticated = Map.of("no token", Map.of(),
                    "an untrusted token", bearer(PlatformTokens.untrusted(Set.of("admin"))));
            Map<String, Map<String, String>> forbidden = Map.of("a host token", bearer(PlatformTokens.host()),
                    "a vendor token of another app", bearer(PlatformTokens.vendor("com.example.other")));
            Map<String, Map<String, String>> callers = new LinkedHashMap<>(unauthenticated);
            callers.putAll(forbidden);
            for (Map.Entry<String, Map<String, String>> caller : callers.entrySet()) {
                Answer answer = request.send(caller.getValue());
                answers.check(request, answer);
                assertThat(answer.status()).as("%s with %s", operation, caller.getKey())
                        .isEqualTo(unauthenticated.containsKey(caller.getKey()) ? 401 : 403);
                assertThat(DatabaseFingerprint.take(BACKGROUND_TABLES)).as("database after %s with %s", operation, caller.getKey()).isEqualTo(before);
                refusals++;
            }
        }
        System.out.printf("sli-api refusals without the right token: %d, all clean%n", refusals);
    }

    /**
     * The findings of the hostile runs, pinned: each was a 500 (the Accept header one after creating
     * the target), but the two JSON documents, which were read as the first and answered 200.
     */
    @Test
    void theFindingsOfTheFirstRunsAreRefusedAs400() {
        fixture();
        DatabaseFingerprint before = DatabaseFingerprint.take(BACKGROUND_TABLES);
        String admin = "Bearer " + PlatformTokens.admin();
        Map<String, String> json = Map.of("Authorization", admin, "Content-Type", "application/json");
        Map<String, String> form = Map.of("Content-Type", "application/x-www-form-urlencoded");
        List<Answer> answers = List.of(
                send("DELETE /api/v1/apps/{appKey}", "/api/v1/apps/a%00b", null, Map.of("Authorization", admin), null),
                send("GET /api/v1/apps/{appKey}/slis", "/api/v1/apps/" + appKey + "/slis", "target=%00",
                        Map.of("Authorization", admin), null),
                send("GET /api/v1/apps/{appKey}/slis", "/api/v1/apps/" + appKey + "/slis", "to=%2B294277-01-01T00:00:00Z",
                        Map.of("Authorization", admin), null),
                send("POST /api/v1/apps/{appKey}/targets", "/api/v1/apps/" + appKey + "/targets", null,
                        Map.of("Authorization", admin, "Content-Type", "application/json", "Accept", "for=\"_gazonk\""),
                        "{\"label\": \"accept\", \"url\": \"https://accept.example\"}"),
                send("POST /status/sign-out", "/status/sign-out", null, form, "app=%zz"),
                send("POST /status/sign-in", "/status/sign-in", null, form, "&".repeat(1001)),
                send("POST /api/v1/apps/{appKey}/notification-channels", "/api/v1/apps/" + appKey + "/notification-channels", null,
                        json, "{\"url\": \"https://hooks.example\", \"name\": \"a\\u0000b\"}"),
                send("POST /api/v1/apps/{appKey}/notification-channels", "/api/v1/apps/" + appKey + "/notification-channels", null,
                        json, "{\"url\": \"https://hooks.example/\\ud800\"}"),
                send("PUT /api/v1/apps/{appKey}/statuspage", "/api/v1/apps/" + appKey + "/statuspage", null, json,
                        "{\"apiBaseUrl\": \"https://statuspage.example/\\udc00\", \"pageId\": \"page1\","
                                + " \"metrics\": {\"availability_success_rate\": \"m1\"}}"),
                send("PATCH /api/v1/apps/{appKey}/notification-channels/{channelId}",
                        "/api/v1/apps/" + appKey + "/notification-channels/" + channelId, null, json, "{\"a\": 1} {\"a\": 2}"),
                // An unpaired surrogate before a non-ASCII character reached the database as bytes it refused.
                send(ADJUSTMENT_POST, "/api/v1/adjustments", null, json, "{\"kind\": \"maintenance\","
                        + " \"start\": \"2026-01-01T00:00:00Z\", \"end\": \"2026-01-01T01:00:00Z\", \"reason\": \"r\","
                        + " \"appKeys\": [\"\\ud800\\u00f7\"]}"));
        List<String> fields = List.of("appKey:", "target:", "to:", "Accept:", "body:", "body:", "name:", "url:", "apiBaseUrl:",
                "body:", "appKeys:");
        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).status()).as("answer %d: %s", i, answers.get(i).body()).isEqualTo(400);
            assertThat(JsonPath.from(answers.get(i).body()).getString("detail")).as("answer %d", i).startsWith(fields.get(i));
        }
        assertThat(DatabaseFingerprint.take(BACKGROUND_TABLES)).isEqualTo(before);
    }

    private static Answer send(String operation, String path, String query, Map<String, String> headers, String body) {
        return HostileRequest.written(OpenApiOperations.ofRunningService().get(operation), path, query, headers, body)
                .send(Map.of());
    }

    /** The app, target, channel and Statuspage configuration every operation's valid request names. */
    private Fixture fixture() {
        // The Prometheus export answers 503 until it has been computed once; the test profile leaves that to tests.
        exporter.refresh().await().indefinitely();
        appKey = uniqueAppKey("hostileapi");
        JsonPath app = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"appKey\": \"" + appKey + "\", \"name\": \"Hostile\", \"baseUrls\": [{\"label\": \"" + LABEL
                        + "\", \"url\": \"https://prod.example\"}]}")
                .post("/api/v1/apps").then().statusCode(201).extract().jsonPath();
        secrets.add(app.getString("sharedSecret"));
        secrets.add(STATUSPAGE_KEY);
        // An open incident, as the alert evaluation would have opened it.
        incidentId = java.util.UUID.randomUUID().toString();
        io.rampart.store.testing.TestApps.execute("insert into alert_incident (id, app_key, rule, severity, metric_name, metric_unit,"
                + " measurement_duration_seconds, sli_value, slo_value, opened_at, updated_at)"
                + " values (?::uuid, ?, 'availability_failed_check_15m', 'page', 'availability_success_rate', '%', 900, 80.0,"
                + " 99.9, now(), now())", incidentId, appKey);
        restore();
        Supplier<Object> fresh = () -> "t" + sequence.incrementAndGet();
        return new Fixture()
                .parameter("appKey", () -> appKey).parameter("channelId", () -> channelId).parameter("label", () -> LABEL)
                .parameter("incidentId", () -> incidentId)
                // no adjustment or suspected fault has this id: the walk refuses (404) and changes nothing
                .parameter("id", () -> "999999999")
                .parameter("sliId", () -> "availability_success_rate").parameter("app", () -> appKey)
                .parameter("token", () -> PlatformTokens.vendor(appKey))
                .field("POST /api/v1/apps", "appKey", () -> uniqueAppKey("hostilevalid"))
                .field("PATCH /api/v1/apps/{appKey}", "appKey", () -> appKey)
                .field("healthcheckPath", () -> "/health").field("checkIntervalSeconds", () -> 60)
                .field("products", () -> List.of("jira")).field("sloOverrides", () -> Map.of("availability_success_rate", 99.5))
                .field("label", fresh).field("url", () -> "https://" + fresh.get() + ".example")
                .field("statusPagePublic", () -> false).field("enabled", () -> true)
                .field("availabilityPolicy", () -> "2xx").field("lifecycleScope", () -> "installed")
                .field("apiBaseUrl", () -> "https://statuspage.example").field("pageId", () -> "page1")
                .field("apiKey", () -> STATUSPAGE_KEY).field("metrics", () -> Map.of("availability_success_rate", "metric1"))
                .body(OPENSLO_PUT, OPENSLO_DOCUMENT).field(OPENSLO_PUT, "apiVersion", () -> "openslo/v1")
                .field(OPENSLO_PUT, "kind", () -> "SLO").field(OPENSLO_PUT, "metadata", () -> Map.of("name", "availability"))
                .field(OPENSLO_PUT, "spec", () -> availabilitySlo(appKey))
                // A webhook channel's fields, and the settings of every type whose every other value
                // is refused (free-text rule ids and quiet hours are checked in ChannelTypesTest).
                .body("POST /api/v1/apps/{appKey}/notification-channels", WEBHOOK_CHANNEL)
                .body("PATCH /api/v1/apps/{appKey}/notification-channels/{channelId}", WEBHOOK_CHANNEL)
                // An admin's maintenance window of this app in the past; the vendor's a week ahead.
                .body(ADJUSTMENT_POST, ADJUSTMENT).field(ADJUSTMENT_POST, "kind", () -> "maintenance")
                .field(ADJUSTMENT_POST, "start", () -> Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).toString())
                .field(ADJUSTMENT_POST, "end", () -> Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MINUTES).toString())
                .field(ADJUSTMENT_POST, "reason", () -> "hostile walk").field(ADJUSTMENT_POST, "appKeys", () -> List.of(appKey))
                .body(MAINTENANCE_POST, MAINTENANCE)
                .field(MAINTENANCE_POST, "start", () -> Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES).toString())
                .field(MAINTENANCE_POST, "end", () -> Instant.now().plus(7, ChronoUnit.DAYS).plus(1, ChronoUnit.HOURS)
                        .truncatedTo(ChronoUnit.MINUTES).toString())
                .field(MAINTENANCE_POST, "reason", () -> "hostile walk")
                // the probe-location PUT's fields, which the app's POST and PATCH take too
                .field("probeLocations", () -> List.of("local")).field("quorum", () -> "quorum");
    }

    /**
     * Whether a mutating request with this hostile part may change the database: a header (a JSON
     * media type with odd parameters is still read as JSON, a media type the operation reads), one of {@link #ACCEPTED_PARTS}, a
     * {@link #DOT_SEGMENT}, a scalar Jackson coerces ({@link #COERCED}), or an empty list that is
     * valid ({@link #MAY_BE_EMPTY}) or a body without the fields where every field is optional, as docs/security.md records.
     */
    private static boolean acceptable(HostileRequest request) {
        return ACCEPTED_PARTS.contains(request.part())
                || request.part().startsWith("path ") && DOT_SEGMENT.matcher(request.path()).find()
                || request.part().startsWith("header ")
                && (!request.part().equals("header Content-Type") || request.value().startsWith("application/json")
                        // the OpenSLO PUT reads YAML sent as plain text too (JSON is YAML)
                        || request.operation().key().equals(OPENSLO_PUT) && request.value().equals("text/plain"))
                || request.part().startsWith("body field ") && COERCED.matcher(request.value()).matches()
                || MAY_BE_EMPTY.contains(request.part()) && request.value().equals("[]")
                // every field of the probe-location PUT is optional, and a field it does not know is
                // ignored: an object without its fields ({}, {"": {}}) asks for the default locations
                || request.operation().key().equals(PROBE_LOCATIONS_PUT) && request.part().equals("body")
                && request.value().startsWith("{");
    }

    /**
     * Puts back what an accepted request may have changed: the app enabled with only its target
     * (a target an accepted request added, say labelled "1.5", would make a later hostile label a
     * valid one), a channel, its Statuspage configuration.
     */
    private void restore() {
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"enabled\": true}")
                .patch("/api/v1/apps/" + appKey).then().statusCode(200);
        for (String label : given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/apps/" + appKey + "/targets")
                .then().statusCode(200).extract().jsonPath().getList("label", String.class)) {
            if (!label.equals(LABEL)) {
                given().auth().oauth2(PlatformTokens.admin()).delete("/api/v1/apps/" + appKey + "/targets/" + label)
                        .then().statusCode(204);
            }
        }
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"label\": \"" + LABEL + "\", \"url\": \"https://prod.example\"}")
                .post("/api/v1/apps/" + appKey + "/targets").then().statusCode(org.hamcrest.Matchers.oneOf(201, 409));
        int channel = channelId == null ? 404 : given().auth().oauth2(PlatformTokens.admin())
                .get("/api/v1/apps/" + appKey + "/notification-channels/" + channelId).then().extract().statusCode();
        if (channel == 404) {
            // On loopback where nothing listens: a test message of the walk is refused at once, nothing leaves the machine.
            JsonPath created = given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                    .body("{\"url\": \"http://127.0.0.1:9/rampart\"}")
                    .post("/api/v1/apps/" + appKey + "/notification-channels").then().statusCode(201).extract().jsonPath();
            channelId = created.getString("id");
            secrets.add(created.getString("signingSecret"));
        }
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON)
                .body("{\"pageId\": \"page1\", \"apiKey\": \"" + STATUSPAGE_KEY + "\", \"metrics\": {\"availability_success_rate\": \"m1\"}}")
                .put("/api/v1/apps/" + appKey + "/statuspage").then().statusCode(200);
    }

    /** Secrets an accepted request made (a new app's, a rotated one): the log must not show them either. */
    private void collectSecrets(Answer answer) {
        if (answer.contentType().startsWith("application/json") && answer.body().startsWith("{")) {
            JsonPath json = JsonPath.from(answer.body());
            for (String field : List.of("sharedSecret", "signingSecret")) {
                if (json.getString(field) != null) {
                    secrets.add(json.getString(field));
                }
            }
        }
    }

    private Map<String, String> credentials(Operation operation) {
        return switch (CALLERS.get(operation.key())) {
            case ADMIN -> bearer(PlatformTokens.admin());
            case VENDOR -> bearer(PlatformTokens.vendor(appKey));
            case STATUSPAGE -> bearer(PlatformTokens.statuspage());
            case STATUS_COOKIE -> Map.of("Cookie", "rampart_status=" + PlatformTokens.vendor(appKey));
            case FLEET_COOKIE -> Map.of("Cookie", "rampart_status=" + PlatformTokens.admin());
            // The status forms are taken only from the service's own pages (a browser's Origin).
            case NONE -> operation.key().startsWith("POST /status/")
                    ? Map.of("Origin", RestAssured.baseURI + ":" + RestAssured.port) : Map.of();
        };
    }

    /** The spec of an OpenSLO document setting availability to its default target (so a PUT stores no override). */
    private static Map<String, Object> availabilitySlo(String appKey) {
        Map<String, Object> source = Map.of("type", "Rampart", "spec",
                Map.of("appKey", appKey, "sli", "availability_success_rate", "count", "good"));
        Map<String, Object> total = Map.of("type", "Rampart", "spec",
                Map.of("appKey", appKey, "sli", "availability_success_rate", "count", "total"));
        return Map.of("service", appKey,
                "indicator", Map.of("metadata", Map.of("name", "availability"), "spec", Map.of("ratioMetric",
                        Map.of("counter", false, "good", Map.of("metricSource", source), "total", Map.of("metricSource", total)))),
                "timeWindow", List.of(Map.of("duration", "28d", "isRolling", true)), "budgetingMethod", "Occurrences",
                "objectives", List.of(Map.of("target", 0.999)));
    }

    private static Map<String, String> bearer(String token) {
        return Map.of("Authorization", "Bearer " + token);
    }
}
