package io.rampart.sli.diagnostics;

import io.rampart.sli.indicator.Resolution;
import io.rampart.sli.indicator.WindowCover;
import io.rampart.sli.replica.ReadPool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The events behind a breakdown or a list of failures (docs/sli-api.md, "Why it failed"): the
 * rollups (sli_count_minute/hour/day) by the keys they hold, for any window; the raw events
 * (probe_result, app_event), over the raw retention at most, through their (app, time) indexes, for
 * what only they hold (outcome, location, error kind, event type, check name, site).
 */
@ApplicationScoped
public class DiagnosticsRepository {

    /**
     * One group of raw events with equal causes: the stored values, null where the event has none;
     * {@code excluded}: its events lie in minutes the adjustments leave out.
     */
    record Group(String outcome, Integer statusCode, String errorKind, String target, String location,
            String product, String event, String lifecycle, String checkName, Boolean succeeded, String site,
            boolean excluded, long count, long good) {
    }

    /**
     * One rollup key's events over a window, less those of the minutes left out: the stream, the
     * probe's target (label), the webhook's product or the callback's kind ('' where none), the
     * status code (0: none within the timeout, not reached), total and good by the stream's fixed
     * rule; {@code leftOut} the events of the left-out minutes.
     */
    record RollupGroup(String stream, String target, String product, int statusCode, long count, long good,
            long leftOut) {
    }

    /** Minutes [from, to) whose events are left out: of every target (targetId null) or of one health check target. */
    record Cut(Instant from, Instant to, Long targetId) {
    }

    /** One failed event; {@code targetId} a probe's, which target-scoped adjustments match. */
    record FailedEvent(Instant time, String outcome, Integer statusCode, String errorKind, Long targetId, String target,
            String location, String product, String event, String lifecycle, String checkName, String site,
            Integer durationMs) {
    }

    /**
     * The app's probes in [$2, $3) by outcome, code, target and location; good by the availability
     * policy $4 (the database's rampart_probe_good); a PROBER_FAULT probe counts for no app.
     * Excluded: in the left-out minutes [$5, $6) of every target ($7 null) or of its own.
     */
    static final String PROBE_GROUPS = """
            select r.outcome, r.status_code, coalesce(t.label, '#' || r.target_id) as target, r.location,
                   exists (select 1 from unnest($5::timestamptz[], $6::timestamptz[], $7::bigint[]) as x(from_at, to_at, target_id)
                           where r.occurred_at >= x.from_at and r.occurred_at < x.to_at
                             and (x.target_id is null or x.target_id = r.target_id)) as excluded,
                   count(*) as n, count(*) filter (where rampart_probe_good(r.outcome, r.status_code, $4)) as good
            from probe_result as r
            left join healthcheck_target as t on t.id = r.target_id
            where r.app_key = $1 and r.occurred_at >= $2 and r.occurred_at < $3 and r.outcome <> 'PROBER_FAULT'
            group by 1, 2, 3, 4, 5""";

    /**
     * The app's events of one kind $4 in [$2, $3) by every stored cause; good by the kind's fixed
     * rule where it has one (iframe loads within 12 s, lifecycle 200/204, vendor SUCCESS); webhooks
     * are judged by the webhook policy in Java. $5: only installation callbacks. Excluded: in the
     * left-out minutes [$6, $7).
     */
    static final String EVENT_GROUPS = """
            select status_code, error_kind, product, webhook_event, lifecycle, check_name, site,
                   case when kind = 'IFRAME_HOST' then
                        case when succeeded and duration_ms <= rampart_iframe_timeout_ms() then 'connected'
                             when succeeded then 'late' else 'never' end end as iframe_result,
                   succeeded,
                   exists (select 1 from unnest($6::timestamptz[], $7::timestamptz[]) as x(from_at, to_at)
                           where occurred_at >= x.from_at and occurred_at < x.to_at) as excluded,
                   count(*) as n,
                   count(*) filter (where case kind when 'IFRAME_HOST' then succeeded and duration_ms <= rampart_iframe_timeout_ms()
                                                    when 'LIFECYCLE' then status_code in (200, 204)
                                                    else succeeded end) as good
            from app_event
            where app_key = $1 and kind = $4 and occurred_at >= $2 and occurred_at < $3
              and (not $5 or lifecycle = 'INSTALLED')
            group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10""";

    /**
     * The app's rollup rows of the streams $7 under the spans (each a run of whole buckets of one
     * resolution, io.rampart.sli.indicator.WindowCover): sign 1 covers the window, sign -1 the minutes
     * left out (of one probe target where target_id is set), so that the sums are the window less
     * those minutes; left_out counts the latter.
     */
    static final String ROLLUP_GROUPS = """
            with span as (
                select * from unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::int[], $6::bigint[])
                    as s(resolution, start_at, end_at, sign, target_id)
            ),
            counted as (
                %s
            )
            select c.stream, case when c.stream = 'PROBE' then coalesce(t.label, '#' || c.target_id) end as target,
                   c.product, c.status_code, sum(c.sign * c.total)::bigint as n, sum(c.sign * c.good)::bigint as good,
                   coalesce(sum(c.total) filter (where c.sign < 0), 0)::bigint as left_out
            from counted as c
            left join healthcheck_target as t on c.stream = 'PROBE' and t.id = c.target_id
            group by 1, 2, 3, 4""".formatted(String.join("\n    union all\n", Arrays.stream(Resolution.values())
            .map(resolution -> """
                select r.stream, r.target_id, r.product, r.status_code, s.sign, r.total, r.good
                from span as s join sli_count_%1$s as r
                  on r.app_key = $1 and r.bucket >= s.start_at and r.bucket < s.end_at
                where s.resolution = '%1$s' and r.stream = any($7::text[])
                  and (s.target_id is null or r.stream = 'PROBE' and r.target_id = s.target_id)"""
                    .formatted(resolution.sqlName()))
            .toList()));

    /** The app's latest failed probes in [$2, $3) under the availability policy $4, newest first, at most $5. */
    static final String FAILED_PROBES = """
            select r.occurred_at, r.outcome, r.status_code, r.target_id, coalesce(t.label, '#' || r.target_id) as target,
                   r.location, r.duration_ms
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

    Uni<List<Group>> probeGroups(String appKey, Instant from, Instant to, String availabilityPolicy, List<Cut> cuts) {
        return pool.current().preparedQuery(PROBE_GROUPS)
                .execute(Tuple.from(Arrays.asList(appKey, utc(from), utc(to), availabilityPolicy, starts(cuts), ends(cuts),
                        cuts.stream().map(Cut::targetId).toArray(Long[]::new))))
                .map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    for (Row row : rows) {
                        groups.add(new Group(row.getString("outcome"), row.getInteger("status_code"), null,
                                row.getString("target"), row.getString("location"), null, null, null, null, null, null,
                                row.getBoolean("excluded"), row.getLong("n"), row.getLong("good")));
                    }
                    return groups;
                });
    }

    /** @param cuts the minutes left out, of every target (an event has none) */
    Uni<List<Group>> eventGroups(String appKey, String kind, Instant from, Instant to, boolean installedOnly,
            List<Cut> cuts) {
        return pool.current().preparedQuery(EVENT_GROUPS)
                .execute(Tuple.from(Arrays.asList(appKey, utc(from), utc(to), kind, installedOnly, starts(cuts), ends(cuts))))
                .map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    for (Row row : rows) {
                        groups.add(new Group(row.getString("iframe_result"), row.getInteger("status_code"),
                                row.getString("error_kind"), null, null, row.getString("product"),
                                row.getString("webhook_event"), row.getString("lifecycle"), row.getString("check_name"),
                                row.getBoolean("succeeded"), row.getString("site"), row.getBoolean("excluded"),
                                row.getLong("n"), row.getLong("good")));
                    }
                    return groups;
                });
    }

    /** The rollup groups of the streams over [from, to), less the minutes of the cuts (each within [from, to)). */
    Uni<List<RollupGroup>> rollupGroups(String appKey, Set<String> streams, Instant from, Instant to, List<Cut> cuts) {
        List<String> resolutions = new ArrayList<>();
        List<OffsetDateTime> starts = new ArrayList<>();
        List<OffsetDateTime> ends = new ArrayList<>();
        List<Integer> signs = new ArrayList<>();
        List<Long> targets = new ArrayList<>();
        List<Cut> spans = new ArrayList<>();
        spans.add(new Cut(from, to, null));
        spans.addAll(cuts);
        for (int i = 0; i < spans.size(); i++) {
            Cut span = spans.get(i);
            for (WindowCover.Span covered : WindowCover.cover(span.from(), span.to())) {
                resolutions.add(covered.resolution().sqlName());
                starts.add(utc(covered.start()));
                ends.add(utc(covered.end()));
                signs.add(i == 0 ? 1 : -1);
                targets.add(span.targetId());
            }
        }
        return pool.current().preparedQuery(ROLLUP_GROUPS)
                .execute(Tuple.from(Arrays.asList(appKey, resolutions.toArray(String[]::new),
                        starts.toArray(OffsetDateTime[]::new), ends.toArray(OffsetDateTime[]::new),
                        signs.toArray(Integer[]::new), targets.toArray(Long[]::new), streams.toArray(String[]::new))))
                .map(rows -> {
                    List<RollupGroup> groups = new ArrayList<>();
                    for (Row row : rows) {
                        groups.add(new RollupGroup(row.getString("stream"), row.getString("target"),
                                row.getString("product"), row.getInteger("status_code"), row.getLong("n"),
                                row.getLong("good"), row.getLong("left_out")));
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
                                row.getInteger("status_code"), null, row.getLong("target_id"), row.getString("target"),
                                row.getString("location"), null, null, null, null, null, row.getInteger("duration_ms")));
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
                                row.getInteger("status_code"), row.getString("error_kind"), null, null, null,
                                row.getString("product"), row.getString("webhook_event"), row.getString("lifecycle"),
                                row.getString("check_name"), row.getString("site"), row.getInteger("duration_ms")));
                    }
                    return failures;
                });
    }

    private static OffsetDateTime[] starts(List<Cut> cuts) {
        return cuts.stream().map(cut -> utc(cut.from())).toArray(OffsetDateTime[]::new);
    }

    private static OffsetDateTime[] ends(List<Cut> cuts) {
        return cuts.stream().map(cut -> utc(cut.to())).toArray(OffsetDateTime[]::new);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
