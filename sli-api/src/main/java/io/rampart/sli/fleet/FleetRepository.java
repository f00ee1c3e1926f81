package io.rampart.sli.fleet;

import io.rampart.sli.replica.ReadPool;
import io.rampart.sli.slo.SloOverrides;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every statement of the fleet answers: the registry's apps, open and opened incidents, the rankings cursors name. */
@ApplicationScoped
public class FleetRepository {

    /** An app as the fleet sees it. */
    public record App(String appKey, String name, boolean enabled, Instant createdAt, Map<String, Double> sloOverrides) {
    }

    /** The newest ranking of a question and its age. */
    record Latest(UUID id, Duration age) {
    }

    /** A stored ranking's window, the query it answers, its length and the app keys of one page. */
    record RankingPage(Instant from, Instant to, String query, int size, List<String> appKeys) {
    }

    // The enabled apps, narrowed by key prefix and product when given, in key order.
    private static final String ENABLED_APPS = """
            select app_key, name, enabled, created_at, slo_overrides from app
            where enabled
              and ($1::text is null or starts_with(app_key, $1))
              and ($2::text is null or $2 = any(products))
            order by app_key""";

    // Apps by key (a page of a stored ranking), enabled or not: an app deleted since is left out.
    private static final String APPS_BY_KEY = """
            select app_key, name, enabled, created_at, slo_overrides from app where app_key = any($1::text[])""";

    // Every app registered before the end of a period, enabled or not (a disabled app keeps its past).
    private static final String APPS_REGISTERED_BEFORE = """
            select app_key, name, enabled, created_at, slo_overrides from app
            where created_at < $1 and ($2::text is null or app_key = $2)
            order by app_key""";

    // Incidents open now, per app.
    private static final String OPEN_INCIDENTS = """
            select app_key, count(*) as open from alert_incident
            where status = 'OPEN' and app_key = any($1::text[])
            group by app_key""";

    // Incidents opened in [from, to), per app and SLI (an incident's metric_name is its SLI id).
    private static final String INCIDENTS_OPENED = """
            select app_key, metric_name, count(*) as opened from alert_incident
            where opened_at >= $1 and opened_at < $2 and ($3::text is null or app_key = $3)
            group by app_key, metric_name""";

    // A new ranking; rankings older than the cursor's lifetime go in the same statement.
    private static final String SAVE_RANKING = """
            with expired as (delete from fleet_ranking where created_at < now() - $6::bigint * interval '1 second')
            insert into fleet_ranking (id, window_from, window_to, query, app_keys) values ($1, $2, $3, $4, $5)""";

    // The newest ranking of a question still valid.
    private static final String LATEST_RANKING = """
            select id, (extract(epoch from now() - created_at) * 1000)::bigint as age_ms from fleet_ranking
            where query = $1 and created_at >= now() - $2::bigint * interval '1 second'
            order by created_at desc limit 1""";

    // One page of a stored ranking: app keys [first, last] (1-based, inclusive) while it is valid.
    private static final String RANKING_PAGE = """
            select window_from, window_to, query, cardinality(app_keys) as size, app_keys[$2:$3] as page
            from fleet_ranking where id = $1 and created_at >= now() - $4::bigint * interval '1 second'""";

    private final ReadPool reads;
    private final Pool primary;

    public FleetRepository(ReadPool reads, Pool primary) {
        this.reads = reads;
        this.primary = primary;
    }

    Uni<List<App>> enabledApps(String prefix, String product) {
        return reads.current().preparedQuery(ENABLED_APPS).execute(Tuple.of(prefix, product)).map(FleetRepository::apps);
    }

    Uni<List<App>> apps(List<String> appKeys) {
        return reads.current().preparedQuery(APPS_BY_KEY).execute(Tuple.of(appKeys.toArray(String[]::new)))
                .map(FleetRepository::apps);
    }

    /** Apps registered before {@code end}; only {@code appKey} when given. */
    public Uni<List<App>> registeredBefore(Instant end, String appKey) {
        return reads.current().preparedQuery(APPS_REGISTERED_BEFORE).execute(Tuple.of(utc(end), appKey))
                .map(FleetRepository::apps);
    }

    Uni<Map<String, Long>> openIncidents(List<String> appKeys) {
        return reads.current().preparedQuery(OPEN_INCIDENTS).execute(Tuple.of(appKeys.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Long> open = new HashMap<>();
                    rows.forEach(row -> open.put(row.getString("app_key"), row.getLong("open")));
                    return open;
                });
    }

    /** Incidents opened in [from, to) by app key, then SLI id; only of {@code appKey} when given. */
    Uni<Map<String, Map<String, Long>>> incidentsOpened(Instant from, Instant to, String appKey) {
        return reads.current().preparedQuery(INCIDENTS_OPENED).execute(Tuple.of(utc(from), utc(to), appKey))
                .map(rows -> {
                    Map<String, Map<String, Long>> opened = new HashMap<>();
                    rows.forEach(row -> opened.computeIfAbsent(row.getString("app_key"), key -> new HashMap<>())
                            .put(row.getString("metric_name"), row.getLong("opened")));
                    return opened;
                });
    }

    Uni<UUID> saveRanking(Instant from, Instant to, String query, List<String> appKeys, Duration ttl) {
        UUID id = UUID.randomUUID();
        return primary.preparedQuery(SAVE_RANKING).execute(Tuple.from(List.of(id, utc(from), utc(to), query,
                appKeys.toArray(String[]::new), ttl.toSeconds()))).replaceWith(id);
    }

    /** The newest ranking of {@code query} still valid, or null. */
    Uni<Latest> latestRanking(String query, Duration ttl) {
        return primary.preparedQuery(LATEST_RANKING).execute(Tuple.of(query, ttl.toSeconds())).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new Latest(row.getUUID("id"), Duration.ofMillis(row.getLong("age_ms")));
        });
    }

    /** Positions [first, last] (1-based) of a ranking still valid, or null. */
    Uni<RankingPage> rankingPage(UUID id, int first, int last, Duration ttl) {
        return primary.preparedQuery(RANKING_PAGE).execute(Tuple.of(id, first, last, ttl.toSeconds()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Row row = rows.iterator().next();
                    String[] page = row.getArrayOfStrings("page");
                    return new RankingPage(row.getOffsetDateTime("window_from").toInstant(),
                            row.getOffsetDateTime("window_to").toInstant(), row.getString("query"), row.getInteger("size"),
                            page == null ? List.of() : List.of(page));
                });
    }

    private static List<App> apps(Iterable<Row> rows) {
        List<App> apps = new ArrayList<>();
        for (Row row : rows) {
            apps.add(new App(row.getString("app_key"), row.getString("name"), row.getBoolean("enabled"),
                    row.getOffsetDateTime("created_at").toInstant(), SloOverrides.fromJson(row.getJsonObject("slo_overrides"))));
        }
        return apps;
    }

    /** App overrides by key, in the order of {@code apps}: what {@code SliService.entries} reads. */
    static Map<String, Map<String, Double>> overrides(List<App> apps) {
        Map<String, Map<String, Double>> overrides = new LinkedHashMap<>();
        apps.forEach(app -> overrides.put(app.appKey(), app.sloOverrides()));
        return overrides;
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
