package io.rampart.sli.fleet;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.TestData;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Programme compliance per month and quarter against hand-computed figures; the CSV is the JSON. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ComplianceTest {

    private static final String LIFECYCLE = "lifecycle_success_rate";

    /** The last whole month, and the three before it. */
    private final YearMonth m0 = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    private final YearMonth m1 = m0.minusMonths(1);
    private final YearMonth m2 = m0.minusMonths(2);
    private final YearMonth m3 = m0.minusMonths(3);
    /** The last whole quarter: its first month. */
    private final YearMonth q0 = firstOfQuarter(YearMonth.now(ZoneOffset.UTC)).minusMonths(3);

    private String prefix;

    private static YearMonth firstOfQuarter(YearMonth month) {
        return month.minusMonths((month.getMonthValue() - 1) % 3);
    }

    private static Instant start(YearMonth month) {
        return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    private static String quarter(YearMonth first) {
        return first.getYear() + "-Q" + ((first.getMonthValue() - 1) / 3 + 1);
    }

    @BeforeEach
    void prefix() {
        prefix = FleetTesting.prefix("compliance");
    }

    /** Registers an app as registered long before the months of the test. */
    private String app(String name) {
        String appKey = FleetTesting.register(prefix, name);
        registeredAt(appKey, start(m3).minus(Duration.ofDays(400)));
        return appKey;
    }

    private static void registeredAt(String appKey, Instant at) {
        TestApps.execute("update app set created_at = ? where app_key = ?", Timestamp.from(at), appKey);
    }

    private static void incident(String appKey, String sli, Instant openedAt) {
        TestApps.execute("insert into alert_incident (id, app_key, rule, severity, metric_name, metric_unit,"
                + " measurement_duration_seconds, status, opened_at, updated_at, resolved_at)"
                + " values (?, ?, ?, 'page', ?, '%', 3600, 'RESOLVED', ?, ?, ?)",
                UUID.randomUUID(), appKey, "rule-" + UUID.randomUUID(), sli, Timestamp.from(openedAt),
                Timestamp.from(openedAt), Timestamp.from(openedAt.plusSeconds(600)));
    }

    /** My apps' rows of a period: "appKey sli" to the row. */
    private Map<String, Map<String, Object>> rows(String query) {
        JsonPath answer = given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/compliance?" + query)
                .then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
        for (Map<String, Object> row : answer.<Map<String, Object>>getList("items")) {
            if (((String) row.get("appKey")).startsWith(prefix)) {
                rows.put(row.get("appKey") + " " + row.get("sli"), row);
            }
        }
        return rows;
    }

    private static void expect(Map<String, Object> row, String attainment, Double value, long good, long total,
            long incidents, int streak) {
        assertThat(row.get("attainment")).as("attainment of %s", row).isEqualTo(attainment);
        if (value == null) {
            assertThat(row.get("value")).isNull();
        } else {
            assertThat(((Number) row.get("value")).doubleValue()).as("value of %s", row).isCloseTo(value, within(1e-4));
        }
        assertThat(((Number) row.get("good")).longValue()).as("good of %s", row).isEqualTo(good);
        assertThat(((Number) row.get("total")).longValue()).as("total of %s", row).isEqualTo(total);
        assertThat(((Number) row.get("incidents")).longValue()).as("incidents of %s", row).isEqualTo(incidents);
        assertThat(row.get("breachStreak")).as("streak of %s", row).isEqualTo(streak);
    }

    @Test
    void aMonthsAttainmentAgainstHandComputedValues() {
        String steady = app("steady");
        FleetTesting.lifecycle(steady, start(m0).plus(Duration.ofDays(3)), 1000, 5);
        FleetTesting.lifecycle(steady, start(m1).plus(Duration.ofDays(3)), 100, 0);

        String streak = app("streak");
        FleetTesting.lifecycle(streak, start(m3).plus(Duration.ofDays(1)), 100, 0);
        for (YearMonth month : List.of(m2, m1, m0)) {
            FleetTesting.lifecycle(streak, start(month).plus(Duration.ofDays(1)), 100, 5);
        }
        incident(streak, LIFECYCLE, start(m0).plus(Duration.ofDays(1)));
        incident(streak, "availability_success_rate", start(m0).plus(Duration.ofDays(2)));
        incident(streak, LIFECYCLE, start(m1).plus(Duration.ofDays(2)));

        // registered in the middle of the month: the bad callbacks before (a former app of the same key) do not count
        String mid = FleetTesting.register(prefix, "mid");
        FleetTesting.lifecycle(mid, start(m0).plus(Duration.ofDays(2)), 50, 50);
        FleetTesting.lifecycle(mid, start(m0).plus(Duration.ofDays(20)), 200, 0);
        registeredAt(mid, start(m0).plus(Duration.ofDays(15)).plusSeconds(45_030));

        String disabled = app("disabled");
        FleetTesting.lifecycle(disabled, start(m0).plus(Duration.ofDays(5)), 10, 0);
        given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body("{\"enabled\": false}")
                .patch("/api/v1/apps/" + disabled).then().statusCode(200);

        String empty = app("empty");

        Map<String, Map<String, Object>> month = rows("period=" + m0);
        expect(month.get(steady + " " + LIFECYCLE), "met", 99.5, 995, 1000, 0, 0);
        expect(month.get(streak + " " + LIFECYCLE), "missed", 95.0, 95, 100, 1, 3);
        expect(month.get(streak + " availability_success_rate"), "no_data", null, 0, 0, 1, 0);
        expect(month.get(mid + " " + LIFECYCLE), "met", 100.0, 200, 200, 0, 0);
        expect(month.get(disabled + " " + LIFECYCLE), "met", 100.0, 10, 10, 0, 0);
        for (String sli : List.of("availability_success_rate", "webhook_delivery_success_rate", LIFECYCLE,
                "iframe_load_success_rate", "iframe_load_success_rate_app_server", "iframe_load_success_rate_effective")) {
            expect(month.get(empty + " " + sli), "no_data", null, 0, 0, 0, 0);
        }
        // the streak counts back from the month asked for; a month before registration has no row
        expect(rows("period=" + m1).get(streak + " " + LIFECYCLE), "missed", 95.0, 95, 100, 1, 2);
        assertThat(rows("period=" + m1)).doesNotContainKey(mid + " " + LIFECYCLE);

        // one app's history, month by month, for its vendor too
        JsonPath history = given().auth().oauth2(PlatformTokens.vendor(streak))
                .get("/api/v1/apps/" + streak + "/compliance?from=" + m3 + "&to=" + m0).then().statusCode(200)
                .extract().jsonPath();
        assertThat(history.getList("months.period")).containsExactly(m3.toString(), m2.toString(), m1.toString(), m0.toString());
        List<Object> attainments = new ArrayList<>();
        List<Object> streaks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Map<String, Object> row = history.<Map<String, Object>>getList("months[" + i + "].items").stream()
                    .filter(item -> item.get("sli").equals(LIFECYCLE)).findFirst().orElseThrow();
            attainments.add(row.get("attainment"));
            streaks.add(row.get("breachStreak"));
        }
        assertThat(attainments).containsExactly("met", "missed", "missed", "missed");
        assertThat(streaks).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aQuartersAttainmentAgainstHandComputedValues() {
        String quarterly = app("quarterly");
        int[] bad = {0, 10, 0};
        for (int i = 0; i < 3; i++) {
            FleetTesting.lifecycle(quarterly, start(q0.plusMonths(i)).plus(Duration.ofDays(1)), 100, bad[i]);
        }
        FleetTesting.lifecycle(quarterly, start(q0.minusMonths(2)), 100, 5);
        Map<String, Map<String, Object>> quarter = rows("period=" + quarter(q0));
        expect(quarter.get(quarterly + " " + LIFECYCLE), "missed", 100.0 * 290 / 300, 290, 300, 0, 2);
    }

    @Test
    void csvParsesAndEqualsTheJson() {
        String steady = app("csv-steady");
        FleetTesting.lifecycle(steady, start(m0).plus(Duration.ofDays(3)), 1000, 5);
        String failing = app("csv-failing");
        FleetTesting.lifecycle(failing, start(m0).plus(Duration.ofDays(3)), 100, 7);
        incident(failing, LIFECYCLE, start(m0).plus(Duration.ofDays(3)));

        Map<String, Map<String, Object>> json = rows("period=" + m0);
        for (String csv : List.of(
                given().auth().oauth2(PlatformTokens.admin()).get("/api/v1/fleet/compliance?format=csv&period=" + m0)
                        .then().statusCode(200).contentType("text/csv").extract().asString(),
                given().auth().oauth2(PlatformTokens.statuspage()).accept("text/csv")
                        .get("/api/v1/fleet/compliance?period=" + m0).then().statusCode(200).extract().asString())) {
            List<List<String>> records = Rfc4180.parse(csv);
            assertThat(records.get(0)).containsExactly("app_key", "sli", "target", "value", "good", "total", "attainment",
                    "incidents", "breach_streak");
            Map<String, Map<String, Object>> parsed = new LinkedHashMap<>();
            for (List<String> record : records.subList(1, records.size())) {
                assertThat(record).hasSize(9);
                if (record.get(0).startsWith(prefix)) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("appKey", record.get(0));
                    row.put("sli", record.get(1));
                    row.put("target", Double.parseDouble(record.get(2)));
                    row.put("value", record.get(3).isEmpty() ? null : Double.parseDouble(record.get(3)));
                    row.put("good", Long.parseLong(record.get(4)));
                    row.put("total", Long.parseLong(record.get(5)));
                    row.put("attainment", record.get(6));
                    row.put("incidents", Long.parseLong(record.get(7)));
                    row.put("breachStreak", Integer.parseInt(record.get(8)));
                    parsed.put(record.get(0) + " " + record.get(1), row);
                }
            }
            assertThat(parsed.keySet()).containsExactlyElementsOf(json.keySet());
            json.forEach((key, row) -> {
                Map<String, Object> other = parsed.get(key);
                assertThat(other.get("attainment")).isEqualTo(row.get("attainment"));
                assertThat(other.get("good")).isEqualTo(((Number) row.get("good")).longValue());
                assertThat(other.get("total")).isEqualTo(((Number) row.get("total")).longValue());
                assertThat((Double) other.get("target")).isCloseTo(((Number) row.get("target")).doubleValue(), within(1e-4));
                if (row.get("value") == null) {
                    assertThat(other.get("value")).isNull();
                } else {
                    assertThat((Double) other.get("value")).isCloseTo(((Number) row.get("value")).doubleValue(), within(1e-4));
                }
                assertThat(other.get("incidents")).isEqualTo(((Number) row.get("incidents")).longValue());
                assertThat(other.get("breachStreak")).isEqualTo(row.get("breachStreak"));
            });
        }
        expect(json.get(failing + " " + LIFECYCLE), "missed", 93.0, 93, 100, 1, 1);
    }
}
