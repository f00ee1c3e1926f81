package io.rampart.sli.alert;

import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Opens, updates and resolves incidents from rule readings, and queues their notifications in the
 * same transaction. The partial unique index alert_incident_one_open decides between evaluators
 * running at once: only the insert that creates the row queues an ANOMALOUS notification, only
 * the update that closes it a RESOLVED one.
 */
@ApplicationScoped
public class IncidentStore {

    public static final String ANOMALOUS = "ANOMALOUS";
    public static final String RESOLVED = "RESOLVED";

    /** The app as its notifications name it. */
    public record App(String appKey, String name, String partnerName) {
    }

    /** How many incidents an evaluation opened and resolved. */
    public record Changes(int opened, int resolved) {
    }

    private static final String OPEN_OR_UPDATE = """
            insert into alert_incident (id, app_key, rule, severity, metric_name, metric_unit,
                measurement_duration_seconds, sli_value, slo_value, opened_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8::float8, $9::float8, $10, $10)
            on conflict (app_key, rule) where status = 'OPEN'
            do update set sli_value = excluded.sli_value, slo_value = excluded.slo_value,
                measurement_duration_seconds = excluded.measurement_duration_seconds, updated_at = excluded.updated_at
            returning id, (xmax = 0) as opened""";

    private static final String RESOLVE = """
            update alert_incident set status = 'RESOLVED', resolved_at = $3, updated_at = $3
            where app_key = $1 and status = 'OPEN' and not (rule = any($2))
            returning id, rule, severity, metric_name, metric_unit, measurement_duration_seconds, sli_value, slo_value""";

    private static final String QUEUE = """
            insert into notification_delivery (incident_id, channel_id, incident_status, payload, next_attempt_at, created_at)
            select $1, id, $2, $3, $4, $4 from notification_channel where app_key = $5 and enabled
            on conflict do nothing""";

    private final Pool pool;

    public IncidentStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Changes> apply(App app, List<RuleReading> readings, Instant now) {
        List<RuleReading> firing = readings.stream().filter(RuleReading::firing).toList();
        Map<String, RuleReading> byRule = readings.stream()
                .collect(Collectors.toMap(RuleReading::rule, Function.identity(), (first, second) -> first));
        String[] firingRules = firing.stream().map(RuleReading::rule).toArray(String[]::new);
        return pool.withTransaction(connection -> Multi.createFrom().iterable(firing)
                .onItem().transformToUniAndConcatenate(reading -> openOrUpdate(connection, app, reading, now))
                .collect().asList()
                .chain(opened -> connection.preparedQuery(RESOLVE)
                        .execute(Tuple.of(app.appKey(), firingRules, now.atOffset(ZoneOffset.UTC)))
                        .chain(resolved -> Multi.createFrom().iterable(resolved)
                                .onItem().transformToUniAndConcatenate(row -> resolved(connection, app, row,
                                        byRule.get(row.getString("rule")), now))
                                .collect().asList()
                                .map(done -> new Changes((int) opened.stream().filter(Boolean::booleanValue).count(),
                                        resolved.size())))));
    }

    /** True when this call opened the incident. */
    private Uni<Boolean> openOrUpdate(SqlConnection connection, App app, RuleReading reading, Instant now) {
        Tuple values = Tuple.tuple(List.of(UUID.randomUUID(), app.appKey(), reading.rule(), reading.severity(),
                reading.metricName(), reading.metricUnit(), reading.measurementDurationSeconds()))
                .addValue(reading.sliValue()).addValue(reading.sloValue()).addValue(now.atOffset(ZoneOffset.UTC));
        return connection.preparedQuery(OPEN_OR_UPDATE).execute(values).chain(rows -> {
            Row row = rows.iterator().next();
            if (!row.getBoolean("opened")) {
                return Uni.createFrom().item(false);
            }
            return queue(connection, app, row.getUUID("id"), ANOMALOUS, now, reading.rule(), reading.severity(),
                    reading.metricName(), reading.metricUnit(),
                    reading.measurementDurationSeconds(), reading.sliValue(), reading.sloValue()).replaceWith(true);
        });
    }

    /** Queues RESOLVED with the figures of the recovery where the rule still reads them, else the last breaching ones. */
    private Uni<Void> resolved(SqlConnection connection, App app, Row incident, RuleReading current, Instant now) {
        boolean measured = current != null && current.sliValue() != null;
        return queue(connection, app, incident.getUUID("id"), RESOLVED, now, incident.getString("rule"),
                incident.getString("severity"), incident.getString("metric_name"),
                incident.getString("metric_unit"), incident.getLong("measurement_duration_seconds"),
                measured ? current.sliValue() : incident.getDouble("sli_value"),
                measured ? current.sloValue() : incident.getDouble("slo_value"));
    }

    private Uni<Void> queue(SqlConnection connection, App app, UUID incidentId, String status, Instant now,
            String rule, String severity, String metricName, String metricUnit, long durationSeconds, Double sliValue, Double sloValue) {
        JsonObject payload = new JsonObject()
                .put("appKey", app.appKey())
                .put("appDetails", new JsonObject().put("name", app.name()).put("partnerName", app.partnerName()))
                .put("incidentId", incidentId.toString())
                .put("incidentStatus", status)
                .put("time", now.toString())
                .put("metricName", metricName)
                .put("metricUnit", metricUnit)
                .put("measurementDurationSeconds", durationSeconds)
                .put("sliValue", sliValue)
                .put("sloValue", sloValue)
                .put("rule", rule)
                .put("severity", severity);
        return connection.preparedQuery(QUEUE)
                .execute(Tuple.of(incidentId, status, payload, now.atOffset(ZoneOffset.UTC), app.appKey()))
                .replaceWithVoid();
    }
}
