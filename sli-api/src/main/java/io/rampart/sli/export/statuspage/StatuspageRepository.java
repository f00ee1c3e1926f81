package io.rampart.sli.export.statuspage;

import io.rampart.store.secret.SecretSealer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The Statuspage tables (V50): configurations, metric progress and the exporter's lease. */
@ApplicationScoped
public class StatuspageRepository {

    private static final String LEASE = "statuspage-exporter";

    /** A configuration as the exporter needs it: the key still sealed, each metric's progress. */
    public record Stored(String appKey, String apiBaseUrl, String pageId, SecretSealer.Sealed apiKey, int failures,
            StatuspageView view) {
    }

    /** Changes an app's page and base URL, keeping its key, and ends any backoff: a configuration the app has. */
    private static final String UPDATE_CONFIG_KEEPING_KEY = """
            update statuspage_config
            set api_base_url = $2, page_id = $3, failures = 0, next_attempt_at = null, updated_at = now()
            where app_key = $1""";

    /** Creates or replaces an app's configuration with a new sealed key, ending any backoff. */
    private static final String UPSERT_CONFIG = """
            insert into statuspage_config (app_key, api_base_url, page_id, api_key_id, api_key_sealed)
            values ($1, $2, $3, $4, $5)
            on conflict (app_key) do update
            set api_base_url = excluded.api_base_url, page_id = excluded.page_id, api_key_id = excluded.api_key_id,
                api_key_sealed = excluded.api_key_sealed, failures = 0, next_attempt_at = null, updated_at = now()""";

    /** Stops exporting the SLIs no longer listed. */
    private static final String DELETE_OTHER_METRICS = """
            delete from statuspage_metric where app_key = $1 and not (sli_id = any($2))""";

    /** Writes each SLI's metric id; a metric whose id changes forgets its progress, so it is backfilled. */
    private static final String UPSERT_METRICS = """
            insert into statuspage_metric (app_key, sli_id, metric_id)
            select $1, sli, metric from unnest($2::text[], $3::text[]) as m (sli, metric)
            on conflict (app_key, sli_id) do update
            set metric_id = excluded.metric_id,
                sent_until = case when statuspage_metric.metric_id = excluded.metric_id
                                  then statuspage_metric.sent_until end,
                last_point_at = case when statuspage_metric.metric_id = excluded.metric_id
                                     then statuspage_metric.last_point_at end,
                last_value = case when statuspage_metric.metric_id = excluded.metric_id
                                  then statuspage_metric.last_value end""";

    /** Removes an app's configuration (its metrics go with it). */
    private static final String DELETE_CONFIG = """
            delete from statuspage_config where app_key = $1""";

    /** One app's configuration with its metrics, one row per metric. */
    private static final String SELECT_CONFIG = """
            select c.*, m.sli_id, m.metric_id, m.sent_until, m.last_point_at, m.last_value
            from statuspage_config as c left join statuspage_metric as m on m.app_key = c.app_key
            where c.app_key = $1
            order by c.app_key, m.sli_id""";

    /** The configurations whose backoff has ended at $1, with their metrics, one row per metric. */
    private static final String SELECT_DUE_CONFIGS = """
            select c.*, m.sli_id, m.metric_id, m.sent_until, m.last_point_at, m.last_value
            from statuspage_config as c left join statuspage_metric as m on m.app_key = c.app_key
            where c.next_attempt_at is null or c.next_attempt_at <= $1
            order by c.app_key, m.sli_id""";

    /** One metric's progress; a stretch without a point ($4 null) keeps the last point. */
    private static final String UPDATE_METRIC_PROGRESS = """
            update statuspage_metric
            set sent_until = $3, last_point_at = coalesce($4, last_point_at),
                last_value = case when $4::timestamptz is null then last_value else $5 end
            where app_key = $1 and sli_id = $2""";

    /** A successful request: the backoff ends. */
    private static final String RECORD_SUCCESS = """
            update statuspage_config set failures = 0, next_attempt_at = null, last_success_at = now()
            where app_key = $1""";

    /** A failed request: its description, one more failure, no attempt before $3. */
    private static final String RECORD_FAILURE = """
            update statuspage_config
            set last_error = $2, last_error_at = now(), failures = failures + 1, next_attempt_at = $3
            where app_key = $1""";

    /** Takes the exporter's lease for $2 for $3 ms, or renews it: where it is free, expired or already $2's. */
    private static final String ACQUIRE_LEASE = """
            insert into statuspage_lease (name, holder, expires_at)
            values ($1, $2, now() + $3 * interval '1 millisecond')
            on conflict (name) do update set holder = excluded.holder, expires_at = excluded.expires_at
            where statuspage_lease.holder = excluded.holder or statuspage_lease.expires_at < now()
            returning holder""";

    /** Gives the lease up, if $2 holds it. */
    private static final String RELEASE_LEASE = """
            delete from statuspage_lease where name = $1 and holder = $2""";

    private final Pool pool;

    public StatuspageRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Creates or changes an app's configuration; a null key keeps the stored one. A metric whose
     * id changes starts again (backfill); SLIs left out of {@code metrics} stop being exported.
     */
    public Uni<Void> save(String appKey, String apiBaseUrl, String pageId, SecretSealer.Sealed apiKey,
            Map<String, String> metrics) {
        // Without a new key the row exists (StatuspageService checks): an INSERT would need the key.
        String configStatement = apiKey == null ? UPDATE_CONFIG_KEEPING_KEY : UPSERT_CONFIG;
        Tuple configParameters = apiKey == null ? Tuple.of(appKey, apiBaseUrl, pageId)
                : Tuple.of(appKey, apiBaseUrl, pageId, apiKey.keyId(), Buffer.buffer(apiKey.bytes()));
        return pool.withTransaction(connection -> connection.preparedQuery(configStatement).execute(configParameters)
                .chain(() -> connection.preparedQuery(DELETE_OTHER_METRICS)
                        .execute(Tuple.of(appKey, metrics.keySet().toArray(String[]::new))))
                .chain(() -> connection.preparedQuery(UPSERT_METRICS)
                        .execute(Tuple.of(appKey, metrics.keySet().toArray(String[]::new),
                                metrics.values().toArray(String[]::new))))
                .replaceWithVoid());
    }

    public Uni<Boolean> delete(String appKey) {
        return pool.preparedQuery(DELETE_CONFIG).execute(Tuple.of(appKey)).map(rows -> rows.rowCount() > 0);
    }

    /** One app's configuration, or null. */
    public Uni<Stored> find(String appKey) {
        return select(SELECT_CONFIG, Tuple.of(appKey)).map(found -> found.isEmpty() ? null : found.get(0));
    }

    /** The configurations whose backoff has ended. */
    public Uni<List<Stored>> due(Instant now) {
        return select(SELECT_DUE_CONFIGS, Tuple.of(utc(now)));
    }

    /** Progress after a successful request (or a stretch without any point to send). */
    public Uni<Void> recordProgress(String appKey, List<StatuspageView.Metric> metrics, boolean sent) {
        List<Tuple> rows = new ArrayList<>();
        for (StatuspageView.Metric metric : metrics) {
            rows.add(Tuple.of(appKey, metric.sliId(), utc(metric.sentUntil()), utc(metric.lastPointAt()),
                    metric.lastValue()));
        }
        return pool.withTransaction(connection -> connection.preparedQuery(UPDATE_METRIC_PROGRESS)
                .executeBatch(rows)
                .chain(() -> sent ? connection.preparedQuery(RECORD_SUCCESS).execute(Tuple.of(appKey))
                        : Uni.createFrom().<RowSet<Row>>nullItem())
                .replaceWithVoid());
    }

    /** A failed request: its description (never the key), one more failure, no attempt before {@code next}. */
    public Uni<Void> recordFailure(String appKey, String error, Instant next) {
        return pool.preparedQuery(RECORD_FAILURE).execute(Tuple.of(appKey, error, utc(next))).replaceWithVoid();
    }

    /** Takes or renews the exporter's lease for {@code holder}; true when it holds it now. */
    public Uni<Boolean> acquireLease(String holder, Duration length) {
        return pool.preparedQuery(ACQUIRE_LEASE).execute(Tuple.of(LEASE, holder, length.toMillis()))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Void> releaseLease(String holder) {
        return pool.preparedQuery(RELEASE_LEASE).execute(Tuple.of(LEASE, holder)).replaceWithVoid();
    }

    private Uni<List<Stored>> select(String statement, Tuple parameters) {
        return pool.preparedQuery(statement)
                .execute(parameters)
                .map(rows -> {
                    Map<String, List<Row>> byApp = new LinkedHashMap<>();
                    for (Row row : rows) {
                        byApp.computeIfAbsent(row.getString("app_key"), key -> new ArrayList<>()).add(row);
                    }
                    List<Stored> stored = new ArrayList<>();
                    for (List<Row> appRows : byApp.values()) {
                        stored.add(stored(appRows));
                    }
                    return stored;
                });
    }

    private static Stored stored(List<Row> rows) {
        Row first = rows.get(0);
        List<StatuspageView.Metric> metrics = new ArrayList<>();
        for (Row row : rows) {
            if (row.getString("sli_id") != null) {
                metrics.add(new StatuspageView.Metric(row.getString("sli_id"), row.getString("metric_id"),
                        instant(row, "sent_until"), instant(row, "last_point_at"), row.getDouble("last_value")));
            }
        }
        String appKey = first.getString("app_key");
        StatuspageView view = new StatuspageView(appKey, first.getString("api_base_url"), first.getString("page_id"),
                true, metrics, first.getString("last_error"), instant(first, "last_error_at"),
                instant(first, "last_success_at"), first.getInteger("failures"), instant(first, "next_attempt_at"));
        return new Stored(appKey, view.apiBaseUrl(), view.pageId(), new SecretSealer.Sealed(first.getString("api_key_id"),
                first.getBuffer("api_key_sealed").getBytes()), view.failures(), view);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
