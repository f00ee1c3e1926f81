package io.rampart.sli.alert;

import io.rampart.store.sli.SliId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
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

    private final AlertRepository repository;
    private final AlertConfig config;

    public NoDataRules(AlertRepository repository, AlertConfig config) {
        this.repository = repository;
        this.config = config;
    }

    /** Both rules' readings of the app at {@code now}, one statement after the other. */
    public Uni<List<RuleReading>> evaluate(String appKey, Instant now) {
        OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
        return repository.lastSynthetic(appKey, at, (int) config.syntheticStaleAfter().toMinutes())
                .chain(synthetic -> repository.targetsWithoutProbes(appKey, at, MISSED_INTERVALS)
                        .map(probes -> List.of(syntheticStale(synthetic, now), probesMissing(probes))));
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
