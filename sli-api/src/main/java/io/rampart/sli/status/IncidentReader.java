package io.rampart.sli.status;

import io.rampart.store.sli.SliId;
import io.rampart.sli.alert.NoDataRules;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The incidents the alert rules opened (alert_incident, written by io.rampart.sli.alert, read here
 * only): the open ones and those resolved within the page's range, newest first.
 */
@ApplicationScoped
public class IncidentReader {

    static final int MOST_SHOWN = 20;
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("d MMM HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * The app's open incidents and those resolved since $2, open first then newest, at most $4; the
     * platform's own (the admin-only rules, $3) are no part of an app's status.
     */
    private static final String OPEN_OR_RESOLVED_SINCE = """
            select rule, severity, metric_name, sli_value, slo_value, status, opened_at, resolved_at, acknowledged_at,
                   acknowledged_by
            from alert_incident
            where app_key = $1 and (status = 'OPEN' or resolved_at >= $2) and not (rule = any($3))
            order by status = 'OPEN' desc, opened_at desc
            limit $4""";

    private final Pool pool;

    public IncidentReader(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<StatusPage.IncidentRow>> openOrResolvedSince(String appKey, Instant since) {
        return pool.preparedQuery(OPEN_OR_RESOLVED_SINCE)
                .execute(Tuple.of(appKey, since.atOffset(ZoneOffset.UTC), NoDataRules.ADMIN_ONLY.toArray(String[]::new),
                        MOST_SHOWN))
                .map(rows -> {
                    List<StatusPage.IncidentRow> incidents = new ArrayList<>();
                    for (Row row : rows) {
                        incidents.add(incident(row));
                    }
                    return incidents;
                });
    }

    private static StatusPage.IncidentRow incident(Row row) {
        SliId sli = SliId.fromId(row.getString("metric_name"));
        boolean open = "OPEN".equals(row.getString("status"));
        String when = "opened " + TIME.format(row.getOffsetDateTime("opened_at"))
                + (open ? "" : ", resolved " + TIME.format(row.getOffsetDateTime("resolved_at")));
        Double value = row.getDouble("sli_value");
        Double target = row.getDouble("slo_value");
        String figures = "certificate_days_left".equals(row.getString("metric_name"))
                // certificate_expiring (docs/alerts.md): days, not a ratio
                ? (value == null ? Figures.NO_DATA : String.format(java.util.Locale.ROOT, "%.0f days left", value))
                        + (target == null ? "" : String.format(java.util.Locale.ROOT, ", alert under %.0f", target))
                : (value == null ? Figures.NO_DATA : Figures.value(SliId.Measure.RATIO, value))
                        + (target == null ? "" : " against " + Figures.percent(target));
        return new StatusPage.IncidentRow(open ? "Open" : "Resolved", open ? "missed" : "met",
                sli == null ? row.getString("metric_name") : sli.displayName(), row.getString("rule"),
                row.getString("severity"), figures, when,
                row.getOffsetDateTime("acknowledged_at") == null ? null : TIME.format(row.getOffsetDateTime("acknowledged_at")),
                row.getString("acknowledged_by"));
    }
}
