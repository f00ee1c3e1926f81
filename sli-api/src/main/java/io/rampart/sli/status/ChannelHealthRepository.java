package io.rampart.sli.status;

import io.rampart.sli.alert.AlertConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * The app's notification channels that are failing (notification_channel, written by
 * io.rampart.sli.alert.notify, read here only): as many failed attempts in a row as the alerts'
 * failing-after setting, so the vendor sees that its pager is broken.
 */
@ApplicationScoped
public class ChannelHealthRepository {

    /** The app's channels with at least $2 failed attempts in a row. */
    private static final String FAILING = """
            select name, type, consecutive_failures, failing_since, last_error from notification_channel
            where app_key = $1 and consecutive_failures >= $2 order by name, id""";

    private final Pool pool;
    private final int failingAfter;

    public ChannelHealthRepository(Pool pool, AlertConfig config) {
        this.pool = pool;
        this.failingAfter = config.delivery().failingAfter();
    }

    public Uni<List<StatusPage.FailingChannel>> failing(String appKey) {
        return pool.preparedQuery(FAILING).execute(Tuple.of(appKey, failingAfter)).map(rows -> {
            List<StatusPage.FailingChannel> channels = new ArrayList<>();
            for (Row row : rows) {
                channels.add(new StatusPage.FailingChannel(row.getString("name"), row.getString("type"),
                        row.getInteger("consecutive_failures"), row.getOffsetDateTime("failing_since") == null ? null
                                : PageFormat.TIME.format(row.getOffsetDateTime("failing_since")),
                        row.getString("last_error")));
            }
            return channels;
        });
    }
}
