package io.rampart.sli.alert.notify;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/** Every SQL statement on notification channels. */
@ApplicationScoped
public class ChannelRepository {

    /** Whether the app exists: an unknown app answers 404, not an empty list. */
    static final String APP_EXISTS = "select 1 from app where app_key = $1";

    /**
     * The app's channels, counted under a lock of the app's row: two creations at once cannot both
     * take the last place (each statement of a READ COMMITTED transaction sees what committed before it).
     */
    static final String LOCK_APP_COUNT_CHANNELS = """
            select (select count(*) from notification_channel c where c.app_key = a.app_key) as channels
            from app a where a.app_key = $1 for update""";

    /** A new channel of the app locked and counted above. The answers read only what a channel shows. */
    static final String INSERT = """
            insert into notification_channel (id, app_key, type, name, url, enabled, key_id, sealed, settings, rules,
                severities, reminder_every_hours, send_resolved, quiet_start, quiet_end, quiet_zone)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            returning *""";

    /** The app's channels, oldest first. */
    static final String LIST = "select * from notification_channel where app_key = $1 order by created_at, id";

    /** One channel of the app. */
    static final String GET = "select * from notification_channel where app_key = $1 and id = $2";

    /** One channel with its sealed credential and its app's names, for a test message. */
    static final String GET_WITH_APP = """
            select c.*, a.name as app_name, a.partner_name from notification_channel c join app a on a.app_key = c.app_key
            where c.app_key = $1 and c.id = $2""";

    /**
     * Writes every setting of a channel as merged from a PATCH; the credential only when a new one
     * is given ($15, $16). updated_at moves only when a value does: a PATCH that changes nothing
     * changes nothing.
     */
    static final String UPDATE = """
            update notification_channel set name = $3, url = $4, enabled = $5, settings = $6, rules = $7,
                severities = $8, reminder_every_hours = $9, send_resolved = $10, quiet_start = $11, quiet_end = $12,
                quiet_zone = $13, key_id = coalesce($15, key_id), sealed = coalesce($16, sealed),
                updated_at = case when $14 or (name, url, enabled, settings, rules, severities, reminder_every_hours,
                        send_resolved, quiet_start, quiet_end, quiet_zone)
                    is distinct from ($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) then now() else updated_at end
            where app_key = $1 and id = $2
            returning *""";

    /** Deletes the channel and (cascade) its delivery records. */
    static final String DELETE = "delete from notification_channel where app_key = $1 and id = $2 returning *";

    /** Every channel credential sealed with another key than the active one, locked for the reseal. */
    static final String SEALED_WITH_OTHER_KEY = """
            select id, key_id, sealed from notification_channel where key_id <> $1 for update""";

    /** A credential sealed again. */
    static final String RESEAL = "update notification_channel set key_id = $2, sealed = $3 where id = $1";

    /**
     * A test message's outcome on the channel's health: delivered clears the failing mark, a
     * failure leaves it as the deliveries left it (a test is not a notification).
     */
    static final String TEST_DELIVERED = """
            update notification_channel set consecutive_failures = 0, failing_since = null, last_error = null
            where id = $1""";

    private final Pool pool;

    public ChannelRepository(Pool pool) {
        this.pool = pool;
    }

    Uni<RowSet<Row>> execute(String statement, Tuple values) {
        return pool.preparedQuery(statement).execute(values);
    }

    static Uni<RowSet<Row>> execute(SqlClient client, String statement, Tuple values) {
        return client.preparedQuery(statement).execute(values);
    }

    Pool pool() {
        return pool;
    }
}
