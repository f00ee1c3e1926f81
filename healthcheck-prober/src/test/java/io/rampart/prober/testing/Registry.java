package io.rampart.prober.testing;

import io.rampart.store.testing.TestApps;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The apps of one test, made with the store's {@link TestApps}, and reads of what the prober
 * stored and scheduled. Closing it disables the apps it made, so that the next test's replicas
 * probe only that test's targets.
 */
public final class Registry implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final Pool pool;
    private final List<String> apps = new ArrayList<>();

    public Registry(Pool pool) {
        this.pool = pool;
    }

    /** A one-row view of probe_result. */
    public record StoredResult(long targetId, Instant scheduledAt, Instant occurredAt, int durationMs,
                               String outcome, Integer statusCode, String prober, String location) {
    }

    /** A new enabled app with a unique key and health check path /health, disabled again on {@link #close()}. */
    public String app(String name, int intervalSeconds) {
        String appKey = TestApps.app(name).name(name).checkIntervalSeconds(intervalSeconds).register();
        apps.add(appKey);
        return appKey;
    }

    /**
     * The app's good and total probe slots among the probes started in [from, to), by its quorum
     * rule, or one location's alone, under the availability policy 2xx: the database's definition
     * (V150, V175) that availability counts.
     */
    public long[] slotCounts(String appKey, Instant from, Instant to, String location) {
        Row row = pool.preparedQuery("select good, total from rampart_probe_slot_counts($1, $2, $3, $4, '2xx')")
                .execute(Tuple.of(appKey, from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), location))
                .await().atMost(WAIT).iterator().next();
        return new long[] {row.getLong("good"), row.getLong("total")};
    }

    /** The locations the prober's schedule holds rows of for the app's targets. */
    public List<String> scheduledLocations(String appKey) {
        List<String> locations = new ArrayList<>();
        for (Row row : pool.preparedQuery("select distinct s.location from probe_schedule s"
                + " join healthcheck_target t on t.id = s.target_id where t.app_key = $1 order by 1")
                .execute(Tuple.of(appKey)).await().atMost(WAIT)) {
            locations.add(row.getString("location"));
        }
        return locations;
    }

    /** Forgets the replicas of every location but the test profile's own, so that other tests do not schedule them. */
    public void forgetOtherLocations() {
        pool.query("delete from prober_replica where location <> 'local'").execute().await().atMost(WAIT);
        pool.query("delete from probe_schedule where location <> 'local'").execute().await().atMost(WAIT);
    }

    /** The next slot of each of the app's targets in the prober's schedule. */
    public List<Instant> nextSlots(String appKey) {
        List<Instant> slots = new ArrayList<>();
        for (Row row : pool.preparedQuery("select s.next_due_at from probe_schedule s"
                + " join healthcheck_target t on t.id = s.target_id where t.app_key = $1")
                .execute(Tuple.of(appKey)).await().atMost(WAIT)) {
            slots.add(row.getOffsetDateTime("next_due_at").toInstant());
        }
        return slots;
    }

    /** Everything stored for the app, by target and slot. */
    public List<StoredResult> results(String appKey) {
        List<StoredResult> results = new ArrayList<>();
        for (Row row : pool.preparedQuery("select * from probe_result where app_key = $1"
                + " order by target_id, scheduled_at").execute(Tuple.of(appKey)).await().atMost(WAIT)) {
            results.add(new StoredResult(row.getLong("target_id"), row.getOffsetDateTime("scheduled_at").toInstant(),
                    row.getOffsetDateTime("occurred_at").toInstant(), row.getInteger("duration_ms"),
                    row.getString("outcome"), row.getInteger("status_code"), row.getString("prober"),
                    row.getString("location")));
        }
        return results;
    }

    @Override
    public void close() {
        pool.preparedQuery("update app set enabled = false where app_key = any($1)")
                .execute(Tuple.of(apps.toArray(String[]::new))).await().atMost(WAIT);
    }
}
