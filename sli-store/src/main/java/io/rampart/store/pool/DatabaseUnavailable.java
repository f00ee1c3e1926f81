package io.rampart.store.pool;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;

import java.net.ConnectException;

/**
 * Whether a failure means the database could not be reached at all (refused, cut, shutting down
 * or starting up: a restart or a failover), as opposed to a statement it refused. Such a failure
 * passes; the next attempt is the remedy.
 */
public final class DatabaseUnavailable {

    private DatabaseUnavailable() {
    }

    public static boolean is(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof ClosedConnectionException) {
                return true;
            }
            // SQL state classes 08 (connection exception) and 57 (operator intervention: shutdown, starting up).
            if (cause instanceof PgException database && database.getSqlState() != null
                    && (database.getSqlState().startsWith("08") || database.getSqlState().startsWith("57"))) {
                return true;
            }
        }
        return false;
    }
}
