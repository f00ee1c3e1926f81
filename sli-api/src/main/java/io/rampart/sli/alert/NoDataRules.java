package io.rampart.sli.alert;

import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

/**
 * The no-data rules of docs/alerts.md, read from the raw tables as they stood at the evaluation's
 * time: an app that sent synthetic check results and then none for a while, and health check
 * targets without a stored probe result for several of their intervals.
 */
@ApplicationScoped
public class NoDataRules {

    public static final String SYNTHETIC_STALE = "synthetic_checks_stale";
    public static final String PROBES_MISSING = "probes_missing";
    /** Rules about the platform's own work: their incidents are shown to admins only and sent to no vendor channel. */
    public static final Set<String> ADMIN_ONLY = Set.of(PROBES_MISSING);
    /** Intervals of a target without any stored probe result before probes_missing fires. */
    static final int MISSED_INTERVALS = 5;

    private static final String TICKET = "ticket";

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
    private final AlertConfig config;

    public NoDataRules(Pool pool, AlertConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Both rules' readings of the app at {@code now}, one statement after the other. */
    public Uni<List<RuleReading>> evaluate(String appKey, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        return pool.preparedQuery(LAST_SYNTHETIC)
                .execute(Tuple.of(appKey, at, (int) config.syntheticStaleAfter().toMinutes()))
                .chain(synthetic -> pool.preparedQuery(TARGETS_WITHOUT_PROBES)
                        .execute(Tuple.of(appKey, at, MISSED_INTERVALS))
                        .map(probes -> List.of(syntheticStale(synthetic.iterator().next(), now),
                                probesMissing(probes.iterator().next()))));
    }

    /** Fires while the latest synthetic result is at least the app's silence older than now; never before the first one. */
    private static RuleReading syntheticStale(Row row, Instant now) {
        Duration silence = Duration.ofMinutes(row.getInteger("stale_after_minutes"));
        OffsetDateTime last = row.getOffsetDateTime("last_result");
        boolean firing = last != null && !last.toInstant().plus(silence).isAfter(now);
        return new RuleReading(SYNTHETIC_STALE, TICKET, SliId.SYNTHETIC_CHECK_SUCCESS_RATE_APP_SERVER.id(), "%",
                silence.toSeconds(), null, null, firing);
    }

    /** Fires while at least one of the app's targets has no probe result in its last intervals. */
    private static RuleReading probesMissing(Row row) {
        return new RuleReading(PROBES_MISSING, TICKET, SliId.AVAILABILITY_SUCCESS_RATE.id(), "%",
                (long) MISSED_INTERVALS * row.getInteger("check_interval_seconds"), null, null,
                row.getLong("missing") > 0);
    }
}
