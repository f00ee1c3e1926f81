package io.rampart.prober.schedule;

import io.rampart.prober.probe.ProbeTarget;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shared schedule in {@code probe_schedule}: which slot of which target is due, and which
 * replica has claimed it. All replicas run the same set-based statements; PostgreSQL's row locks
 * ({@code FOR UPDATE SKIP LOCKED}) make every slot go to exactly one of them.
 */
public final class ProbeScheduleRepository {

    /**
     * Brings the schedule in line with the registry (after {@link #HEARTBEAT}, which records this
     * replica as live, tells whether it is needed and reads the live locations, $1): one row per
     * enabled target and location it is probed from (the target's list, else its app's, else every
     * location with a live replica). New rows (a new target, a target enabled again, a new
     * location) get the target's next slot ({@code rampart_probe_slot_after}: slots
     * spread over the interval by target, the same in every location); where the app's interval
     * changed, the row moves to the next slot of the new interval; rows of targets that are gone or
     * disabled, and of locations no longer wanted, are removed. Idempotent, safe to run from every
     * replica. Also answers the shortest interval of any enabled app: the engine syncs at least that
     * often, so that a change takes effect within one interval.
     */
    private static final String SYNC = """
            with probed as (
                select t.id, a.check_interval_seconds as interval_seconds, l.location
                from healthcheck_target t join app a on a.app_key = t.app_key
                cross join lateral unnest(coalesce(t.probe_locations, a.probe_locations,
                                                   $1::text[])) as l(location)
                where t.enabled and a.enabled),
            -- Each row is looked up by key (the lateral subquery with its limit is not turned into
            -- a join), and the rows to re-time or remove through the registry's keys rather than by
            -- scanning probed: with statistics from before a bulk registration, the planner took
            -- these tables for a few rows and compared 6,500 schedule rows with each of 100,000
            -- probed ones (a 20 to 90 s sync, the replica's heartbeat late meanwhile).
            added as (
                insert into probe_schedule (target_id, location, next_due_at, interval_seconds)
                select id, location, rampart_probe_slot_after(id, interval_seconds, now()), interval_seconds
                from probed p
                left join lateral (select true as present from probe_schedule s
                                   where s.target_id = p.id and s.location = p.location limit 1) as scheduled on true
                where scheduled.present is null
                on conflict (target_id, location) do nothing
                returning target_id),
            retimed as (
                update probe_schedule s
                set next_due_at = rampart_probe_slot_after(s.target_id, a.check_interval_seconds, now()),
                    interval_seconds = a.check_interval_seconds
                from healthcheck_target t join app a on a.app_key = t.app_key
                where t.id = s.target_id and t.enabled and a.enabled
                  and s.interval_seconds <> a.check_interval_seconds
                  and s.location = any(coalesce(t.probe_locations, a.probe_locations, $1::text[]))
                returning s.target_id),
            removed as (
                delete from probe_schedule s
                where not exists (
                    select 1 from healthcheck_target t join app a on a.app_key = t.app_key
                    where t.id = s.target_id and t.enabled and a.enabled
                      and s.location = any(coalesce(t.probe_locations, a.probe_locations, $1::text[])))
                returning s.target_id)
            select (select count(*) from added) as added, (select count(*) from retimed) as retimed,
                   (select count(*) from removed) as removed,
                   (select min(interval_seconds) from probed) as shortest_interval""";

    /**
     * Moves each row no claim has seen yet (a new row: {@code lease_until} is set by the first claim
     * and kept by a release) whose slot has passed to its first slot after now. Run in the sync's
     * transaction, after it: the sync counts a new row's first slot from its own start, and a sync
     * that takes 100,000 targets in runs for seconds, so a tenth of them would be due, late, the
     * moment it commits; a replica would then spend the next tens of seconds catching up (the
     * benchmark's bulk registration). A slot that passed before the row was in the schedule is no
     * slot the target missed. {@code clock_timestamp()}, unlike {@code now()}, is the time of this
     * statement, not of the transaction's start.
     */
    private static final String FIRST_SLOTS_AFTER_SYNC = """
            update probe_schedule
            set next_due_at = rampart_probe_slot_after(target_id, interval_seconds, clock_timestamp())
            where lease_until is null and next_due_at < clock_timestamp()""";

    /**
     * Refreshes the planner's statistics of the tables a claim reads, after a sync that changed
     * many rows: with the counts of before a bulk registration, the claim's plan (cached per
     * connection) kept one replica's claims stalled for 45 s in the benchmark, until autovacuum's
     * own analyze, up to a minute later, caught up. A role that does not own them gets a warning
     * from the database, not an error.
     */
    private static final String REFRESH_STATISTICS = """
            analyze probe_schedule, healthcheck_target, app""";
    /** Rows a sync adds or removes past which it refreshes the statistics. */
    private static final long MANY_ROWS = 1_000;

    /**
     * Records this replica as live in its location, and answers what a full sync depends on: the
     * registry's fingerprint and the live locations. The fingerprint is the rows of app and
     * healthcheck_target and the sum of their row versions' transaction ids (xmin): any committed
     * insert, update or delete changes it, and reading it is a scan of both tables (about 30 ms for
     * 100,000 targets, a thirtieth of the full sync). Read before the sync's own snapshot, so that
     * a write committed after the read is synced next time.
     */
    private static final String HEARTBEAT = """
            with heartbeat as (
                insert into prober_replica (replica_id, location, seen_at) values ($1, $2, now())
                on conflict (replica_id) do update set location = excluded.location, seen_at = excluded.seen_at
                returning replica_id)
            select (select count(*) from app) + (select count(*) from healthcheck_target) as registry_rows,
                   ((select coalesce(sum(xmin::text::bigint), 0) from app)
                       + (select coalesce(sum(xmin::text::bigint), 0) from healthcheck_target))::bigint
                       as registry_versions,
                   (select array_agg(location order by location)
                    from (select location from prober_replica where seen_at > now() - $3 * interval '1 millisecond'
                          union select $2) as l) as live_locations""";

    /** Every location a replica ever synced from (kept a day), and whether one of its replicas is live. */
    private static final String LOCATIONS = """
            select location, max(seen_at) > now() - $1 * interval '1 millisecond' as live
            from prober_replica group by location""";

    /** Forgets replicas silent for a day: their locations stop being reported as gone. */
    private static final String FORGET_REPLICAS = """
            delete from prober_replica where seen_at < now() - interval '1 day'""";

    /**
     * Claims the slots due before now + lookahead and advances each claimed row to its next slot,
     * counted from the slot, not from now. A target whose slots were missed entirely (no replica
     * alive, the database away) is probed once, for its latest missed slot, instead of once per
     * missed slot; and not even that when the slot is more than half an interval late, because the
     * next slot would then follow it within half an interval: a target is never probed twice in
     * one interval. The row still advances past the skipped slot, to the target's next slot
     * ({@code rampart_probe_slot_after}, the slot + the interval unless the interval changed). Only
     * this replica's location's rows are claimed. The registry join makes a disabled or deleted
     * target stop at once, and the interval is read from the app at every claim.
     */
    private static final String CLAIM = """
            with due as (
                select s.target_id, s.next_due_at, a.check_interval_seconds as interval_seconds,
                       t.app_key, rtrim(t.base_url, '/') || a.healthcheck_path as url
                from probe_schedule s
                join healthcheck_target t on t.id = s.target_id and t.enabled
                join app a on a.app_key = t.app_key and a.enabled
                where s.location = $5 and s.next_due_at <= now() + $2 * interval '1 millisecond'
                order by s.next_due_at
                limit $3
                for update of s skip locked),
            latest as (
                select target_id, app_key, url, interval_seconds,
                       next_due_at + make_interval(secs => interval_seconds
                           * floor(greatest(0, extract(epoch from now() - next_due_at)) / interval_seconds)) as at
                from due),
            slot as (
                select latest.*, now() - at > make_interval(secs => interval_seconds / 2.0) as too_late
                from latest),
            advanced as (
                update probe_schedule s
                set next_due_at = rampart_probe_slot_after(slot.target_id, slot.interval_seconds, slot.at),
                    interval_seconds = slot.interval_seconds,
                    lease_owner = case when slot.too_late then s.lease_owner else $1 end,
                    lease_until = case when slot.too_late then s.lease_until else slot.at + $4 * interval '1 millisecond' end
                from slot
                where s.target_id = slot.target_id and s.location = $5
                returning s.target_id, slot.app_key, slot.url, slot.at, slot.too_late, slot.interval_seconds)
            select target_id, app_key, url, at, at + make_interval(secs => interval_seconds / 2.0) as latest_start
            from advanced where not too_late""";

    /**
     * Hands claimed slots back (they were not started): the row falls due again at its earliest
     * unstarted slot, unless another replica has claimed it since (then the lease is no longer ours).
     * {@code lease_until} stays: the row was claimed before, so its slot is a missed one if it passes.
     */
    private static final String RELEASE = """
            update probe_schedule s
            set next_due_at = r.slot, lease_owner = null
            from (select target_id, min(slot) as slot
                  from unnest($2::bigint[], $3::timestamptz[]) as u(target_id, slot)
                  group by target_id) r
            where s.target_id = r.target_id and s.location = $4 and s.lease_owner = $1""";

    private final Pool pool;
    private final String replicaId;
    private final String location;
    private final Duration locationExpiry;

    public ProbeScheduleRepository(Pool pool, String replicaId, String location, Duration locationExpiry) {
        this.pool = pool;
        this.replicaId = replicaId;
        this.location = location;
        this.locationExpiry = locationExpiry;
    }

    /**
     * Result of one {@link #sync()}: how many rows were added, re-timed and removed, and the
     * shortest interval of any enabled app (empty where there is none).
     */
    public record SyncResult(long added, long retimed, long removed, Optional<Duration> shortestInterval) {
    }

    /** What a full sync's outcome depends on: the registry's fingerprint and the live locations. */
    public record RegistryState(long rows, long versions, List<String> liveLocations) {
    }

    /** Records this replica as live and answers the registry's state (see {@link #HEARTBEAT}). */
    public Uni<RegistryState> heartbeat() {
        return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(replicaId, location, locationExpiry.toMillis()))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new RegistryState(row.getLong("registry_rows"), row.getLong("registry_versions"),
                            List.of(row.getArrayOfStrings("live_locations")));
                });
    }

    /** Brings the schedule in line with the registry, probing by default from the locations {@code state} found live. */
    public Uni<SyncResult> sync(RegistryState state) {
        Tuple liveLocations = Tuple.tuple().addArrayOfString(state.liveLocations().toArray(String[]::new));
        return pool.withTransaction(connection -> connection.preparedQuery(SYNC).execute(liveLocations)
                        .map(ProbeScheduleRepository::syncResult)
                        .call(synced -> synced.added() > 0
                                ? connection.query(FIRST_SLOTS_AFTER_SYNC).execute() : Uni.createFrom().voidItem()))
                .call(synced -> synced.added() + synced.removed() > MANY_ROWS
                        ? pool.query(REFRESH_STATISTICS).execute() : Uni.createFrom().voidItem());
    }

    private static SyncResult syncResult(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        Integer shortest = row.getInteger("shortest_interval");
        return new SyncResult(row.getLong("added"), row.getLong("retimed"), row.getLong("removed"),
                Optional.ofNullable(shortest).map(Duration::ofSeconds));
    }

    /**
     * Claims at most {@code limit} slots due before now + {@code lookahead}, each held until its
     * slot + {@code hold} (the probe timeout).
     */
    public Uni<List<ProbeTarget>> claim(int limit, Duration lookahead, Duration hold) {
        return pool.preparedQuery(CLAIM)
                .execute(Tuple.of(replicaId, lookahead.toMillis(), limit, hold.toMillis(), location))
                .map(rows -> {
                    List<ProbeTarget> claimed = new ArrayList<>(rows.rowCount());
                    for (Row row : rows) {
                        claimed.add(new ProbeTarget(row.getLong("target_id"), row.getString("app_key"),
                                row.getString("url"), row.getOffsetDateTime("at").toInstant(),
                                row.getOffsetDateTime("latest_start").toInstant()));
                    }
                    return claimed;
                });
    }

    /** Hands back slots claimed but not started, so that another replica probes them on time. */
    public Uni<Integer> release(List<ProbeTarget> unstarted) {
        if (unstarted.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        Long[] ids = unstarted.stream().map(ProbeTarget::targetId).toArray(Long[]::new);
        OffsetDateTime[] slots = unstarted.stream()
                .map(target -> target.slot().atOffset(ZoneOffset.UTC)).toArray(OffsetDateTime[]::new);
        return pool.preparedQuery(RELEASE).execute(Tuple.of(replicaId, ids, slots, location)).map(rows -> rows.rowCount());
    }

    /** Every location known, live (one of its replicas synced within the expiry) or gone; forgets day-old replicas. */
    public Uni<Map<String, Boolean>> locations() {
        return pool.query(FORGET_REPLICAS).execute()
                .chain(() -> pool.preparedQuery(LOCATIONS).execute(Tuple.of(locationExpiry.toMillis())))
                .map(rows -> {
                    Map<String, Boolean> locations = new TreeMap<>();
                    for (Row row : rows) {
                        locations.put(row.getString("location"), row.getBoolean("live"));
                    }
                    return locations;
                });
    }
}
