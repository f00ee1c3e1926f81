package io.rampart.sli.alert;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What the alert rules read besides the SLIs: the apps to evaluate ({@link AlertEvaluator}) and the
 * raw figures of the no-data rules ({@link NoDataRules}).
 */
@ApplicationScoped
public class AlertRepository {

    /** The apps alerts are evaluated for: the enabled ones, by key. */
    private static final String ENABLED_APPS = """
            select app_key, name, partner_name from app where enabled order by app_key""";

    /**
     * The app's latest synthetic check result at or before $2 (null: none kept) and how many
     * minutes it may then stay silent (its own setting, else $3).
     */
    private static final String LAST_SYNTHETIC = """
            select (select max(e.occurred_at) from app_event e
                    where e.app_key = $1 and e.kind = 'SYNTHETIC' and e.occurred_at <= $2) as last_result,
                   coalesce(a.synthetic_stale_after_minutes, $3) as stale_after_minutes
            from app a where a.app_key = $1""";

    /**
     * The app's check interval and its enabled targets that existed $3 intervals before $2 and have
     * no stored probe result (any outcome, any location) in the $3 intervals up to $2.
     */
    private static final String TARGETS_WITHOUT_PROBES = """
            select a.check_interval_seconds,
                   (select count(*) from healthcheck_target t
                    where t.app_key = a.app_key and t.enabled
                      and t.created_at <= $2::timestamptz - make_interval(secs => $3 * a.check_interval_seconds)
                      and not exists (select 1 from probe_result r
                                      where r.target_id = t.id and r.occurred_at <= $2
                                        and r.occurred_at > $2::timestamptz - make_interval(secs => $3 * a.check_interval_seconds)))
                   as missing
            from app a where a.app_key = $1""";

    private final Pool pool;

    public AlertRepository(Pool pool) {
        this.pool = pool;
    }

    /** The enabled apps, by key, as their notifications name them. */
    Uni<List<IncidentRepository.App>> enabledApps() {
        return pool.query(ENABLED_APPS).execute().map(rows -> {
            List<IncidentRepository.App> apps = new ArrayList<>();
            rows.forEach(row -> apps.add(new IncidentRepository.App(row.getString("app_key"), row.getString("name"),
                    row.getString("partner_name"))));
            return apps;
        });
    }

    /** The app's latest synthetic check result at or before {@code at} and its silence in minutes (one row). */
    Uni<Row> lastSynthetic(String appKey, OffsetDateTime at, int staleAfterMinutes) {
        return pool.preparedQuery(LAST_SYNTHETIC).execute(Tuple.of(appKey, at, staleAfterMinutes))
                .map(rows -> rows.iterator().next());
    }

    /** The app's check interval and how many of its targets lack probe results over the last {@code intervals} (one row). */
    Uni<Row> targetsWithoutProbes(String appKey, OffsetDateTime at, int intervals) {
        return pool.preparedQuery(TARGETS_WITHOUT_PROBES).execute(Tuple.of(appKey, at, intervals))
                .map(rows -> rows.iterator().next());
    }
}
