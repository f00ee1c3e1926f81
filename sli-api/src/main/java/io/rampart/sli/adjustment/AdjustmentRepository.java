package io.rampart.sli.adjustment;

import io.rampart.sli.replica.ReadPool;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Every SQL statement on adjustments. */
@ApplicationScoped
public class AdjustmentRepository {

    /** A new adjustment, answered whole. */
    static final String INSERT = """
            insert into adjustment (kind, app_keys, product, starts_at, ends_at, slis, targets, reason, reference,
                                    recurrence_zone, recurrence_until, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            returning *""";

    /** One adjustment, withdrawn or not. */
    static final String GET = "select * from adjustment where id = $1";

    /**
     * Adjustments (withdrawn ones too: the history) that cover the app if given and overlap
     * [$3, $4) if given, a recurring one from its first start on; newest first.
     */
    static final String LIST = """
            select * from adjustment
            where ($1::text is null or $1 = any(app_keys) or app_keys is null and product is null
                   or product = any(select lower(p) from app, unnest(app.products) as p where app.app_key = $1))
              and ($2::text is null or kind = $2)
              and ($4::timestamptz is null or starts_at < $4)
              and ($3::timestamptz is null or ends_at > $3 or recurrence_zone is not null
                   and (recurrence_until is null or recurrence_until > $3 - (ends_at - starts_at) - interval '1 hour'))
            order by starts_at desc, id desc
            limit 1000""";

    /**
     * The active adjustments that cover each of the apps $1 and may overlap [$2, $3) (recurrences
     * are expanded by the caller), with the ids of the app's targets they name: the adjustments
     * that may overlap are found first, then matched to the apps (one app, or the fleet's thousands).
     */
    static final String APPLICABLE = """
            with overlapping as materialized (
                select * from adjustment a
                where a.withdrawn_at is null and a.starts_at < $3
                  and (a.ends_at > $2 or a.recurrence_zone is not null
                       and (a.recurrence_until is null or a.recurrence_until > $2 - (a.ends_at - a.starts_at) - interval '1 hour'))
            )
            select app.app_key as covered_app_key, a.*, array(select t.id from healthcheck_target t
                              where t.app_key = app.app_key and t.label = any(a.targets)) as target_ids
            from app join overlapping a
              on app.app_key = any(a.app_keys) or a.app_keys is null and a.product is null
                 or a.product = any(select lower(p) from unnest(app.products) as p)
            where app.app_key = any($1::text[])""";

    /** Withdraws an active adjustment; answers it, or nothing where it was withdrawn already. */
    static final String WITHDRAW = """
            update adjustment set withdrawn_by = $2, withdrawn_at = now()
            where id = $1 and withdrawn_at is null
            returning *""";

    /** The app's target labels, or no row for an unknown app. */
    static final String APP = """
            select array(select label from healthcheck_target where app_key = a.app_key) as labels
            from app a where a.app_key = $1""";

    /** An adjustment with the target ids it names for one app. */
    record Applicable(AdjustmentView adjustment, List<Long> targetIds) {
    }

    private final Pool pool;
    private final ReadPool readPool;

    public AdjustmentRepository(Pool pool, ReadPool readPool) {
        this.pool = pool;
        this.readPool = readPool;
    }

    Uni<AdjustmentView> insert(AdjustmentView a) {
        Recurrence recurrence = a.recurrence();
        return pool.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(a.kind(),
                        a.appKeys() == null ? null : a.appKeys().toArray(String[]::new), a.product(), utc(a.start()),
                        utc(a.end()), a.slis().toArray(String[]::new), a.targets().toArray(String[]::new), a.reason(),
                        a.reference(), recurrence == null ? null : recurrence.timeZone(),
                        recurrence == null ? null : utc(recurrence.until()), a.createdBy())))
                .map(rows -> view(rows.iterator().next()));
    }

    Uni<AdjustmentView> get(long id) {
        return pool.preparedQuery(GET).execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    Uni<List<AdjustmentView>> list(String appKey, String kind, Instant from, Instant to) {
        return readPool.current().preparedQuery(LIST).execute(Tuple.of(appKey, kind, utc(from), utc(to)))
                .map(rows -> {
                    List<AdjustmentView> views = new ArrayList<>();
                    rows.forEach(row -> views.add(view(row)));
                    return views;
                });
    }

    /** The applicable adjustments of each app, by app key (an app without any is left out). */
    Uni<Map<String, List<Applicable>>> applicable(List<String> appKeys, Instant from, Instant to) {
        return readPool.current().preparedQuery(APPLICABLE).execute(Tuple.of(appKeys.toArray(String[]::new), utc(from), utc(to)))
                .map(rows -> {
                    Map<String, List<Applicable>> found = new HashMap<>();
                    rows.forEach(row -> found.computeIfAbsent(row.getString("covered_app_key"), key -> new ArrayList<>())
                            .add(new Applicable(view(row), Arrays.asList(row.getArrayOfLongs("target_ids")))));
                    return found;
                });
    }

    Uni<AdjustmentView> withdraw(long id, String by) {
        return pool.preparedQuery(WITHDRAW).execute(Tuple.of(id, by))
                .map(rows -> rows.size() == 0 ? null : view(rows.iterator().next()));
    }

    /** The app's target labels; null for an unknown app. */
    Uni<List<String>> targetLabels(String appKey) {
        return pool.preparedQuery(APP).execute(Tuple.of(appKey))
                .map(rows -> rows.size() == 0 ? null : Arrays.asList(rows.iterator().next().getArrayOfStrings("labels")));
    }

    private static AdjustmentView view(Row row) {
        String zone = row.getString("recurrence_zone");
        String[] appKeys = row.getArrayOfStrings("app_keys");
        return new AdjustmentView(row.getLong("id"), row.getString("kind"), appKeys == null ? null : Arrays.asList(appKeys),
                row.getString("product"), instant(row, "starts_at"), instant(row, "ends_at"),
                Arrays.asList(row.getArrayOfStrings("slis")), Arrays.asList(row.getArrayOfStrings("targets")),
                row.getString("reason"), row.getString("reference"),
                zone == null ? null : new Recurrence(Recurrence.WEEKLY, zone, instant(row, "recurrence_until")),
                row.getString("created_by"), instant(row, "created_at"), row.getString("withdrawn_by"),
                instant(row, "withdrawn_at"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
