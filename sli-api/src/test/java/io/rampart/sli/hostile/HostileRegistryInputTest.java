package io.rampart.sli.hostile;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.hostile.HostileAnswers;
import io.rampart.store.testing.hostile.HostileRequest.Answer;
import io.rampart.store.testing.hostile.HostileValues;
import io.rampart.store.testing.hostile.OpenApiOperations;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.rampart.store.testing.TestApps.query;
import static io.rampart.store.testing.TestApps.uniqueAppKey;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * Property-based hostile input for the registry's {@code POST /api/v1/apps}, sent with an admin
 * token: every try is a 4xx JSON error that leaks nothing, and no app (nor secret) row appears.
 * The fields are those the OpenAPI document declares for the request (a new one fails the test).
 *
 * <p>Only values the contract certainly refuses are generated. Jackson's default coercions accept
 * some wrong types (the number 5 as the string "5", "60" as 60, 1.5 as 1), so wrong types here are
 * objects and arrays for scalars and scalars for lists and maps. jqwik's {@code sampleStream()} runs
 * inside a Jupiter test because jqwik's own engine would not start the Quarkus application.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostileRegistryInputTest {

    private static final int TRIES = 200;
    /** Stack frames, classes, SQL errors, JWTs; and no refusal names the secret's field. */
    private static final HostileAnswers ANSWERS = new HostileAnswers(List.of("sharedSecret"), null, null);
    /** Injections that are no path (a health check path starting with / is valid whatever follows). */
    private static final List<String> INJECTIONS = HostileValues.INJECTIONS.stream().filter(text -> !text.startsWith("/")).toList();

    /** A valid request of DESIGN.md's shape, with every field the OpenAPI document declares. */
    private static ObjectNode validApp(String appKey) {
        ObjectNode app = JsonNodeFactory.instance.objectNode().put("appKey", appKey).put("name", "Timesheets")
                .put("partnerName", "Acme").put("healthcheckPath", "/health").put("checkIntervalSeconds", 60)
                .put("statusPagePublic", false).put("enabled", true).put("syntheticStaleAfterMinutes", 120)
                .put("availabilityPolicy", "2xx").put("lifecycleScope", "all").put("quorum", "all");
        app.putArray("baseUrls").addObject().put("label", "prod").put("url", "https://acme.example");
        app.putArray("products").add("jira");
        app.putArray("probeLocations").add("eu-west").add("us-east");
        app.putObject("sloOverrides").put("availability_success_rate", 99.5);
        return app;
    }

    /** A field name and a raw JSON value the contract refuses there. */
    private record Mutation(String field, String json) {
    }

    private static Arbitrary<Mutation> mutations() {
        return Arbitraries.oneOf(
                invalid("appKey", Arbitraries.oneOf(structured(), text(INJECTIONS), text(HostileValues.UNICODE_EDGES), overlong(256))),
                invalid("name", Arbitraries.oneOf(structured(), overlong(256), text(List.of("", "   ")),
                        text(HostileValues.UNSTORABLE_TEXT))),
                invalid("partnerName", Arbitraries.oneOf(structured(), text(HostileValues.UNSTORABLE_TEXT))),
                invalid("healthcheckPath", Arbitraries.oneOf(structured(), text(INJECTIONS), overlong(2049).map(s -> "\"/" + s.substring(1)),
                        text(List.of("health", "/\u0000", "/a\ud800")))),
                invalid("checkIntervalSeconds", Arbitraries.oneOf(structured(), hugeNumbers(),
                        Arbitraries.of("0", "-1", "86401", "2147483648", "\"abc\""))),
                invalid("baseUrls", Arbitraries.oneOf(Arbitraries.of("\"https://acme.example\"", "{}", "[null]",
                        "[{\"label\": \"prod\"}]", "[{\"url\": \"https://a.example\"}]"), badBaseUrls(), tooManyBaseUrls())),
                invalid("products", Arbitraries.oneOf(Arbitraries.of("\"jira\"", "{}", "[null]", "[\"JIRA\"]", "[[\"jira\"]]"),
                        text(INJECTIONS).map(s -> "[" + s + "]"), text(HostileValues.UNICODE_EDGES).map(s -> "[" + s + "]"))),
                invalid("sloOverrides", Arbitraries.oneOf(Arbitraries.of("[]", "\"availability_success_rate\"", "{\"availability_success_rate\": 0}",
                        "{\"availability_success_rate\": 100}", "{\"availability_success_rate\": -1}", "{\"availability_success_rate\": 1e400}",
                        "{\"availability_success_rate\": \"NaN\"}", "{\"availability_latency\": 50}", "{\"availability_success_rate\": {}}"),
                        text(INJECTIONS).map(s -> "{" + s + ": 99}"))),
                invalid("statusPagePublic", Arbitraries.oneOf(structured(), Arbitraries.of("\"yes\"", "\"maybe\""))),
                invalid("enabled", Arbitraries.oneOf(structured(), Arbitraries.of("\"no\"", "\"off\""))),
                invalid("probeLocations", Arbitraries.oneOf(Arbitraries.of("[]", "\"eu-west\"", "{}", "[null]",
                        "[\"eu-west\", \"eu-west\"]", "[\"eu west\"]", "[[\"eu-west\"]]", tooManyLocations()),
                        text(INJECTIONS).map(s -> "[" + s + "]"), text(HostileValues.UNICODE_EDGES).map(s -> "[" + s + "]"))),
                invalid("quorum", Arbitraries.oneOf(structured(), text(INJECTIONS),
                        Arbitraries.of("\"most\"", "\"ANY\"", "\"\"", "\"default\""))));
    }

    /** 17 distinct names: one more than an app may be probed from. */
    private static String tooManyLocations() {
        StringBuilder names = new StringBuilder("[");
        for (int i = 0; i < 17; i++) {
            names.append(i == 0 ? "" : ",").append("\"l").append(i).append('"');
        }
        return names.append(']').toString();
    }

    private static Arbitrary<Mutation> invalid(String field, Arbitrary<String> values) {
        return values.map(json -> new Mutation(field, json));
    }

    /** Objects and arrays nested 1 to 3000 deep (Jackson refuses more than 1000). */
    private static Arbitrary<String> structured() {
        return HostileValues.nested(1, 3000);
    }

    private static Arbitrary<String> hugeNumbers() {
        return HostileValues.hugeIntegers();
    }

    private static Arbitrary<String> text(List<String> texts) {
        return Arbitraries.of(texts).map(HostileValues::quote);
    }

    /** At least {@code minimum} characters of random unicode, up to 300 000. */
    private static Arbitrary<String> overlong(int minimum) {
        return HostileValues.overlong(minimum, 300_000).map(HostileValues::quote);
    }

    private static Arbitrary<String> badBaseUrls() {
        Arbitrary<String> urls = Arbitraries.of("javascript:alert(1)", "file:///etc/passwd", "ftp://acme.example",
                "https://user:pw@acme.example", "https://acme.example/?q=1", "https://acme.example/#x", "http://[::1",
                "https:///nohost", "//acme.example", "https://acme.example/\u0000", "\r\nX-Injected: 1");
        Arbitrary<String> labels = Arbitraries.oneOf(Arbitraries.of(INJECTIONS), Arbitraries.of(HostileValues.UNICODE_EDGES),
                Arbitraries.just("l".repeat(65)));
        return Arbitraries.oneOf(urls.map(url -> "[{\"label\": \"prod\", \"url\": " + HostileValues.quote(url) + "}]"),
                labels.map(label -> "[{\"label\": " + HostileValues.quote(label) + ", \"url\": \"https://acme.example\"}]"),
                Arbitraries.just("[{\"label\": \"a\", \"url\": \"https://a.example\"}, {\"label\": \"a\", \"url\": \"https://b.example\"}]"));
    }

    private static Arbitrary<String> tooManyBaseUrls() {
        return Arbitraries.integers().between(51, 500).map(count -> {
            StringBuilder urls = new StringBuilder("[");
            for (int i = 0; i < count; i++) {
                urls.append(i == 0 ? "" : ",").append("{\"label\": \"t").append(i).append("\", \"url\": \"https://t")
                        .append(i).append(".example\"}");
            }
            return urls.append(']').toString();
        });
    }

    private static String body(String appKey, Mutation mutation) {
        ObjectNode app = validApp(appKey);
        app.putRawValue(mutation.field(), new RawValue(mutation.json()));
        return app.toString();
    }

    private static Response create(String body) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(body).when().post("/api/v1/apps");
    }

    @Test
    void theTemplateCoversEveryFieldTheOpenApiDocumentDeclaresAndIsCreated() {
        Set<String> declared = OpenApiOperations.ofRunningService().get("POST /api/v1/apps").body().orElseThrow().schema()
                .properties().keySet();
        List<String> fields = new ArrayList<>();
        validApp("x").fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrderElementsOf(declared);

        String appKey = uniqueAppKey("hostiletemplate");
        create(validApp(appKey).toString()).then().statusCode(201);
        assertThat(appRows(appKey)).isEqualTo(1);
    }

    @Test
    void hostileAppRegistrationsAreRefusedAndCreateNothing() {
        long appsBefore = count("select count(*) as n from app");
        long secretsBefore = count("select count(*) as n from app_secret");
        int[] refused = new int[1];
        mutations().sampleStream().limit(TRIES).forEach(mutation -> {
            String appKey = uniqueAppKey("hostile");
            String what = mutation.field() + " = " + HostileValues.abbreviate(mutation.json());
            Answer answer = Answer.of(create(body(appKey, mutation)));
            assertThat(answer.status()).as("status for %s: %s", what, answer.body()).isBetween(400, 499);
            ANSWERS.check(what, "/api/v1/apps", answer);
            assertThat(appRows(appKey)).as("app rows after %s", what).isZero();
            refused[0]++;
        });
        assertThat(count("select count(*) as n from app")).as("apps created by hostile requests").isEqualTo(appsBefore);
        assertThat(count("select count(*) as n from app_secret")).as("secrets created").isEqualTo(secretsBefore);
        // The count docs/security.md records (hostile inputs tried, 5xx seen).
        System.out.printf("hostile registry inputs tried: %d, refused with a 4xx: %d, 5xx: 0%n", TRIES, refused[0]);
    }

    /** The findings of the first run, pinned: NUL answered 500, a wrong type answered outside the error contract. */
    @Test
    void nulInTextAndAWrongTypeAreRefusedAs400WithTheErrorContract() {
        String nulInName = uniqueAppKey("hostilenul");
        create(body(nulInName, new Mutation("partnerName", HostileValues.quote("a\u0000b")))).then().statusCode(400)
                .body("error", equalTo("bad_request"))
                .body("detail", startsWith("partnerName:"));
        String wrongType = uniqueAppKey("hostiletype");
        create(body(wrongType, new Mutation("statusPagePublic", "\"yes\""))).then().statusCode(400)
                .body("error", equalTo("bad_request"))
                .body("detail", equalTo("statusPagePublic: not of the expected type"));
        assertThat(appRows(nulInName) + appRows(wrongType)).isZero();
    }

    private static long appRows(String appKey) {
        return ((Number) query("select count(*) as n from app where app_key = ?", appKey).get("n")).longValue();
    }

    private static long count(String sql) {
        return ((Number) query(sql).get("n")).longValue();
    }
}
