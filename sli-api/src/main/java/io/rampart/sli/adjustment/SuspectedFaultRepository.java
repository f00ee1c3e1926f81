package io.rampart.sli.adjustment;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Every SQL statement on suspected platform faults. */
@ApplicationScoped
public class SuspectedFaultRepository {

    /**
     * Opens the suspected fault of minute $1 when at least $2 apps were probed in it and at least
     * the share $3 of them had a failed probe; once per minute (several replicas at once open one).
     */
    static final String DETECT = """
            with per_app as (
                select app_key, sum(total) as total, sum(good) as good from sli_count_minute
                where bucket = $1 and stream = 'PROBE'
                group by app_key having sum(total) > 0
            ),
            counted as (
                select count(*)::int as apps, (count(*) filter (where good < total))::int as failing,
                       coalesce(array_agg(app_key order by app_key) filter (where good < total), '{}') as failing_apps
                from per_app
            )
            insert into suspected_platform_fault (minute, failing, apps, app_keys)
            select $1, failing, apps, failing_apps from counted
            where apps >= $2 and failing > 0 and failing >= $3::float8 * apps
            on conflict (minute) do nothing
            returning *""";

    /** Suspected faults, newest first; $1 a status or null for all. */
    static final String LIST = """
            select * from suspected_platform_fault where ($1::text is null or status = $1)
            order by minute desc limit 1000""";

    /** Decides an open suspected fault; answers it, or nothing where it was decided already or is unknown. */
    static final String DECIDE = """
            update suspected_platform_fault set status = $2, decided_by = $3, decided_at = now(), adjustment_id = $4
            where id = $1 and status = 'OPEN'
            returning *""";

    /** One suspected fault. */
    static final String GET = "select * from suspected_platform_fault where id = $1";

    private final Pool pool;

    public SuspectedFaultRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<SuspectedFault> detect(Instant minute, int minApps, double share) {
        return pool.preparedQuery(DETECT).execute(Tuple.of(minute.atOffset(ZoneOffset.UTC), minApps, share))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    Uni<List<SuspectedFault>> list(String status) {
        return pool.preparedQuery(LIST).execute(Tuple.of(status)).map(rows -> {
            List<SuspectedFault> found = new ArrayList<>();
            rows.forEach(row -> found.add(view(row)));
            return found;
        });
    }

    Uni<SuspectedFault> get(long id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    Uni<SuspectedFault> decide(long id, SuspectedFaultStatus status, String by, Long adjustmentId) {
        return pool.preparedQuery(DECIDE).execute(Tuple.of(id, status.name(), by, adjustmentId))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    private static SuspectedFault view(Row row) {
        return new SuspectedFault(row.getLong("id"), instant(row, "minute"), row.getInteger("failing"),
                row.getInteger("apps"), Arrays.asList(row.getArrayOfStrings("app_keys")), row.getString("status"),
                instant(row, "opened_at"), row.getString("decided_by"), instant(row, "decided_at"),
                row.getLong("adjustment_id"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
