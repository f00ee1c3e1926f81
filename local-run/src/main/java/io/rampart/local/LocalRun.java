package io.rampart.local;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.store.local.LocalPostgres;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs Rampart on one machine: an embedded PostgreSQL with its data under {@code .rampart/}, a
 * platform key pair, the three services from their packaged jars, and (with {@code --demo}, or
 * on an empty database) the demo app and the demo fleet with a month of history. Prints the URLs and ready-made tokens; Ctrl-C stops it all.
 */
public final class LocalRun {

    private static final Duration TOKEN_VALIDITY = Duration.ofDays(30);

    private LocalRun() {
    }

    public static void main(String[] args) throws Exception {
        List<String> options = Arrays.asList(args);
        if (options.contains("--help")) {
            System.out.println("usage: ./run-local [--demo]   (--demo registers the demo app and fleet even on a database that has apps)");
            return;
        }
        Path root = Path.of(System.getProperty("rampart.project", ".")).toAbsolutePath().normalize();
        Path home = Path.of(setting("RAMPART_HOME", root.resolve(".rampart").toString()));
        int databasePort = Integer.parseInt(setting("RAMPART_LOCAL_DB_PORT", "54329"));

        LocalPostgres postgres = LocalPostgres.start(home.resolve("postgres"), databasePort);
        PlatformKeys keys = PlatformKeys.loadOrCreate(home.resolve("keys"));
        boolean emptyDatabase = appCount(databasePort) == 0;

        Map<String, String> env = serviceEnvironment(databasePort, keys);

        List<ServiceProcess> services = new ArrayList<>();
        Demo[] demo = new Demo[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(demo[0], services, postgres)));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Path logs = home.resolve("logs");
        services.add(ServiceProcess.start("healthcheck-prober", port("PROBER_PORT", 8081),
                port("PROBER_MANAGEMENT_PORT", 9081), root, logs, env));
        services.add(ServiceProcess.start("event-ingest", port("INGEST_PORT", 8082),
                port("INGEST_MANAGEMENT_PORT", 9082), root, logs, env));
        services.add(ServiceProcess.start("sli-api", port("SLI_API_PORT", 8083),
                port("SLI_API_MANAGEMENT_PORT", 9083), root, logs, env));
        for (ServiceProcess service : services) {
            service.awaitReady(http, Duration.ofSeconds(120));
        }

        String admin = keys.token("local-admin", "admin", List.of(), TOKEN_VALIDITY);
        String host = keys.token("local-host", "host", List.of(), TOKEN_VALIDITY);
        String vendor = keys.token("local-vendor", "vendor", List.of(Demo.APP_KEY), TOKEN_VALIDITY);
        String statuspage = keys.token("local-statuspage", "statuspage", List.of(), TOKEN_VALIDITY);
        Path tokens = writeTokens(home, admin, host, vendor, statuspage);

        System.out.printf("%nRampart is running on an embedded PostgreSQL (localhost:%d, data in %s).%n",
                databasePort, home.resolve("postgres"));
        for (ServiceProcess service : services) {
            System.out.printf("  %-19s %s   (/q/openapi; /q/health, /q/metrics on %s; log: %s)%n",
                    service.name(), service.url(), service.managementUrl(), service.log());
        }
        System.out.printf("%nPlatform tokens, valid %d days (also in %s):%n", TOKEN_VALIDITY.toDays(), tokens);
        System.out.println("  ADMIN_TOKEN=" + admin);
        System.out.println("  HOST_TOKEN=" + host);
        System.out.println("  VENDOR_TOKEN=" + vendor + "   (app_keys: " + Demo.APP_KEY + ")");
        System.out.println("  STATUSPAGE_TOKEN=" + statuspage);

        String sliApi = services.get(2).url();
        if (options.contains("--demo") || emptyDatabase) {
            demo[0] = new Demo(http, sliApi, services.get(1).url(), admin, host);
            try {
                demo[0].start(port("DEMO_APP_PORT", 8090));
                System.out.printf("%nDemo app %s registered; its health checks are served here and probed every 15 s.%n",
                        Demo.APP_KEY);
                System.out.printf("  status page: %s/status/%s (public; other apps' pages: sign in at %s/status/sign-in)%n",
                        sliApi, Demo.APP_KEY, sliApi);
                System.out.printf("  source %s && curl -H \"Authorization: Bearer $VENDOR_TOKEN\" '%s/api/v1/apps/%s/slis?window=1h'%n",
                        tokens, sliApi, Demo.APP_KEY);
                backfillFleet(new DemoFleet(demo[0]), databasePort, sliApi);
                Thread.sleep(20_000);
                printSummary(demo[0].summary(vendor));
            } catch (IOException | SQLException e) {
                // The services stay up: the demo is a convenience, not part of Rampart.
                System.err.println("\nThe demo could not run: " + e.getMessage());
            }
        }
        System.out.println("\nPress Ctrl-C to stop.");
        while (services.stream().allMatch(ServiceProcess::isAlive)) {
            Thread.sleep(1000);
        }
        services.stream().filter(service -> !service.isAlive()).forEach(service ->
                System.err.println(service.name() + " stopped unexpectedly; see " + service.log()));
        System.exit(1);
    }

    /** Registers the demo fleet with its month of history (not again on a restart) and names the pages to open first. */
    private static void backfillFleet(DemoFleet fleet, int databasePort, String sliApi)
            throws IOException, InterruptedException, SQLException {
        long began = System.nanoTime();
        int registered;
        try (Connection connection = connect(databasePort)) {
            registered = fleet.registerAndBackfill(connection);
        }
        if (registered > 0) {
            System.out.printf("%nDemo fleet: %d apps registered with 28 days of history (backfilled in %.1f s: %s).%n",
                    registered, (System.nanoTime() - began) / 1e9, fleet.timings());
        } else {
            System.out.printf("%nDemo fleet: registered by an earlier run, its history is kept.%n");
        }
        System.out.printf("  open first: %s/fleet (sign in with ADMIN_TOKEN) and %s/status/%s (public: an outage 9 days ago)%n",
                sliApi, sliApi, DemoFleet.OUTAGE_APP);
    }

    private static void printSummary(JsonNode summary) {
        System.out.printf("%nSLIs of the last hour (%s):%n", summary.path("webhookPolicy").asText());
        for (JsonNode sli : summary.path("slis")) {
            String unit = sli.path("unit").asText();
            System.out.printf("  %-40s %10s %s%n", sli.path("id").asText(), sli.path("value").isNull() ? "-"
                    : String.format("count".equals(unit) ? "%.0f" : "%.2f", sli.path("value").asDouble()), unit);
        }
    }

    /** The settings every service of a local run gets: the local database, the platform key, the local profile. */
    public static Map<String, String> serviceEnvironment(int databasePort, PlatformKeys keys) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RAMPART_DB_HOST", "localhost");
        env.put("RAMPART_DB_PORT", Integer.toString(databasePort));
        env.put("RAMPART_DB_NAME", LocalPostgres.DATABASE);
        env.put("RAMPART_DB_USER", LocalPostgres.USER);
        env.put("RAMPART_DB_PASSWORD", LocalPostgres.PASSWORD);
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", keys.publicKeyFile().toUri().toString());
        env.put("MP_JWT_VERIFY_ISSUER", PlatformKeys.ISSUER);
        env.put("QUARKUS_PROFILE", "local");
        return env;
    }

    private static long appCount(int databasePort) throws Exception {
        try (Connection connection = connect(databasePort);
                ResultSet rows = connection.createStatement().executeQuery(
                        "select count(*) from pg_tables where tablename = 'app'")) {
            rows.next();
            if (rows.getLong(1) == 0) {
                return 0;
            }
            try (ResultSet apps = connection.createStatement().executeQuery("select count(*) from app")) {
                apps.next();
                return apps.getLong(1);
            }
        }
    }

    private static Connection connect(int databasePort) throws SQLException {
        String url = "jdbc:postgresql://localhost:" + databasePort + "/" + LocalPostgres.DATABASE;
        return DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static Path writeTokens(Path home, String admin, String host, String vendor, String statuspage)
            throws IOException {
        Path file = home.resolve("tokens.env");
        Files.writeString(file, "ADMIN_TOKEN=" + admin + "\nHOST_TOKEN=" + host + "\nVENDOR_TOKEN=" + vendor
                + "\nSTATUSPAGE_TOKEN=" + statuspage + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static void stopAll(Demo demo, List<ServiceProcess> services, LocalPostgres postgres) {
        if (demo != null) {
            demo.close();
        }
        // Services first (they finish in-flight work against the database), then the database.
        services.parallelStream().forEach(service -> {
            try {
                service.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            postgres.close();
        } catch (IOException e) {
            System.err.println("could not stop the embedded PostgreSQL: " + e.getMessage());
        }
    }

    private static int port(String name, int fallback) {
        return Integer.parseInt(setting(name, Integer.toString(fallback)));
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
