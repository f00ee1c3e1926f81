package io.rampart.sli.alert;

import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Reads an app's incidents, newest first, with the state of their notifications. */
@ApplicationScoped
public class IncidentQueries {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** One incident of the app, unless its rule is one of $3 (hidden from the caller). */
    private static final String ONE = "select * from alert_incident where app_key = $1 and id = $2 and not (rule = any($3))";

    /** Whether the app exists. */
    private static final String APP_KNOWN = """
            select exists (select 1 from app where app_key = $1) as known""";

    /** The app's incidents of status $2 (null: any), newest first, at most $3, but for the rules $4 (hidden from the caller). */
    private static final String LIST = """
            select * from alert_incident
            where app_key = $1 and ($2::text is null or status = $2) and not (rule = any($4))
            order by opened_at desc, id
            limit $3""";

    /** The notifications of these incidents, in the order they were made. */
    private static final String DELIVERIES = """
            select * from notification_delivery where incident_id = any($1) order by id""";

    private final Pool pool;

    public IncidentQueries(Pool pool) {
        this.pool = pool;
    }

    /** The rules whose incidents a caller does not see: the admin-only ones for everyone but admins. */
    static String[] hiddenRules(boolean admin) {
        return admin ? new String[0] : NoDataRules.ADMIN_ONLY.toArray(String[]::new);
    }

    /**
     * @param status {@code open}, {@code resolved} or null for both
     * @param admin  whether the admin-only rules' incidents are listed too
     */
    public Uni<List<IncidentView>> list(String appKey, String status, Integer limit, boolean admin) {
        String wanted = status == null ? null : status.toUpperCase(Locale.ROOT);
        if (wanted != null && !wanted.equals("OPEN") && !wanted.equals("RESOLVED")) {
            throw Refusal.invalid("status", "one of open, resolved");
        }
        int rows = limit == null ? DEFAULT_LIMIT : limit;
        if (rows < 1 || rows > MAX_LIMIT) {
            throw Refusal.invalid("limit", "1 to " + MAX_LIMIT);
        }
        return pool.preparedQuery(APP_KNOWN).execute(Tuple.of(appKey))
                .chain(known -> {
                    if (!known.iterator().next().getBoolean("known")) {
                        throw Refusal.notFound("no app " + appKey);
                    }
                    return pool.preparedQuery(LIST)
                            .execute(Tuple.of(appKey, wanted, rows, hiddenRules(admin)));
                })
                .chain(this::withNotifications);
    }

    /** One incident of the app (404 for an unknown app or incident, and for an admin-only one unless {@code admin}). */
    public Uni<IncidentView> one(String appKey, UUID incidentId, boolean admin) {
        return pool.preparedQuery(ONE).execute(Tuple.of(appKey, incidentId, hiddenRules(admin)))
                .chain(this::withNotifications)
                .map(incidents -> {
                    if (incidents.isEmpty()) {
                        throw Refusal.notFound("the app " + appKey + " has no incident " + incidentId);
                    }
                    return incidents.get(0);
                });
    }

    private Uni<List<IncidentView>> withNotifications(RowSet<Row> incidents) {
                    List<Row> incidentRows = new ArrayList<>();
                    incidents.forEach(incidentRows::add);
                    UUID[] ids = incidentRows.stream().map(row -> row.getUUID("id")).toArray(UUID[]::new);
                    return pool.preparedQuery(DELIVERIES)
                            .execute(Tuple.of(ids))
                            .map(deliveries -> {
                                Map<UUID, List<IncidentView.Notification>> byIncident = new LinkedHashMap<>();
                                deliveries.forEach(row -> byIncident.computeIfAbsent(row.getUUID("incident_id"),
                                        id -> new ArrayList<>()).add(notification(row)));
                                return incidentRows.stream()
                                        .map(row -> incident(row, byIncident.getOrDefault(row.getUUID("id"), List.of())))
                                        .toList();
                            });
    }

    private static IncidentView incident(Row row, List<IncidentView.Notification> notifications) {
        return new IncidentView(row.getUUID("id").toString(), row.getString("app_key"), row.getString("rule"),
                row.getString("severity"), row.getString("status"), row.getString("metric_name"),
                row.getString("metric_unit"), row.getLong("measurement_duration_seconds"), row.getDouble("sli_value"),
                row.getDouble("slo_value"), instant(row, "opened_at"), instant(row, "updated_at"),
                instant(row, "resolved_at"), row.getString("resolution"), instant(row, "acknowledged_at"), row.getString("acknowledged_by"),
                notifications);
    }

    private static IncidentView.Notification notification(Row row) {
        return new IncidentView.Notification(row.getLong("id"), row.getUUID("channel_id").toString(),
                row.getString("incident_status"), row.getInteger("reminder"), row.getString("state"), row.getInteger("attempts"),
                instant(row, "last_attempt_at"), row.getInteger("last_status_code"), row.getString("last_error"),
                "PENDING".equals(row.getString("state")) ? instant(row, "next_attempt_at") : null,
                instant(row, "delivered_at"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }
}
