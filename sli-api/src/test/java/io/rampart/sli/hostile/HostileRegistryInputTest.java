package io.rampart.sli.hostile;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.rampart.sli.TestData.query;
import static io.rampart.sli.TestData.uniqueAppKey;
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
    private static final List<String> LEAKS = List.of("Exception", "\tat ", "java.", "io.rampart", "org.jboss", "io.vertx",
            "com.fasterxml", "Caused by", "SQLSTATE", "ERROR:", "sharedSecret", "eyJ");
    /** Non-ASCII escaped as backslash-u, so that unpaired surrogates reach the server as a client may send them. */
    private static final JsonMapper ESCAPING = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private static final List<String> INJECTIONS = List.of("' OR '1'='1", "'; drop table app; --", "\" or 1=1 --",
            "1; select pg_sleep(5)", "') union select * from app_secret --", "\r\nX-Injected: 1",
            "x\r\nSet-Cookie: rampart=stolen", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>", "../../etc/passwd");
    private static final List<String> UNICODE_EDGES = List.of("\u0000", "a\u0000b", "\ud800", "x\udc00y", "tail\ud83d",
            "\u202eevil", "\ud83d\ude80", "\ufeffkey", "ＡＰＰ", "\u2028", "\u00a0");

    /** A valid request of DESIGN.md's shape, with every field the OpenAPI document declares. */
    private static ObjectNode validApp(String appKey) {
        ObjectNode app = JsonNodeFactory.instance.objectNode().put("appKey", appKey).put("name", "Timesheets")
                .put("partnerName", "Acme").put("healthcheckPath", "/health").put("checkIntervalSeconds", 60)
                .put("statusPagePublic", false).put("enabled", true);
        app.putArray("baseUrls").addObject().put("label", "prod").put("url", "https://acme.example");
        app.putArray("products").add("jira");
        app.putObject("sloOverrides").put("availability_success_rate", 99.5);
        return app;
    }

    /** A field name and a raw JSON value the contract refuses there. */
    private record Mutation(String field, String json) {
    }

    private static Arbitrary<Mutation> mutations() {
        return Arbitraries.oneOf(
                invalid("appKey", Arbitraries.oneOf(structured(), text(INJECTIONS), text(UNICODE_EDGES), overlong(256))),
                invalid("name", Arbitraries.oneOf(structured(), overlong(256), text(List.of("", "   ", "\u0000", "a\u0000b",
                        "\ud800", "x\udc00y")))),
                invalid("partnerName", Arbitraries.oneOf(structured(), text(List.of("\u0000", "a\u0000b", "\ud800", "x\udc00y")))),
                invalid("healthcheckPath", Arbitraries.oneOf(structured(), text(INJECTIONS), overlong(2049).map(s -> "\"/" + s.substring(1)),
                        text(List.of("health", "/\u0000", "/a\ud800")))),
                invalid("checkIntervalSeconds", Arbitraries.oneOf(structured(), hugeNumbers(),
                        Arbitraries.of("0", "-1", "86401", "2147483648", "\"abc\""))),
                invalid("baseUrls", Arbitraries.oneOf(Arbitraries.of("\"https://acme.example\"", "{}", "[null]",
                        "[{\"label\": \"prod\"}]", "[{\"url\": \"https://a.example\"}]"), badBaseUrls(), tooManyBaseUrls())),
                invalid("products", Arbitraries.oneOf(Arbitraries.of("\"jira\"", "{}", "[null]", "[\"JIRA\"]", "[[\"jira\"]]"),
                        text(INJECTIONS).map(s -> "[" + s + "]"), text(UNICODE_EDGES).map(s -> "[" + s + "]"))),
                invalid("sloOverrides", Arbitraries.oneOf(Arbitraries.of("[]", "\"availability_success_rate\"", "{\"availability_success_rate\": 0}",
                        "{\"availability_success_rate\": 100}", "{\"availability_success_rate\": -1}", "{\"availability_success_rate\": 1e400}",
                        "{\"availability_success_rate\": \"NaN\"}", "{\"availability_latency\": 50}", "{\"availability_success_rate\": {}}"),
                        text(INJECTIONS).map(s -> "{" + s + ": 99}"))),
                invalid("statusPagePublic", Arbitraries.oneOf(structured(), Arbitraries.of("\"yes\"", "\"maybe\""))),
                invalid("enabled", Arbitraries.oneOf(structured(), Arbitraries.of("\"no\"", "\"off\""))));
    }

    private static Arbitrary<Mutation> invalid(String field, Arbitrary<String> values) {
        return values.map(json -> new Mutation(field, json));
    }

    /** Objects and arrays nested 1 to 3000 deep (Jackson refuses more than 1000). */
    private static Arbitrary<String> structured() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(1, 3000))
                .as((arrays, depth) -> arrays ? "[".repeat(depth) + "]".repeat(depth)
                        : "{\"a\": ".repeat(depth) + "1" + "}".repeat(depth));
    }

    private static Arbitrary<String> hugeNumbers() {
        return Combinators.combine(Arbitraries.of("", "-"), Arbitraries.integers().between(11, 1200))
                .as((sign, digits) -> sign + "9" + "0".repeat(digits - 1));
    }

    private static Arbitrary<String> text(List<String> texts) {
        return Arbitraries.of(texts).map(HostileRegistryInputTest::quote);
    }

    /** At least {@code minimum} characters of random unicode, up to 300 000. */
    private static Arbitrary<String> overlong(int minimum) {
        return Combinators.combine(Arbitraries.strings().all().ofLength(8), Arbitraries.integers().between(minimum, 300_000))
                .as((unit, length) -> quote("x" + unit.repeat(length / 8 + 1)));
    }

    private static Arbitrary<String> badBaseUrls() {
        Arbitrary<String> urls = Arbitraries.of("javascript:alert(1)", "file:///etc/passwd", "ftp://acme.example",
                "https://user:pw@acme.example", "https://acme.example/?q=1", "https://acme.example/#x", "http://[::1",
                "https:///nohost", "//acme.example", "https://acme.example/\u0000", "\r\nX-Injected: 1");
        Arbitrary<String> labels = Arbitraries.oneOf(Arbitraries.of(INJECTIONS), Arbitraries.of(UNICODE_EDGES),
                Arbitraries.just("l".repeat(65)));
        return Arbitraries.oneOf(urls.map(url -> "[{\"label\": \"prod\", \"url\": " + quote(url) + "}]"),
                labels.map(label -> "[{\"label\": " + quote(label) + ", \"url\": \"https://acme.example\"}]"),
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

    private static String quote(String text) {
        try {
            return ESCAPING.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
        JsonPath openApi = given().queryParam("format", "json").when().get("/q/openapi").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Object> declared = openApi.getMap("components.schemas.AppRequest.properties");
        List<String> fields = new ArrayList<>();
        validApp("x").fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactlyInAnyOrderElementsOf(declared.keySet());

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
            String what = mutation.field() + " = " + (mutation.json().length() <= 80 ? mutation.json()
                    : mutation.json().substring(0, 80) + "... (" + mutation.json().length() + " characters)");
            Response answer = create(body(appKey, mutation));
            String text = answer.asString();
            assertThat(answer.statusCode()).as("status for %s: %s", what, text).isBetween(400, 499);
            assertThat(answer.contentType()).as("content type for %s", what).startsWith("application/json");
            JsonPath json = answer.jsonPath();
            assertThat(json.getString("error")).as("error for %s: %s", what, text).isNotBlank();
            assertThat(json.getString("detail")).as("detail for %s: %s", what, text).isNotBlank();
            assertThat(text).as("answer to %s", what).doesNotContain(LEAKS);
            assertThat(answer.headers().hasHeaderWithName("X-Injected")).as("injected header for %s", what).isFalse();
            assertThat(appRows(appKey)).as("app rows after %s", what).isZero();
            refused[0]++;
        });
        assertThat(count("select count(*) as n from app")).as("apps created by hostile requests").isEqualTo(appsBefore);
        assertThat(count("select count(*) as n from app_secret")).as("secrets created").isEqualTo(secretsBefore);
        // The count for issue 9's closing note (hostile inputs tried, 5xx seen).
        System.out.printf("hostile registry inputs tried: %d, refused with a 4xx: %d, 5xx: 0%n", TRIES, refused[0]);
    }

    /** The findings of the first run, pinned: NUL answered 500, a wrong type answered outside the error contract. */
    @Test
    void nulInTextAndAWrongTypeAreRefusedAs400WithTheErrorContract() {
        String nulInName = uniqueAppKey("hostilenul");
        create(body(nulInName, new Mutation("partnerName", quote("a\u0000b")))).then().statusCode(400)
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
