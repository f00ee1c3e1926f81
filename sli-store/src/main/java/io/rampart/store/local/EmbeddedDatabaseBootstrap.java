package io.rampart.store.local;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;

/**
 * Gives a service started on its own (outside the prod profile, with {@code RAMPART_DB_HOST}
 * unset) a local PostgreSQL: the one already listening on the local port, or a new embedded one
 * with its data under {@code $RAMPART_HOME/postgres}. Called from each service's main method,
 * before Quarkus reads its configuration. A packaged service carries no embedded PostgreSQL (its
 * build leaves the optional dependency out), so there it only finds the one already listening.
 */
public final class EmbeddedDatabaseBootstrap {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabaseBootstrap.class);

    private EmbeddedDatabaseBootstrap() {
    }

    public static void useEmbeddedIfUnconfigured() {
        if (setting("RAMPART_DB_HOST", null) != null || "prod".equals(activeProfile())) {
            return;
        }
        int port = Integer.parseInt(setting("RAMPART_LOCAL_DB_PORT", "54329"));
        if (!listening(port)) {
            if (!embeddedPostgresPresent()) {
                throw new IllegalStateException("RAMPART_DB_HOST is unset and nothing listens on port " + port
                        + ", and this packaged service carries no embedded PostgreSQL: set RAMPART_DB_HOST (and"
                        + " RAMPART_DB_PORT, _NAME, _USER, _PASSWORD), or start Rampart with ./run-local");
            }
            Path directory = Path.of(setting("RAMPART_HOME", ".rampart")).resolve("postgres");
            try {
                LocalPostgres postgres = LocalPostgres.start(directory, port);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL in " + directory, e);
            }
            LOG.infof("RAMPART_DB_HOST is unset: started an embedded PostgreSQL on port %d, data in %s", port, directory);
        }
        System.setProperty("RAMPART_DB_HOST", "localhost");
        System.setProperty("RAMPART_DB_PORT", Integer.toString(port));
        System.setProperty("RAMPART_DB_NAME", LocalPostgres.DATABASE);
        System.setProperty("RAMPART_DB_USER", LocalPostgres.USER);
        System.setProperty("RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD);
    }

    /** Whether zonky's embedded PostgreSQL is on the class path: in dev mode and tests, not in a packaged service. */
    private static boolean embeddedPostgresPresent() {
        try {
            Class.forName("io.zonky.test.db.postgres.embedded.EmbeddedPostgres", false,
                    EmbeddedDatabaseBootstrap.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String activeProfile() {
        // A packaged Quarkus application runs in the prod profile unless told otherwise.
        return setting("quarkus.profile", setting("QUARKUS_PROFILE", "prod"));
    }

    private static String setting(String name, String fallback) {
        String value = System.getProperty(name, System.getenv(name));
        return value == null || value.isBlank() ? fallback : value;
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void closeQuietly(LocalPostgres postgres) {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("could not stop the embedded PostgreSQL", e);
        }
    }
}
