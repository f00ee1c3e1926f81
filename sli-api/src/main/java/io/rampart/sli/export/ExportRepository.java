package io.rampart.sli.export;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** What the export reads of the registry. */
@ApplicationScoped
public class ExportRepository {

    /** The apps whose SLIs are exported: every enabled app, in key order (a stable exposition). */
    static final String EXPORTED_APPS = """
            select app_key from app
            where enabled
            order by app_key
            """;

    private final Pool pool;

    public ExportRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<String>> exportedApps() {
        return pool.query(EXPORTED_APPS).execute().map(rows -> {
            List<String> keys = new ArrayList<>(rows.size());
            for (Row row : rows) {
                keys.add(row.getString("app_key"));
            }
            return keys;
        });
    }
}
