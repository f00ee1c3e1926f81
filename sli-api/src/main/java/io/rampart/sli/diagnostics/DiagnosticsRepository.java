package io.rampart.sli.diagnostics;

import io.rampart.sli.replica.ReadPool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw events behind a breakdown or a list of failures (docs/sli-api.md, "Why it failed"): the
 * rollups keep no outcome, error kind, event type, check name nor site, so both read probe_result
 * and app_event, over the raw retention at most, through their (app, time) indexes.
 */
@ApplicationScoped
public class DiagnosticsRepository {

    /** One group of events with equal causes: the stored values, null where the event has none. */
    record Group(String outcome, Integer statusCode, String errorKind, String target, String location,
            String product, String event, String lifecycle, String checkName, Boolean succeeded, String site,
            long count, long good) {
    }

    /** One failed event. */
    record FailedEvent(Instant time, String outcome, Integer statusCode, String errorKind, String target, String location,
            String product, String event, String lifecycle, String checkName, String site, Integer durationMs) {
    }

    /**
     * The app's probes in [$2, $3) by outcome, code, target and location; good by the availability
     * policy $4 (the database's rampart_probe_good); a PROBER_FAULT probe counts for no app.
     */
    static final String PROBE_GROUPS = """
            select r.outcome, r.status_code, coalesce(t.label, '#' || r.target_id) as target, r.location,
                   count(*) as n, count(*) filter (where rampart_probe_good(r.outcome, r.status_code, $4)) as good
            from probe_result as r
            left join healthcheck_target as t on t.id = r.target_id
            where r.app_key = $1 and r.occurred_at >= $2 and r.occurred_at < $3 and r.outcome <> 'PROBER_FAULT'
            group by 1, 2, 3, 4""";

    /**
     * The app's events of one kind $4 in [$2, $3) by every stored cause; good by the kind's fixed
     * rule where it has one (iframe loads within 12 s, lifecycle 200/204, vendor SUCCESS); webhooks
     * are judged by the webhook policy in Java. $5: only installation callbacks.
     */
    static final String EVENT_GROUPS = """
            select status_code, error_kind, product, webhook_event, lifecycle, check_name, site,
                   case when kind = 'IFRAME_HOST' then
                        case when succeeded and duration_ms <= rampart_iframe_timeout_ms() then 'connected'
                             when succeeded then 'late' else 'never' end end as iframe_result,
                   succeeded, count(*) as n,
                   count(*) filter (where case kind when 'IFRAME_HOST' then succeeded and duration_ms <= rampart_iframe_timeout_ms()
                                                    when 'LIFECYCLE' then status_code in (200, 204)
                                                    else succeeded end) as good
            from app_event
            where app_key = $1 and kind = $4 and occurred_at >= $2 and occurred_at < $3
              and (not $5 or lifecycle = 'INSTALLED')
            group by 1, 2, 3, 4, 5, 6, 7, 8, 9""";

    /** The app's latest failed probes in [$2, $3) under the availability policy $4, newest first, at most $5. */
    static final String FAILED_PROBES = """
            select r.occurred_at, r.outcome, r.status_code, coalesce(t.label, '#' || r.target_id) as target, r.location,
                   r.duration_ms
            from probe_result as r
            left join healthcheck_target as t on t.id = r.target_id
            where r.app_key = $1 and r.occurred_at >= $2 and r.occurred_at < $3 and r.outcome <> 'PROBER_FAULT'
              and not rampart_probe_good(r.outcome, r.status_code, $4)
            order by r.occurred_at desc
            limit $5""";

    /**
     * The app's latest failed events of kind $4 in [$2, $3), newest first, at most $5. A webhook
     * fails by the webhook policy $6 (io.rampart.store.sli.WebhookPolicy, the same rule): not
     * reached, or under normalized not 200/204, under per-product a Confluence answer other than 2xx.
     */
    static final String FAILED_EVENTS = """
            select occurred_at, status_code, error_kind, product, webhook_event, lifecycle, check_name, site, duration_ms,
                   case when kind = 'IFRAME_HOST' then case when succeeded then 'late' else 'never' end end as iframe_result
            from app_event
            where app_key = $1 and kind = $4 and occurred_at >= $2 and occurred_at < $3
              and (not $7 or lifecycle = 'INSTALLED')
              and not coalesce(case kind
                    when 'IFRAME_HOST' then succeeded and duration_ms <= rampart_iframe_timeout_ms()
                    when 'LIFECYCLE' then status_code in (200, 204)
                    when 'WEBHOOK' then case $6 when 'per-product' then product = 'JIRA' or status_code between 200 and 299
                                                else status_code in (200, 204) end and status_code is not null
                    else succeeded end, false)
            order by occurred_at desc
            limit $5""";

    private final ReadPool pool;

    public DiagnosticsRepository(ReadPool pool) {
        this.pool = pool;
    }

    Uni<List<Group>> probeGroups(String appKey, Instant from, Instant to, String availabilityPolicy) {
        return pool.current().preparedQuery(PROBE_GROUPS).execute(Tuple.of(appKey, utc(from), utc(to), availabilityPolicy))
                .map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    for (Row row : rows) {
                        groups.add(new Group(row.getString("outcome"), row.getInteger("status_code"), null,
                                row.getString("target"), row.getString("location"), null, null, null, null, null, null,
                                row.getLong("n"), row.getLong("good")));
                    }
                    return groups;
                });
    }

    Uni<List<Group>> eventGroups(String appKey, String kind, Instant from, Instant to, boolean installedOnly) {
        return pool.current().preparedQuery(EVENT_GROUPS)
                .execute(Tuple.of(appKey, utc(from), utc(to), kind, installedOnly))
                .map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    for (Row row : rows) {
                        groups.add(new Group(row.getString("iframe_result"), row.getInteger("status_code"),
                                row.getString("error_kind"), null, null, row.getString("product"),
                                row.getString("webhook_event"), row.getString("lifecycle"), row.getString("check_name"),
                                row.getBoolean("succeeded"), row.getString("site"), row.getLong("n"), row.getLong("good")));
                    }
                    return groups;
                });
    }

    Uni<List<FailedEvent>> failedProbes(String appKey, Instant from, Instant to, String availabilityPolicy, int limit) {
        return pool.current().preparedQuery(FAILED_PROBES)
                .execute(Tuple.of(appKey, utc(from), utc(to), availabilityPolicy, limit))
                .map(rows -> {
                    List<FailedEvent> failures = new ArrayList<>();
                    for (Row row : rows) {
                        failures.add(new FailedEvent(row.getOffsetDateTime("occurred_at").toInstant(), row.getString("outcome"),
                                row.getInteger("status_code"), null, row.getString("target"), row.getString("location"),
                                null, null, null, null, null, row.getInteger("duration_ms")));
                    }
                    return failures;
                });
    }

    Uni<List<FailedEvent>> failedEvents(String appKey, String kind, Instant from, Instant to, String webhookPolicy,
            boolean installedOnly, int limit) {
        return pool.current().preparedQuery(FAILED_EVENTS)
                .execute(Tuple.from(List.of(appKey, utc(from), utc(to), kind, limit, webhookPolicy, installedOnly)))
                .map(rows -> {
                    List<FailedEvent> failures = new ArrayList<>();
                    for (Row row : rows) {
                        failures.add(new FailedEvent(row.getOffsetDateTime("occurred_at").toInstant(), row.getString("iframe_result"),
                                row.getInteger("status_code"), row.getString("error_kind"), null, null,
                                row.getString("product"), row.getString("webhook_event"), row.getString("lifecycle"),
                                row.getString("check_name"), row.getString("site"), row.getInteger("duration_ms")));
                    }
                    return failures;
                });
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
