package io.rampart.store.probe;

import io.rampart.store.testing.MigratedDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slot's verdict is the app's quorum rule over the locations that probed it (V150): three
 * locations, one of which sees the target down, fail the slot under {@code any} only; two of
 * three down fail it under {@code any} and {@code quorum}, not under {@code all}; a location
 * that probed nothing counts for nothing; a location asked for alone gives its own results.
 */
class ProbeQuorumTest {

    private static final Instant SLOT = Instant.parse("2026-12-01T10:00:00Z");
    private static MigratedDatabase database;

    @BeforeAll
    static void migrate() throws Exception {
        database = MigratedDatabase.start();
    }

    @AfterAll
    static void stop() throws Exception {
        database.close();
    }

    @Test
    void oneOfThreeLocationsDownFailsTheSlotUnderAnyOnly() throws SQLException {
        String app = slotSeenAs("one-down", "SUCCESS", "SUCCESS", "CONNECT");
        assertThat(counts(app, "any", null)).containsExactly(0, 1);
        assertThat(counts(app, "quorum", null)).containsExactly(1, 1);
        assertThat(counts(app, "all", null)).containsExactly(1, 1);
    }

    @Test
    void twoOfThreeLocationsDownFailTheSlotUnderQuorumButNotUnderAll() throws SQLException {
        String app = slotSeenAs("two-down", "SUCCESS", "TIMEOUT", "CONNECT");
        assertThat(counts(app, "any", null)).containsExactly(0, 1);
        assertThat(counts(app, "quorum", null)).containsExactly(0, 1);
        assertThat(counts(app, "all", null)).containsExactly(1, 1);
    }

    @Test
    void aLocationThatProbedNothingCountsForNothingAndOneLocationGivesItsOwnVerdict() throws SQLException {
        // Only two of the three locations probed the slot (the third is gone): one failure of two
        // is no strict majority.
        String app = slotSeenAs("gone", "SUCCESS", "CONNECT");
        assertThat(counts(app, "quorum", null)).containsExactly(1, 1);
        assertThat(counts(app, "quorum", "loc-1")).containsExactly(0, 1);
        assertThat(counts(app, "quorum", "loc-0")).containsExactly(1, 1);
        assertThat(counts(app, "quorum", "loc-2")).containsExactly(0, 0);
    }

    /** An app with one target whose one slot each location (loc-0, loc-1, ...) saw with the given outcome. */
    private static String slotSeenAs(String name, String... outcomes) throws SQLException {
        String app = "com.test." + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection db = database.connect()) {
            try (PreparedStatement insert = db.prepareStatement("insert into app (app_key, name) values (?, ?)")) {
                insert.setString(1, app);
                insert.setString(2, name);
                insert.execute();
            }
            for (int i = 0; i < outcomes.length; i++) {
                try (PreparedStatement insert = db.prepareStatement("insert into probe_result (target_id, app_key,"
                        + " scheduled_at, occurred_at, duration_ms, outcome, status_code, prober, location)"
                        + " values (7, ?, ?, ?, 12, ?, ?, ?, ?)")) {
                    insert.setString(1, app);
                    insert.setTimestamp(2, Timestamp.from(SLOT));
                    insert.setTimestamp(3, Timestamp.from(SLOT.plusMillis(i)));
                    insert.setString(4, outcomes[i]);
                    insert.setObject(5, outcomes[i].equals("SUCCESS") ? 200 : null);
                    insert.setString(6, "replica-" + i);
                    insert.setString(7, "loc-" + i);
                    insert.execute();
                }
            }
        }
        return app;
    }

    /** good and total slots of the app in the hour around the slot, under the rule, from one location or all. */
    private static int[] counts(String app, String quorum, String location) throws SQLException {
        try (Connection db = database.connect()) {
            try (PreparedStatement update = db.prepareStatement("update app set quorum = ? where app_key = ?")) {
                update.setString(1, quorum);
                update.setString(2, app);
                update.execute();
            }
            try (PreparedStatement query = db.prepareStatement("select * from rampart_probe_slot_counts(?, ?, ?, ?, 'http-200')")) {
                query.setString(1, app);
                query.setTimestamp(2, Timestamp.from(SLOT.minusSeconds(1800)));
                query.setTimestamp(3, Timestamp.from(SLOT.plusSeconds(1800)));
                query.setString(4, location);
                try (ResultSet row = query.executeQuery()) {
                    row.next();
                    return new int[] {row.getInt("good"), row.getInt("total")};
                }
            }
        }
    }
}
