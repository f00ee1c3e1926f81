package io.rampart.ingest.hostile;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.ingest.hostile.HostileItems.Field;
import io.rampart.ingest.hostile.HostileItems.Hostile;
import io.rampart.ingest.hostile.HostileItems.Kind;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.rampart.store.testing.hostile.HostileAnswers;
import io.rampart.store.testing.hostile.HostileRequest.Answer;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Property-based hostile input for the public endpoints of event-ingest, sent with a valid token so
 * that it reaches validation: every try is refused with a 4xx JSON error that leaks nothing, and
 * stores nothing (each hostile item follows a valid one, which all-or-nothing must not keep).
 *
 * <p>The cases come from jqwik's {@code sampleStream()} inside Jupiter tests: jqwik's own engine
 * does not run Quarkus' Jupiter extension, so an {@code @Property} method would see no application.
 * The request bodies are raw bytes in the OpenAPI document, so the fields are those of docs/ingest.md.
 * {@code OpenApiHostileInputTest} walks the document's operations with malformed bodies, hostile
 * paths, queries and headers, and values that may be valid.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostileIngestInputTest {

    private static final int TRIES = 200;
    private static final String SECRET = "hostile-secret-0123456789abcdef";
    private static final String PUBLISH = "/rest/atlassian-connect/latest/addons-metrics/{appKey}/publish";
    private static final String HOST_EVENTS = "/api/v1/host-events";
    /** What an answer must never show: stack frames, exception classes, SQL errors, JWTs, the app's secret. */
    private static final HostileAnswers ANSWERS = new HostileAnswers(List.of(SECRET), null, null);

    @Inject
    SecretSealer sealer;

    private static List<Field> vendorItem() {
        return List.of(new Field("metricsType", Kind.CHOICE, "\"SYNTHETIC\""), new Field("status", Kind.CHOICE, "\"FAIL\""),
                new Field("durationInMillis", Kind.INT, "1500"),
                new Field("timestamp", Kind.TIME, "\"" + Instant.now().minus(1, ChronoUnit.HOURS) + "\""),
                new Field("eventId", Kind.TEXT, "\"run-1\""), new Field("checkName", Kind.TEXT, "\"login\""));
    }

    private static List<Field> hostItem(String appKey, String type) {
        List<Field> common = List.of(new Field("type", Kind.CHOICE, "\"" + type + "\""),
                new Field("appKey", Kind.APP_KEY, "\"" + appKey + "\""),
                new Field("occurredAt", Kind.TIME, "\"" + Instant.now().minus(1, ChronoUnit.HOURS) + "\""),
                new Field("durationMs", Kind.INT, "120"), new Field("eventId", Kind.TEXT, "\"" + type + "-1\""));
        List<Field> own = switch (type) {
            case "IFRAME_LOAD" -> List.of(new Field("connected", Kind.BOOL, "true"));
            case "LIFECYCLE" -> List.of(new Field("lifecycle", Kind.CHOICE, "\"installed\""),
                    new Field("statusCode", Kind.INT, "204"));
            default -> List.of(new Field("product", Kind.CHOICE, "\"jira\""), new Field("event", Kind.TEXT, "\"jira:issue_created\""),
                    new Field("queueMs", Kind.INT, "40"), new Field("errorKind", Kind.CHOICE, "\"TIMEOUT\""));
        };
        return Stream.concat(common.stream(), own.stream()).toList();
    }

    private static Response publish(String appKey, String contentType, byte[] body) {
        return given().header("Authorization", "JWT " + ConnectTokens.publish(appKey, SECRET))
                .contentType(contentType).body(body).when().put(ConnectTokens.publishPath(appKey));
    }

    private static Response hostEvents(String contentType, byte[] body) {
        return given().auth().oauth2(PlatformTokens.host()).contentType(contentType).body(body).when().post(HOST_EVENTS);
    }

    @Test
    void theValidTemplatesAreStoredSoEveryRefusalBelowIsTheHostileFieldsDoing() {
        String appKey = TestApps.register(sealer, "hostiletemplate", SECRET);
        publish(appKey, "application/json", ("[" + HostileItems.json(vendorItem()) + "]").getBytes(StandardCharsets.UTF_8))
                .then().statusCode(200);
        for (String type : List.of("IFRAME_LOAD", "LIFECYCLE", "WEBHOOK")) {
            hostEvents("application/json", ("{\"events\": [" + HostileItems.json(hostItem(appKey, type)) + "]}")
                    .getBytes(StandardCharsets.UTF_8)).then().statusCode(200);
        }
        assertThat(TestApps.events(appKey)).isEqualTo(4);
    }

    @Test
    void hostileMetricItemsAreRefusedAndStoreNothing() {
        String appKey = TestApps.register(sealer, "hostilevendor", SECRET);
        String valid = HostileItems.json(vendorItem());
        sendAll(HostileItems.of(vendorItem()), PUBLISH, hostile -> publish(appKey, contentTypes().sample(),
                ("[" + valid + ", " + hostile.itemJson() + "]").getBytes(StandardCharsets.UTF_8)), Hostile::what, appKey);
    }

    @Test
    void hostileHostEventsAreRefusedAndStoreNothing() {
        String appKey = TestApps.register(sealer, "hostilehost", SECRET);
        Arbitrary<String[]> cases = Arbitraries.of("IFRAME_LOAD", "LIFECYCLE", "WEBHOOK").flatMap(type ->
                HostileItems.of(hostItem(appKey, type)).map(hostile -> new String[] {
                        HostileItems.json(hostItem(appKey, "IFRAME_LOAD")), hostile.itemJson(), type + ": " + hostile.what()}));
        sendAll(cases, HOST_EVENTS, c -> hostEvents(contentTypes().sample(), ("{\"events\": [" + c[0] + ", " + c[1] + "]}")
                        .getBytes(StandardCharsets.UTF_8)), c -> c[2], appKey);
    }

    /** The findings of the first run, pinned: they were answered 503, stored as '?', or answered 500. */
    @Test
    void nulAndUnpairedSurrogatesInTextAndNestingBeyondTheParserLimitAreRefusedAs400() {
        String appKey = TestApps.register(sealer, "hostilefindings", SECRET);
        // JSON escapes, as a client sends them: NUL, a lone low and a lone high surrogate.
        for (String text : List.of("run\\u0000id", "x\\udc00y", "tail\\ud83d")) {
            publish(appKey, "application/json", ("[{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\", \"eventId\": \""
                    + text + "\"}]").getBytes(StandardCharsets.UTF_8)).then().statusCode(400)
                    .body("error", equalTo("invalid_item")).body("field", equalTo("eventId"));
        }
        String deep = "[".repeat(1500) + "]".repeat(1500);
        hostEvents("application/json", ("{\"events\": " + deep + "}").getBytes(StandardCharsets.UTF_8)).then().statusCode(400)
                .body("error", equalTo("invalid_body"));
        assertThat(TestApps.events(appKey)).isZero();
    }

    /**
     * The endpoints take any content type; hostile ones must not change the answer. (RestAssured
     * cannot send raw bytes as a form, so application/x-www-form-urlencoded is not among them.)
     */
    private static Arbitrary<String> contentTypes() {
        return Arbitraries.of("application/json", "application/json; charset=utf-16", "text/plain",
                "application/xml");
    }

    /** Sends {@value #TRIES} samples; each must be a clean 4xx JSON error ({@link HostileAnswers}) and store no event. */
    private static <T> void sendAll(Arbitrary<T> cases, String path, Function<T, Response> send, Function<T, String> describe,
            String appKey) {
        int[] refused = new int[1];
        cases.sampleStream().limit(TRIES).forEach(hostile -> {
            String what = describe.apply(hostile);
            Answer answer = Answer.of(send.apply(hostile));
            assertThat(answer.status()).as("status for %s: %s", what, answer.body()).isBetween(400, 499);
            ANSWERS.check(what, path, answer);
            assertThat(TestApps.events(appKey)).as("events stored after %s", what).isZero();
            refused[0]++;
        });
        // The count docs/security.md records (hostile inputs tried, 5xx seen).
        System.out.printf("hostile items tried: %d, refused with a 4xx: %d, 5xx: 0%n", TRIES, refused[0]);
    }
}
