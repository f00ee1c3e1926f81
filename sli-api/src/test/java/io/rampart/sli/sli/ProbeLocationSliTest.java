package io.rampart.sli.sli;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.store.testing.PostgresResource;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static io.rampart.sli.TestData.baseHour;
import static io.rampart.sli.TestData.execute;
import static io.rampart.sli.TestData.registerApp;
import static io.rampart.sli.TestData.targetId;
import static io.rampart.sli.sli.SliAnswers.number;
import static io.rampart.sli.sli.SliAnswers.summary;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Availability of an app probed from three locations: each slot counts once, by the app's
 * quorum rule, and {@code ?location=} narrows the success rate to one location's results.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ProbeLocationSliTest {

    private final Instant base = baseHour();
    private final Instant end = base.plus(1, ChronoUnit.HOURS);

    @Test
    void eachSlotCountsOnceByTheQuorumRuleAndALocationCanBeReadAlone() {
        String app = registerApp("located", "prod");
        long prod = targetId(app, "prod");
        execute("update app set probe_locations = '{east,west,north}' where app_key = ?", app);
        // Slot 1: all three good. Slot 2: north down. Slot 3: west and north down.
        probe(app, prod, base, "east", "SUCCESS");
        probe(app, prod, base, "west", "SUCCESS");
        probe(app, prod, base, "north", "SUCCESS");
        Instant second = base.plusSeconds(60);
        probe(app, prod, second, "east", "SUCCESS");
        probe(app, prod, second, "west", "SUCCESS");
        probe(app, prod, second, "north", "CONNECT");
        Instant third = base.plusSeconds(120);
        probe(app, prod, third, "east", "SUCCESS");
        probe(app, prod, third, "west", "TIMEOUT");
        probe(app, prod, third, "north", "CONNECT");

        assertThat(goodAndTotal(summary(app, base, end))).as("quorum (default)").containsExactly(2L, 3L);
        execute("update app set quorum = 'any' where app_key = ?", app);
        assertThat(goodAndTotal(summary(app, base, end))).as("any").containsExactly(1L, 3L);
        execute("update app set quorum = 'all' where app_key = ?", app);
        assertThat(goodAndTotal(summary(app, base, end))).as("all").containsExactly(3L, 3L);

        assertThat(goodAndTotal(summary(app, base, end, "location", "north"))).containsExactly(1L, 3L);
        assertThat(goodAndTotal(summary(app, base, end, "location", "east"))).containsExactly(3L, 3L);
        assertThat(goodAndTotal(summary(app, base, end, "location", "nowhere"))).containsExactly(0L, 0L);
    }

    private static long[] goodAndTotal(JsonPath answer) {
        return new long[] {number(answer, "availability_success_rate", "good"),
                number(answer, "availability_success_rate", "total")};
    }

    /** One probe result of the slot from one location, as that location's prober replica stores it. */
    private static void probe(String app, long target, Instant slot, String location, String outcome) {
        execute("insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,"
                        + " status_code, prober, location) values (?, ?, ?, ?, 40, ?, ?, ?, ?)",
                target, app, java.sql.Timestamp.from(slot), java.sql.Timestamp.from(slot.plusMillis(5)), outcome,
                outcome.equals("SUCCESS") ? 200 : null, location + "-1", location);
    }
}
