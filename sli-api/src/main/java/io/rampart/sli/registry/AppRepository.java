package io.rampart.sli.registry;

import io.rampart.sli.slo.SloOverrides;
import io.rampart.store.event.Product;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

/**
 * The registry tables (app, healthcheck_target) in plain SQL: an app's row carries arrays and
 * JSON, and its writes span several tables in one transaction of the caller.
 */
@ApplicationScoped
public class AppRepository {

    /**
     * Inserts a new app, or nothing where its key is taken; $13 is the value that follows the
     * platform's default; $14 null: probed from every live location.
     */
    private static final String INSERT_APP = """
            insert into app (app_key, name, partner_name, healthcheck_path, check_interval_seconds, products,
                             slo_overrides, status_page_public, enabled, synthetic_stale_after_minutes,
                             availability_policy, lifecycle_scope, probe_locations, quorum)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, nullif($11, $13), nullif($12, $13), $14::text[], $15)
            on conflict (app_key) do nothing
            returning app_key""";

    /**
     * Changes the fields given (null: kept); "default" ($13) clears the app's own policy so that it
     * follows the platform's again; null probe locations ($14) keep the app's (the probe-locations PUT
     * is where they are set back to null); updated_at moves only when a value does, so a PATCH that
     * changes nothing changes nothing.
     */
    private static final String UPDATE_APP = """
            update app a
            set name = n.name, partner_name = n.partner_name, healthcheck_path = n.healthcheck_path,
                check_interval_seconds = n.check_interval_seconds, products = n.products,
                slo_overrides = n.slo_overrides, status_page_public = n.status_page_public, enabled = n.enabled,
                synthetic_stale_after_minutes = n.synthetic_stale_after_minutes,
                availability_policy = n.availability_policy, lifecycle_scope = n.lifecycle_scope,
                probe_locations = n.probe_locations, quorum = n.quorum,
                updated_at = case
                    when (a.name, a.partner_name, a.healthcheck_path, a.check_interval_seconds, a.products,
                          a.slo_overrides, a.status_page_public, a.enabled, a.synthetic_stale_after_minutes,
                          a.availability_policy, a.lifecycle_scope, a.probe_locations, a.quorum)
                         is distinct from
                         (n.name, n.partner_name, n.healthcheck_path, n.check_interval_seconds, n.products,
                          n.slo_overrides, n.status_page_public, n.enabled, n.synthetic_stale_after_minutes,
                          n.availability_policy, n.lifecycle_scope, n.probe_locations, n.quorum)
                    then now() else a.updated_at end
            from (select coalesce($2, name) as name, coalesce($3, partner_name) as partner_name,
                         coalesce($4, healthcheck_path) as healthcheck_path,
                         coalesce($5, check_interval_seconds) as check_interval_seconds,
                         coalesce($6::text[], products) as products, coalesce($7::jsonb, slo_overrides) as slo_overrides,
                         coalesce($8, status_page_public) as status_page_public, coalesce($9, enabled) as enabled,
                         coalesce($10, synthetic_stale_after_minutes) as synthetic_stale_after_minutes,
                         nullif(coalesce($11, availability_policy), $13) as availability_policy,
                         nullif(coalesce($12, lifecycle_scope), $13) as lifecycle_scope,
                         coalesce($14::text[], probe_locations) as probe_locations, coalesce($15, quorum) as quorum
                  from app where app_key = $1) as n
            where a.app_key = $1
            returning a.app_key""";

    /** Removes the app's targets whose labels are not among the new ones. */
    private static final String DELETE_OTHER_TARGETS = """
            delete from healthcheck_target where app_key = $1 and not (label = any($2::text[]))""";

    /** Writes the new targets by label: a kept label keeps its target id (and so its history). */
    private static final String UPSERT_TARGETS = """
            insert into healthcheck_target (app_key, label, base_url, enabled)
            select $1, label, url, enabled from unnest($2::text[], $3::text[], $4::boolean[]) as t(label, url, enabled)
            on conflict (app_key, label) do update set base_url = excluded.base_url, enabled = excluded.enabled""";

    /** Adds one target unless the app has its label or its URL already. */
    private static final String INSERT_TARGET = """
            insert into healthcheck_target (app_key, label, base_url, enabled)
            select $1, $2, $3, $4
            where not exists (select 1 from healthcheck_target where app_key = $1 and base_url = $3)
            on conflict (app_key, label) do nothing
            returning id""";

    /** Removes one target; its probe results stay (they still count in the app's figures). */
    private static final String DELETE_TARGET = """
            delete from healthcheck_target where app_key = $1 and label = $2""";

    /** Whether the app exists. */
    private static final String APP_EXISTS = """
            select 1 from app where app_key = $1""";

    /** One app's registration. */
    private static final String SELECT_APP = """
            select app_key, name, partner_name, healthcheck_path, check_interval_seconds, products, slo_overrides,
                   status_page_public, enabled, created_at, updated_at, synthetic_stale_after_minutes,
                   availability_policy, lifecycle_scope, probe_locations, quorum
            from app where app_key = $1""";

    /** Every app's registration, by app key. */
    private static final String SELECT_APPS = """
            select app_key, name, partner_name, healthcheck_path, check_interval_seconds, products, slo_overrides,
                   status_page_public, enabled, created_at, updated_at, synthetic_stale_after_minutes,
                   availability_policy, lifecycle_scope, probe_locations, quorum
            from app order by app_key""";

    /** The targets of one app ($1) or of all (null), by app and label. */
    private static final String SELECT_TARGETS = """
            select app_key, label, base_url, enabled from healthcheck_target
            where $1::text is null or app_key = $1
            order by app_key, label""";

    /** Inserts a new app; answers false where the app key is taken. */
    Uni<Boolean> insert(SqlClient client, AppRequest app) {
        return client.preparedQuery(INSERT_APP)
                .execute(Tuple.from(Arrays.asList(app.appKey(), app.name(), app.partnerName(), app.healthcheckPath(),
                        app.checkIntervalSeconds(), app.products().toArray(String[]::new), SloOverrides.toJson(app.sloOverrides()),
                        app.statusPagePublic(), app.enabled(), app.syntheticStaleAfterMinutes(), app.availabilityPolicy(),
                        app.lifecycleScope(), AppValidator.FOLLOW_DEFAULT, textArray(app.probeLocations()), app.quorum())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Changes the fields present; answers false where there is no such app. */
    Uni<Boolean> update(SqlClient client, AppRequest change) {
        return client.preparedQuery(UPDATE_APP)
                .execute(Tuple.from(Arrays.asList(change.appKey(), change.name(), change.partnerName(),
                        change.healthcheckPath(), change.checkIntervalSeconds(),
                        textArray(change.products()),
                        change.sloOverrides() == null ? null : SloOverrides.toJson(change.sloOverrides()),
                        change.statusPagePublic(), change.enabled(), change.syntheticStaleAfterMinutes(),
                        change.availabilityPolicy(), change.lifecycleScope(), AppValidator.FOLLOW_DEFAULT,
                        textArray(change.probeLocations()), change.quorum())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Makes the app's targets exactly these, matched by label (a kept label keeps its target id and history). */
    Uni<Void> replaceTargets(SqlClient client, String appKey, List<BaseUrl> baseUrls) {
        String[] labels = baseUrls.stream().map(BaseUrl::label).toArray(String[]::new);
        return client.preparedQuery(DELETE_OTHER_TARGETS).execute(Tuple.of(appKey, labels))
                .chain(() -> client.preparedQuery(UPSERT_TARGETS).execute(Tuple.of(appKey, labels,
                        baseUrls.stream().map(BaseUrl::url).toArray(String[]::new),
                        baseUrls.stream().map(BaseUrl::enabled).toArray(Boolean[]::new))))
                .replaceWithVoid();
    }

    /** Adds one target; answers false where the app already has this label or this URL. */
    Uni<Boolean> addTarget(SqlClient client, String appKey, BaseUrl baseUrl) {
        return client.preparedQuery(INSERT_TARGET)
                .execute(Tuple.of(appKey, baseUrl.label(), baseUrl.url(), baseUrl.enabled()))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Removes one target (its probe results stay and still count in the app's figures). */
    Uni<Boolean> deleteTarget(SqlClient client, String appKey, String label) {
        return client.preparedQuery(DELETE_TARGET).execute(Tuple.of(appKey, label))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Boolean> exists(SqlClient client, String appKey) {
        return client.preparedQuery(APP_EXISTS).execute(Tuple.of(appKey)).map(rows -> rows.size() == 1);
    }

    /** The app, or null where there is none. */
    Uni<AppView> find(SqlClient client, String appKey) {
        return client.preparedQuery(SELECT_APP).execute(Tuple.of(appKey))
                .chain(apps -> apps.size() == 0 ? Uni.createFrom().nullItem()
                        : targets(client, appKey).map(targets -> view(apps.iterator().next(), targets.getOrDefault(appKey, List.of()))));
    }

    /** Every app, by app key. */
    Uni<List<AppView>> list(SqlClient client) {
        return client.query(SELECT_APPS).execute()
                .chain(apps -> targets(client, null).map(targets -> StreamSupport.stream(apps.spliterator(), false)
                        .map(row -> view(row, targets.getOrDefault(row.getString("app_key"), List.of())))
                        .toList()));
    }

    private Uni<Map<String, List<BaseUrl>>> targets(SqlClient client, String appKey) {
        return client.preparedQuery(SELECT_TARGETS).execute(Tuple.of(appKey))
                .map(rows -> {
                    Map<String, List<BaseUrl>> byApp = new HashMap<>();
                    rows.forEach(row -> byApp.computeIfAbsent(row.getString("app_key"), key -> new ArrayList<>())
                            .add(new BaseUrl(row.getString("label"), row.getString("base_url"), row.getBoolean("enabled"))));
                    return byApp;
                });
    }

    private static AppView view(Row row, List<BaseUrl> baseUrls) {
        return new AppView(row.getString("app_key"), row.getString("name"), row.getString("partner_name"),
                row.getString("healthcheck_path"), row.getInteger("check_interval_seconds"),
                Arrays.stream(row.getArrayOfStrings("products")).map(name -> Product.valueOf(name).wireValue()).toList(),
                SloOverrides.fromJson(row.getJsonObject("slo_overrides")), row.getBoolean("status_page_public"), row.getBoolean("enabled"), baseUrls,
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"), null,
                row.getInteger("synthetic_stale_after_minutes"), row.getString("availability_policy"),
                row.getString("lifecycle_scope"), list(row.getArrayOfStrings("probe_locations")), row.getString("quorum"));
    }

    private static String[] textArray(List<String> values) {
        return values == null ? null : values.toArray(String[]::new);
    }

    private static List<String> list(String[] values) {
        return values == null ? null : List.of(values);
    }
}
