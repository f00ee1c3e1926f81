package io.rampart.sli.alert;

import io.rampart.sli.alert.notify.Notification;
import io.rampart.sli.alert.notify.QuietHours;
import io.rampart.store.error.Refusal;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The incidents (alert_incident), read and written here only. Opens, updates and resolves them from
 * rule readings, and queues their notifications in the same transaction; reads an app's incidents
 * with the state of their notifications (the incidents API) and its recent ones (the status page). The partial unique index alert_incident_one_open decides between evaluators
 * running at once: only the insert that creates the row queues an ANOMALOUS notification, only
 * the update that closes it a RESOLVED one.
 */
@ApplicationScoped
public class IncidentRepository {

    public static final String ANOMALOUS = Notification.ANOMALOUS;
    public static final String RESOLVED = Notification.RESOLVED;

    /** The app as its notifications name it. */
    public record App(String appKey, String name, String partnerName) {
    }

    /** How many incidents an evaluation opened and resolved. */
    public record Changes(int opened, int resolved) {
    }

    /** An incident as the status page shows it. */
    public record Recent(String rule, String severity, String metricName, Double sliValue, Double sloValue,
            String status, OffsetDateTime openedAt, OffsetDateTime resolvedAt, OffsetDateTime acknowledgedAt,
            String acknowledgedBy) {
    }

    /**
     * Opens the rule's incident of the app, or updates its figures while one is open (the partial
     * unique index alert_incident_one_open decides between evaluators); opened tells which happened.
     */
    private static final String OPEN_OR_UPDATE = """
            insert into alert_incident (id, app_key, rule, severity, metric_name, metric_unit,
                measurement_duration_seconds, sli_value, slo_value, opened_at, updated_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8::float8, $9::float8, $10, $10)
            on conflict (app_key, rule) where status = 'OPEN'
            do update set sli_value = excluded.sli_value, slo_value = excluded.slo_value,
                measurement_duration_seconds = excluded.measurement_duration_seconds, updated_at = excluded.updated_at
            returning id, (xmax = 0) as opened""";

    /**
     * Resolves the app's open incidents whose rule no longer fires. Where a platform fault declared
     * after the incident opened covers the breach that opened it (the rule's window before
     * opened_at), that fault is the reason: its figures are left out now.
     */
    private static final String RESOLVE = """
            update alert_incident i set status = 'RESOLVED', resolved_at = $3, updated_at = $3,
                resolution = (select 'excluded: platform fault ' || a.id from adjustment a
                              where a.kind = 'platform_fault' and a.withdrawn_at is null and a.created_at > i.opened_at
                                and a.starts_at <= i.opened_at
                                and a.ends_at > i.opened_at - make_interval(secs => i.measurement_duration_seconds)
                                and (i.app_key = any(a.app_keys) or a.app_keys is null and a.product is null
                                     or a.product = any(select lower(p) from app, unnest(app.products) as p
                                                        where app.app_key = i.app_key))
                              order by a.id desc limit 1)
            where i.app_key = $1 and i.status = 'OPEN' and not (i.rule = any($2))
            returning id, rule, severity, metric_name, metric_unit, measurement_duration_seconds, sli_value, slo_value,
                resolution""";

    /**
     * The line of the latest suspected platform fault (not dismissed) that lists app $1 in a minute
     * of the $3 seconds up to $2: notifications of that app's breaches then say so.
     */
    private static final String SUSPECTED_FAULT = """
            select 'suspected platform-wide fault: ' || failing || ' of ' || apps || ' apps failing' as line
            from suspected_platform_fault
            where minute > $2::timestamptz - make_interval(secs => $3) and minute <= $2
              and status <> 'DISMISSED' and $1 = any(app_keys)
            order by minute desc limit 1""";

    /** How far back a breach's notification looks for a suspected platform fault of its app: the shortest rule window. */
    private static final long SUSPECTED_FAULT_LOOKBACK_SECONDS = 900;

    /**
     * The app's enabled channels that receive a state change ($4) of incident $5: ANOMALOUS every
     * one whose filters match, RESOLVED those that also want resolve messages and got the trigger.
     */
    private static final String CHANNELS = """
            select c.id, c.quiet_start, c.quiet_end, c.quiet_zone from notification_channel c
            where c.app_key = $1 and c.enabled and notification_channel_receives(c.rules, c.severities, $2, $3)
              and ($4 = 'ANOMALOUS' or c.send_resolved and exists (select 1 from notification_delivery t
                  where t.incident_id = $5 and t.channel_id = c.id and t.incident_status = 'ANOMALOUS' and t.reminder = 0))""";

    /** One notification to one channel, at most once per incident, channel, state and reminder. */
    private static final String QUEUE = """
            insert into notification_delivery (incident_id, channel_id, incident_status, reminder, payload,
                next_attempt_at, created_at)
            values ($1, $2, $3, $4, $5, $6, $7)
            on conflict do nothing""";

    /**
     * Reminders due at $1: per open, unacknowledged incident of an enabled app and enabled channel
     * with reminders that got its trigger, the next reminder's number, once the channel's last
     * message of the incident is reminder_every_hours old and none is pending (a reminder held by
     * quiet hours leaves once; missed ones are not made up).
     */
    private static final String REMINDERS_DUE = """
            select i.id, i.app_key, i.rule, i.severity, i.metric_name, i.metric_unit, i.measurement_duration_seconds,
                i.sli_value, i.slo_value, a.name as app_name, a.partner_name, c.id as channel_id, c.quiet_start,
                c.quiet_end, c.quiet_zone, sent.last_reminder + 1 as reminder
            from alert_incident i
            join app a on a.app_key = i.app_key and a.enabled
            join notification_channel c on c.app_key = i.app_key and c.enabled and c.reminder_every_hours is not null
            cross join lateral (select max(d.reminder) as last_reminder, bool_or(d.state = 'PENDING') as pending,
                    max(coalesce(d.delivered_at, d.last_attempt_at, d.created_at)) as last_sent
                from notification_delivery d
                where d.incident_id = i.id and d.channel_id = c.id and d.incident_status = 'ANOMALOUS') as sent
            where i.status = 'OPEN' and i.acknowledged_at is null and sent.last_reminder is not null and not sent.pending
              and sent.last_sent <= $1::timestamptz - make_interval(hours => c.reminder_every_hours)
              and notification_channel_receives(c.rules, c.severities, i.rule, i.severity)""";

    /** Reminders of an incident not yet sent when it is acknowledged or resolved: they no longer apply. */
    private static final String CANCEL_REMINDERS = """
            update notification_delivery set state = 'CANCELLED'
            where incident_id = $1 and reminder > 0 and state = 'PENDING'""";

    /** Acknowledges an open incident of the app; the first acknowledgement stays. */
    private static final String ACKNOWLEDGE = """
            update alert_incident set acknowledged_at = coalesce(acknowledged_at, $3),
                acknowledged_by = coalesce(acknowledged_by, $4)
            where app_key = $1 and id = $2 and status = 'OPEN'
            returning id""";

    /** The status of an incident of the app, to tell an unknown incident (404) from a resolved one (409). */
    private static final String STATUS = """
            select status from alert_incident where app_key = $1 and id = $2""";

    /** One incident of the app, unless its rule is one of $3 (hidden from the caller). */
    private static final String ONE = """
            select * from alert_incident where app_key = $1 and id = $2 and not (rule = any($3))""";

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

    /**
     * The app's open incidents and those resolved since $2, open first then newest, at most $4, but
     * for the rules $3 (the status page leaves the platform's own out): what the status page shows.
     */
    private static final String OPEN_OR_RESOLVED_SINCE = """
            select rule, severity, metric_name, sli_value, slo_value, status, opened_at, resolved_at, acknowledged_at,
                   acknowledged_by
            from alert_incident
            where app_key = $1 and (status = 'OPEN' or resolved_at >= $2) and not (rule = any($3))
            order by status = 'OPEN' desc, opened_at desc
            limit $4""";

    private final Pool pool;

    public IncidentRepository(Pool pool) {
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
            if (NoDataRules.ADMIN_ONLY.contains(reading.rule())) {
                return Uni.createFrom().item(true);
            }
            long lookback = Math.min(reading.measurementDurationSeconds(), SUSPECTED_FAULT_LOOKBACK_SECONDS);
            return connection.preparedQuery(SUSPECTED_FAULT)
                    .execute(Tuple.of(app.appKey(), now.atOffset(ZoneOffset.UTC), lookback))
                    .chain(suspected -> queue(connection, app, row.getUUID("id"), ANOMALOUS, now, reading.rule(),
                            reading.severity(), reading.metricName(), reading.metricUnit(),
                            reading.measurementDurationSeconds(), reading.sliValue(), reading.sloValue(), null,
                            suspected.size() == 0 ? null : suspected.iterator().next().getString("line")))
                    .replaceWith(true);
        });
    }

    /**
     * Queues RESOLVED with the figures of the recovery where the rule still reads them, else the last
     * breaching ones; an admin-only rule's incident was sent to no channel, so its resolve is not either.
     */
    private Uni<Void> resolved(SqlConnection connection, App app, Row incident, RuleReading current, Instant now) {
        boolean measured = current != null && current.sliValue() != null;
        if (NoDataRules.ADMIN_ONLY.contains(incident.getString("rule"))) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(CANCEL_REMINDERS).execute(Tuple.of(incident.getUUID("id"))).chain(() -> queue(connection, app, incident.getUUID("id"), RESOLVED, now, incident.getString("rule"),
                incident.getString("severity"), incident.getString("metric_name"),
                incident.getString("metric_unit"), incident.getLong("measurement_duration_seconds"),
                measured ? current.sliValue() : incident.getDouble("sli_value"),
                measured ? current.sloValue() : incident.getDouble("slo_value"), incident.getString("resolution"), null));
    }

    /**
     * Queues a state change to the channels that receive it; {@code resolution} (RESOLVED only) says
     * why, where known; {@code suspectedFault} (ANOMALOUS only) the suspected platform fault of its minutes.
     */
    private Uni<Void> queue(SqlConnection connection, App app, UUID incidentId, String status, Instant now,
            String rule, String severity, String metricName, String metricUnit, long durationSeconds, Double sliValue,
            Double sloValue, String resolution, String suspectedFault) {
        JsonObject payload = new Notification(app.appKey(), app.name(), app.partnerName(), incidentId.toString(), status,
                now, rule, severity, metricName, metricUnit, durationSeconds, sliValue, sloValue, 0, false, resolution,
                suspectedFault).payload();
        return connection.preparedQuery(CHANNELS).execute(Tuple.of(app.appKey(), rule, severity, status, incidentId))
                .chain(channels -> Multi.createFrom().iterable(channels)
                        .onItem().transformToUniAndConcatenate(channel -> connection.preparedQuery(QUEUE)
                                .execute(Tuple.tuple(List.of(incidentId, channel.getUUID("id"), status, 0, payload,
                                        releaseAt(channel, severity, now), now.atOffset(ZoneOffset.UTC)))))
                        .collect().asList())
                .replaceWithVoid();
    }

    /** Queues every reminder due at {@code now}; several replicas at once queue each once. */
    public Uni<Integer> queueReminders(Instant now) {
        return pool.preparedQuery(REMINDERS_DUE).execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(row -> {
                            String severity = row.getString("severity");
                            int reminder = row.getInteger("reminder");
                            JsonObject payload = new Notification(row.getString("app_key"), row.getString("app_name"),
                                    row.getString("partner_name"), row.getUUID("id").toString(), ANOMALOUS, now,
                                    row.getString("rule"), severity, row.getString("metric_name"),
                                    row.getString("metric_unit"), row.getLong("measurement_duration_seconds"),
                                    row.getDouble("sli_value"), row.getDouble("slo_value"), reminder, false, null, null).payload();
                            return pool.preparedQuery(QUEUE).execute(Tuple.tuple(List.of(row.getUUID("id"),
                                    row.getUUID("channel_id"), ANOMALOUS, reminder, payload,
                                    releaseAt(row, severity, now), now.atOffset(ZoneOffset.UTC))))
                                    .map(inserted -> inserted.rowCount());
                        })
                        .collect().asList())
                .map(counts -> counts.stream().mapToInt(Integer::intValue).sum());
    }

    /**
     * Acknowledges an open incident for {@code who}: its pending reminders are cancelled and no
     * more are queued. The first acknowledgement is kept; 404 for an unknown incident, 409 for a
     * resolved one.
     */
    public Uni<Void> acknowledge(String appKey, UUID incidentId, String who, Instant now) {
        return pool.withTransaction(connection -> connection.preparedQuery(ACKNOWLEDGE)
                .execute(Tuple.of(appKey, incidentId, now.atOffset(ZoneOffset.UTC), who))
                .chain(rows -> rows.size() > 0
                        ? connection.preparedQuery(CANCEL_REMINDERS).execute(Tuple.of(incidentId)).replaceWithVoid()
                        : connection.preparedQuery(STATUS).execute(Tuple.of(appKey, incidentId)).map(status -> {
                            if (status.size() == 0) {
                                throw Refusal.notFound("the app " + appKey + " has no incident " + incidentId);
                            }
                            throw Refusal.conflict("the incident " + incidentId + " is resolved");
                        })));
    }

    /** Whether the app exists. */
    public Uni<Boolean> appKnown(String appKey) {
        return pool.preparedQuery(APP_KNOWN).execute(Tuple.of(appKey))
                .map(known -> known.iterator().next().getBoolean("known"));
    }

    /**
     * The app's incidents with their notifications, newest first.
     *
     * @param status OPEN, RESOLVED or null for both
     * @param hiddenRules the rules whose incidents are left out
     */
    public Uni<List<IncidentView>> list(String appKey, String status, int limit, String[] hiddenRules) {
        return pool.preparedQuery(LIST).execute(Tuple.of(appKey, status, limit, hiddenRules))
                .chain(this::withNotifications);
    }

    /** The incident of the app with its notifications, unless its rule is hidden: none or one. */
    public Uni<List<IncidentView>> one(String appKey, UUID incidentId, String[] hiddenRules) {
        return pool.preparedQuery(ONE).execute(Tuple.of(appKey, incidentId, hiddenRules))
                .chain(this::withNotifications);
    }

    /** The app's open incidents and those resolved since {@code since}, open first then newest, at most {@code most}. */
    public Uni<List<Recent>> openOrResolvedSince(String appKey, Instant since, String[] hiddenRules, int most) {
        return pool.preparedQuery(OPEN_OR_RESOLVED_SINCE)
                .execute(Tuple.of(appKey, since.atOffset(ZoneOffset.UTC), hiddenRules, most))
                .map(rows -> {
                    List<Recent> incidents = new ArrayList<>();
                    for (Row row : rows) {
                        incidents.add(new Recent(row.getString("rule"), row.getString("severity"),
                                row.getString("metric_name"), row.getDouble("sli_value"), row.getDouble("slo_value"),
                                row.getString("status"), row.getOffsetDateTime("opened_at"),
                                row.getOffsetDateTime("resolved_at"), row.getOffsetDateTime("acknowledged_at"),
                                row.getString("acknowledged_by")));
                    }
                    return incidents;
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

    /** When a notification to this channel may leave: now, or the end of its quiet hours for a non-page severity. */
    private static java.time.OffsetDateTime releaseAt(Row channel, String severity, Instant now) {
        QuietHours quiet = QuietHours.of(channel);
        return (quiet == null ? now : quiet.release(severity, now)).atOffset(ZoneOffset.UTC);
    }
}
