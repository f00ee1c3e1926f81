package io.rampart.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the drill and the soak both stand on: the cluster, the apps' health endpoints on loopback,
 * the apps registered through the registry API (one target per endpoint), and the load generator.
 */
final class Rig implements AutoCloseable {

    /**
     * The shape of the traffic: how many apps with how many targets at which interval, and how much
     * load; the prober runs {@code replicasPerService} replicas in each of {@code proberLocations}.
     */
    record Shape(int replicasPerService, int apps, int targetsPerApp, int intervalSeconds, int workers,
            double actionsPerSecond, List<String> proberLocations) {
    }

    private static final Duration TOKEN_VALIDITY = Duration.ofDays(2);

    final Shape shape;
    final Cluster cluster;
    final TargetFarm farm;
    final List<LoadGenerator.App> apps;
    final LoadGenerator load;
    final Path ledger;

    private Rig(Shape shape, Cluster cluster, TargetFarm farm, List<LoadGenerator.App> apps, LoadGenerator load,
            Path ledger) {
        this.shape = shape;
        this.cluster = cluster;
        this.farm = farm;
        this.apps = apps;
        this.load = load;
        this.ledger = ledger;
    }

    static Rig start(Path projectRoot, Path home, Shape shape) throws Exception {
        return on(Cluster.start(projectRoot, home, shape.replicasPerService(), shape.proberLocations()), home, shape);
    }

    /** The rig on a cluster already started (with {@code shape}'s replicas); closing the rig closes it. */
    static Rig on(Cluster cluster, Path home, Shape shape) throws Exception {
        TargetFarm farm = null;
        try {
            farm = new TargetFarm();
            String admin = cluster.keys().token("drill-admin", "admin", List.of(), TOKEN_VALIDITY);
            String host = cluster.keys().token("drill-host", "host", List.of(), TOKEN_VALIDITY);
            List<LoadGenerator.App> apps = register(cluster.urls("sli-api").get(0), admin, farm, shape);
            Path ledger = home.resolve("ledger.txt");
            LoadGenerator load = new LoadGenerator(apps, cluster.urls("event-ingest"), cluster.urls("sli-api"), host,
                    admin, ledger, shape.workers(), shape.actionsPerSecond());
            return new Rig(shape, cluster, farm, apps, load, ledger);
        } catch (Exception e) {
            if (farm != null) {
                farm.close();
            }
            cluster.close();
            throw e;
        }
    }

    List<String> appKeys() {
        return apps.stream().map(LoadGenerator.App::appKey).toList();
    }

    long probesStored() throws SQLException {
        return count("select count(*) from probe_result where app_key = any(?)");
    }

    /** The probe results stored for the rig's apps, by probe location. */
    Map<String, Long> probesStoredByLocation() throws SQLException {
        try (Connection database = cluster.database(); PreparedStatement statement = database.prepareStatement(
                "select location, count(*) from probe_result where app_key = any(?) group by location order by location")) {
            statement.setArray(1, database.createArrayOf("text", appKeys().toArray()));
            Map<String, Long> counts = new TreeMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.put(rows.getString(1), rows.getLong(2));
                }
            }
            return counts;
        }
    }

    /** A count over the rig's apps: {@code sql} takes their keys first ({@code app_key = any(?)}), then {@code more}. */
    long count(String sql, Object... more) throws SQLException {
        try (Connection database = cluster.database(); PreparedStatement statement = database.prepareStatement(sql)) {
            statement.setArray(1, database.createArrayOf("text", appKeys().toArray()));
            for (int i = 0; i < more.length; i++) {
                statement.setObject(i + 2, more[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    /** Registers the apps through sli-api's registry, each target one path of the farm; returns their secrets. */
    private static List<LoadGenerator.App> register(String sliApi, String adminToken, TargetFarm farm, Shape shape)
            throws IOException, InterruptedException {
        ObjectMapper json = new ObjectMapper();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<LoadGenerator.App> apps = new ArrayList<>();
        for (int a = 1; a <= shape.apps(); a++) {
            String appKey = "com.example.drill-" + run + "-" + a;
            ObjectNode app = json.createObjectNode().put("appKey", appKey).put("name", "Drill app " + a)
                    .put("healthcheckPath", "/health").put("checkIntervalSeconds", shape.intervalSeconds());
            ArrayNode baseUrls = app.putArray("baseUrls");
            for (int t = 1; t <= shape.targetsPerApp(); t++) {
                baseUrls.addObject().put("label", "t" + t).put("url", farm.baseUrl() + "/" + appKey + "/t" + t);
            }
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(sliApi + "/api/v1/apps"))
                    .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(app.toString())).build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201) {
                throw new IOException("registering " + appKey + " answered " + created.statusCode() + ": " + created.body());
            }
            apps.add(new LoadGenerator.App(appKey, json.readTree(created.body()).path("sharedSecret").asText()));
        }
        return apps;
    }

    @Override
    public void close() throws IOException {
        load.close();
        farm.close();
        cluster.close();
    }
}
