package io.rampart.sli.indicator;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** What an SLI answer ({@link SliService}) reads of the registry: the apps' read rules, SLO overrides and targets. */
@ApplicationScoped
public class SliRepository {

    /** The registry's settings of many apps that read rules take: null where the app sets none. */
    private static final String APP_RULES = """
            select app_key, availability_policy, lifecycle_scope from app where app_key = any($1::text[])""";

    /** One app's SLO overrides, read rules, and the id of the target labelled $2 (null without one). */
    private static final String APP_CONTEXT = """
            select a.slo_overrides, a.availability_policy, a.lifecycle_scope, t.id as target_id,
                rampart_probe_several_locations(a.probe_locations) as several_locations
            from app as a
            left join healthcheck_target as t on t.app_key = a.app_key and t.label = $2
            where a.app_key = $1""";

    private final Pool pool;

    public SliRepository(Pool pool) {
        this.pool = pool;
    }

    /** The read rules the apps set (a row per app that exists). */
    Uni<RowSet<Row>> appRules(List<String> appKeys) {
        return pool.preparedQuery(APP_RULES).execute(Tuple.of(appKeys.toArray(String[]::new)));
    }

    /** The app's SLO overrides, read rules and the id of its target labelled {@code targetLabel} (no row: no app). */
    Uni<RowSet<Row>> appContext(String appKey, String targetLabel) {
        return pool.preparedQuery(APP_CONTEXT).execute(Tuple.of(appKey, targetLabel));
    }
}
