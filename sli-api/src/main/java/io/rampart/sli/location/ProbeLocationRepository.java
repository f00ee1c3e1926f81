package io.rampart.sli.location;

import io.rampart.sli.replica.ReadPool;
import io.vertx.mutiny.sqlclient.Pool;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The prober's replicas by location, as they record themselves in {@code prober_replica} (V150). */
@ApplicationScoped
public class ProbeLocationRepository {

    /** One location's replicas (the prober forgets those silent for a day), the live ones, and the latest sync. */
    private static final String LOCATIONS = """
            select location, count(*) as replicas,
                   count(*) filter (where seen_at > now() - $1 * interval '1 millisecond') as live_replicas,
                   max(seen_at) as last_seen_at
            from prober_replica group by location order by location""";

    /** An app's probe locations (null: every live location) and quorum rule. */
    private static final String APP_LOCATIONS = """
            select probe_locations, quorum from app where app_key = $1""";

    /** Sets an app's probe locations and quorum rule; answers the app's key where it exists. */
    private static final String SET_APP_LOCATIONS = """
            update app set probe_locations = $2, quorum = $3, updated_at = now() where app_key = $1
            returning probe_locations, quorum""";

    /** Where an app is probed from and how a slot's verdict is taken (docs/slis.md). */
    public record AppLocations(List<String> probeLocations, String quorum) {
    }

    /** One location: live while one of its replicas synced within the expiry, else gone. */
    public record ProbeLocation(String location, boolean live, long replicas, long liveReplicas, Instant lastSeenAt) {
    }

    private final ReadPool pool;
    private final Pool primary;
    private final ProbeLocationConfig config;

    public ProbeLocationRepository(ReadPool pool, Pool primary, ProbeLocationConfig config) {
        this.pool = pool;
        this.primary = primary;
        this.config = config;
    }

    /** The app's locations and rule, or null where there is no such app. */
    public Uni<AppLocations> ofApp(String appKey) {
        return primary.preparedQuery(APP_LOCATIONS).execute(Tuple.of(appKey)).map(ProbeLocationRepository::appLocations);
    }

    /** Sets the app's locations (null: every live location) and rule; null where there is no such app. */
    public Uni<AppLocations> set(String appKey, AppLocations locations) {
        return primary.preparedQuery(SET_APP_LOCATIONS)
                .execute(Tuple.of(appKey, locations.probeLocations() == null ? null
                        : locations.probeLocations().toArray(String[]::new), locations.quorum()))
                .map(ProbeLocationRepository::appLocations);
    }

    private static AppLocations appLocations(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        String[] listed = row.getArrayOfStrings("probe_locations");
        return new AppLocations(listed == null ? null : List.of(listed), row.getString("quorum"));
    }

    public Uni<List<ProbeLocation>> all() {
        return pool.current().preparedQuery(LOCATIONS).execute(Tuple.of(config.expiry().toMillis())).map(rows -> {
            List<ProbeLocation> locations = new ArrayList<>();
            for (Row row : rows) {
                long live = row.getLong("live_replicas");
                locations.add(new ProbeLocation(row.getString("location"), live > 0, row.getLong("replicas"), live,
                        row.getOffsetDateTime("last_seen_at").toInstant()));
            }
            return locations;
        });
    }
}
