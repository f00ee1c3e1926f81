package io.rampart.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The demo fleet of a local run: about 30 apps registered through the registry API, each with 28
 * days of history so that the fleet page and every status page show a month of figures on first
 * start. Vendor items go through the Metric Publish API (Connect JWT, batches of 1,000), host events
 * through the host aggregates API (one aggregate per app, stream and six hours), and probe history into
 * the prober's table with one set-based insert, whose trigger fills the rollups as the prober's
 * inserts do. A few apps have trouble: an outage of a few hours, a slow week, a flaky webhook
 * receiver, a lifecycle failure streak, synthetic checks that stopped. Apps registered by an
 * earlier run (409) get no second backfill.
 */
final class DemoFleet {

    static final String PREFIX = "com.example.fleet.";
    /** The app with an outage of five hours nine days ago: below its availability SLO over 28 days. */
    static final String OUTAGE_APP = PREFIX + "invoice-hub";
    private static final String SLOW_APP = PREFIX + "gantt-studio";
    private static final String FLAKY_WEBHOOK_APP = PREFIX + "sync-bridge";
    private static final String LIFECYCLE_STREAK_APP = PREFIX + "license-guard";
    private static final String SILENT_SYNTHETICS_APP = PREFIX + "report-builder";
    private static final List<String> NAMES = List.of("invoice-hub", "gantt-studio", "sync-bridge", "license-guard",
            "report-builder", "time-tracker", "test-manager", "roadmap-planner", "checklists", "diagram-editor",
            "approval-flow", "asset-catalog", "okr-board", "retro-tools", "wiki-templates", "email-inbox",
            "sprint-insights", "release-notes", "service-desk-forms", "code-review-hub", "budget-planner",
            "risk-register", "survey-maker", "translation-kit", "backup-vault", "sla-timer", "org-chart",
            "smart-links", "focus-mode", "archive-manager");
    private static final Duration HISTORY = Duration.ofDays(28);
    private static final Duration PROBE_STEP = Duration.ofMinutes(10);
    private static final Duration HOST_STEP = Duration.ofHours(6);
    private static final int BATCH = 1000;
    private static final double GAMMA = 1.01 / 0.99;

    /** The outage app's probes and vendor items fail for five hours nine days ago (host events for the six hours around them). */
    private final Instant outageFrom;
    private final Instant outageTo;
    private final Instant slowFrom;
    private final Instant slowTo;
    private final Instant lifecycleStreakFrom;
    private final Instant lifecycleStreakTo;
    private final Instant syntheticsStopped;

    private final ObjectMapper json = new ObjectMapper();
    /** The demo whose services, tokens and HTTP client the fleet uses. */
    private final Demo demo;
    private String timings = "";
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    /** The first hour fully inside the 28 days ingest accepts, with a few minutes to spare. */
    private final Instant start = now.minus(HISTORY).plus(Duration.ofMinutes(65)).truncatedTo(ChronoUnit.HOURS);

    DemoFleet(Demo demo) {
        this.demo = demo;
        Instant today = now.truncatedTo(ChronoUnit.DAYS);
        outageFrom = today.minus(Duration.ofDays(9)).plus(Duration.ofHours(13));
        outageTo = outageFrom.plus(Duration.ofHours(5));
        slowFrom = today.minus(Duration.ofDays(15));
        slowTo = slowFrom.plus(Duration.ofDays(7));
        lifecycleStreakFrom = today.minus(Duration.ofDays(5));
        lifecycleStreakTo = lifecycleStreakFrom.plus(Duration.ofDays(2));
        syntheticsStopped = today.minus(Duration.ofDays(3)).plus(Duration.ofHours(8));
    }

    /**
     * Registers the apps not yet registered, their health checks served by the demo, and backfills
     * their history; returns how many were registered now.
     */
    int registerAndBackfill(Connection database) throws IOException, InterruptedException, SQLException {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.size(); i++) {
            String appKey = PREFIX + NAMES.get(i);
            String secret = register(appKey, i, demo.fleetHealthBase());
            if (secret != null) {
                secrets.put(appKey, secret);
            }
        }
        if (secrets.isEmpty()) {
            return 0;
        }
        backdateRegistration(database, secrets.keySet());
        long began = System.nanoTime();
        insertProbes(database, secrets.keySet());
        long probed = System.nanoTime();
        publishHostAggregates(secrets.keySet());
        long hostDone = System.nanoTime();
        for (Map.Entry<String, String> app : secrets.entrySet()) {
            publishVendorItems(app.getKey(), app.getValue());
        }
        timings = String.format("probes %.1f s, host aggregates %.1f s, vendor items %.1f s", (probed - began) / 1e9,
                (hostDone - probed) / 1e9, (System.nanoTime() - hostDone) / 1e9);
        return secrets.size();
    }

    /** How long each part of the last backfill took. */
    String timings() {
        return timings;
    }

    /** The app's shared secret when registered now, null when an earlier run registered it. */
    private String register(String appKey, int index, String healthBase) throws IOException, InterruptedException {
        String name = NAMES.get(index);
        ObjectNode app = json.createObjectNode()
                .put("appKey", appKey)
                .put("name", Character.toUpperCase(name.charAt(0)) + name.substring(1).replace('-', ' '))
                .put("partnerName", index % 3 == 0 ? "Example Software" : index % 3 == 1 ? "Acme Apps" : "Northwind Labs")
                .put("healthcheckPath", "/health")
                .put("checkIntervalSeconds", 60)
                // Every third app, the outage app among them, has a public status page.
                .put("statusPagePublic", index % 3 == 0);
        app.putArray("products").add(product(appKey));
        app.putArray("baseUrls").addObject().put("url", healthBase + "/" + appKey).put("label", "prod");
        HttpResponse<String> created = demo.send(HttpRequest.newBuilder(URI.create(demo.sliApi + "/api/v1/apps"))
                .header("Authorization", "Bearer " + demo.adminToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(app.toString())));
        if (created.statusCode() == 409) {
            return null;
        }
        Demo.expect2xx("registering " + appKey, created);
        return json.readTree(created.body()).path("sharedSecret").asText();
    }

    /** The fleet is shown as registered when its history begins, so a calendar month judges it from then. */
    private void backdateRegistration(Connection database, Iterable<String> appKeys) throws SQLException {
        try (PreparedStatement update = database.prepareStatement(
                "update app set created_at = ? where app_key = any(?)")) {
            update.setTimestamp(1, Timestamp.from(now.minus(HISTORY)));
            update.setArray(2, database.createArrayOf("text", toArray(appKeys)));
            update.executeUpdate();
        }
    }

    /**
     * Probe history every ten minutes per target, as the prober stores it (status 200 for a
     * success): one statement, so the rollup trigger runs once for all of it.
     */
    private void insertProbes(Connection database, Iterable<String> appKeys) throws SQLException {
        String sql = """
                insert into probe_result (target_id, app_key, scheduled_at, occurred_at, duration_ms, outcome,
                                          status_code, prober)
                select t.id, t.app_key, at, at,
                       case when down then 40 + (random() * 60)::int else 90 + (random() * 250)::int end,
                       case when down then 'HTTP_STATUS' else 'SUCCESS' end, case when down then 503 else 200 end,
                       'local-demo-history'
                from healthcheck_target as t,
                     generate_series(?::timestamptz, ?::timestamptz, ?::interval) as at,
                     lateral (select random() < 0.0002
                                     or (t.app_key = ? and at >= ?::timestamptz and at < ?::timestamptz) as down) as d
                where t.app_key = any(?)""";
        try (PreparedStatement insert = database.prepareStatement(sql)) {
            insert.setTimestamp(1, Timestamp.from(start));
            insert.setTimestamp(2, Timestamp.from(now.minus(Duration.ofMinutes(2))));
            insert.setString(3, PROBE_STEP.toMinutes() + " minutes");
            insert.setString(4, OUTAGE_APP);
            insert.setTimestamp(5, Timestamp.from(outageFrom));
            insert.setTimestamp(6, Timestamp.from(outageTo));
            insert.setArray(7, database.createArrayOf("text", toArray(appKeys)));
            insert.executeUpdate();
        }
    }

    /**
     * Host events as aggregates of iframe loads, lifecycle callbacks and webhooks, one per app, stream
     * and six hours (in the block's first minute): the day rollups, which a month's figures read, are
     * those of events spread over the hours, and the host aggregates API takes 10,000 in seconds.
     */
    private void publishHostAggregates(Iterable<String> appKeys) throws IOException, InterruptedException {
        ArrayNode aggregates = json.createArrayNode();
        for (String appKey : appKeys) {
            Random random = new Random(appKey.hashCode());
            int volume = 10 + random.nextInt(30);
            for (Instant block = start; !block.plus(HOST_STEP).isAfter(now); block = block.plus(HOST_STEP)) {
                boolean outage = appKey.equals(OUTAGE_APP) && overlaps(block, outageFrom, outageTo);
                boolean slow = appKey.equals(SLOW_APP) && overlaps(block, slowFrom, slowTo);
                aggregates.add(iframeLoads(appKey, block, volume, outage, slow, random));
                aggregates.add(lifecycle(appKey, block, random, appKey.equals(LIFECYCLE_STREAK_APP)
                        && overlaps(block, lifecycleStreakFrom, lifecycleStreakTo)));
                aggregates.add(webhooks(appKey, block, volume, outage, appKey.equals(FLAKY_WEBHOOK_APP), random));
                if (aggregates.size() > BATCH - 3) {
                    postAggregates(aggregates);
                    aggregates = json.createArrayNode();
                }
            }
        }
        if (!aggregates.isEmpty()) {
            postAggregates(aggregates);
        }
    }

    private static boolean overlaps(Instant block, Instant from, Instant to) {
        return block.isBefore(to) && block.plus(HOST_STEP).isAfter(from);
    }

    private ObjectNode iframeLoads(String appKey, Instant hour, int volume, boolean outage, boolean slow, Random random) {
        int connected = 0;
        int late = 0;
        int never = 0;
        TreeMap<Integer, Integer> bins = new TreeMap<>();
        for (int i = 0; i < volume * HOST_STEP.toHours(); i++) {
            int ms = slow ? 3000 + random.nextInt(10_000) : 400 + random.nextInt(2200);
            if (outage || random.nextInt(2000) == 0) {
                never++;
                ms = 12_000;
            } else if (ms > 12_000) {
                late++;
                ms = 12_000;
            } else {
                connected++;
            }
            bins.merge(bin(ms), 1, Integer::sum);
        }
        ObjectNode aggregate = aggregate(appKey, hour, "IFRAME_LOAD", bins);
        ArrayNode outcomes = aggregate.putArray("outcomes");
        addOutcome(outcomes, "result", "connected", connected);
        addOutcome(outcomes, "result", "late", late);
        addOutcome(outcomes, "result", "never", never);
        return aggregate;
    }

    private ObjectNode lifecycle(String appKey, Instant hour, Random random, boolean failing) {
        int callbacks = (int) HOST_STEP.toHours() * (1 + random.nextInt(3));
        int failed = failing ? callbacks : random.nextInt(1500) == 0 ? 1 : 0;
        TreeMap<Integer, Integer> bins = new TreeMap<>();
        for (int i = 0; i < callbacks; i++) {
            bins.merge(bin(failing ? 10_000 : 150 + random.nextInt(700)), 1, Integer::sum);
        }
        ObjectNode aggregate = aggregate(appKey, hour, "LIFECYCLE", bins);
        ArrayNode outcomes = aggregate.putArray("outcomes");
        if (callbacks > failed) {
            outcomes.addObject().put("statusCode", 204).put("count", callbacks - failed);
        }
        if (failing) {
            outcomes.addObject().put("errorKind", "TIMEOUT").put("count", failed);
        } else if (failed > 0) {
            outcomes.addObject().put("statusCode", 500).put("count", failed);
        }
        return aggregate;
    }

    private ObjectNode webhooks(String appKey, Instant hour, int volume, boolean outage, boolean flaky, Random random) {
        int deliveries = volume * 3 * (int) HOST_STEP.toHours();
        int ok = 0;
        int serverErrors = 0;
        int timeouts = 0;
        TreeMap<Integer, Integer> bins = new TreeMap<>();
        for (int i = 0; i < deliveries; i++) {
            int ms = 60 + random.nextInt(500);
            if (outage || flaky && random.nextInt(100) < 3) {
                timeouts++;
                ms = 10_000;
            } else if (random.nextInt(flaky ? 40 : 3000) == 0) {
                serverErrors++;
            } else {
                ok++;
            }
            bins.merge(bin(ms), 1, Integer::sum);
        }
        ObjectNode aggregate = aggregate(appKey, hour, "WEBHOOK", bins);
        ArrayNode outcomes = aggregate.putArray("outcomes");
        String product = product(appKey);
        if (ok > 0) {
            outcomes.addObject().put("product", product).put("statusCode", 200).put("count", ok);
        }
        if (serverErrors > 0) {
            outcomes.addObject().put("product", product).put("statusCode", 500).put("count", serverErrors);
        }
        if (timeouts > 0) {
            outcomes.addObject().put("product", product).put("errorKind", "TIMEOUT").put("count", timeouts);
        }
        return aggregate;
    }

    private ObjectNode aggregate(String appKey, Instant hour, String type, TreeMap<Integer, Integer> bins) {
        ObjectNode aggregate = json.createObjectNode().put("appKey", appKey).put("minute", hour.toString())
                .put("type", type).put("idempotencyKey", "local-demo-history/" + hour);
        ObjectNode latency = aggregate.putObject("latency");
        ArrayNode binArray = latency.putArray("bins");
        ArrayNode counts = latency.putArray("counts");
        bins.forEach((bin, count) -> {
            binArray.add(bin);
            counts.add(count);
        });
        return aggregate;
    }

    private static void addOutcome(ArrayNode outcomes, String field, String value, int count) {
        if (count > 0) {
            outcomes.addObject().put(field, value).put("count", count);
        }
    }

    /** Every fourth app is a Confluence app, the others Jira apps. */
    private static String product(String appKey) {
        return NAMES.indexOf(appKey.substring(PREFIX.length())) % 4 == 3 ? "confluence" : "jira";
    }

    /** The published latency bin of docs/slis.md: 0 for 0 ms, else {@code 1 + ceil(ln(ms) / ln γ)}. */
    private static int bin(int ms) {
        return ms == 0 ? 0 : 1 + (int) Math.ceil(Math.log(ms) / Math.log(GAMMA));
    }

    private void postAggregates(ArrayNode aggregates) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        body.set("aggregates", aggregates);
        Demo.expect2xx("publishing host aggregates", demo.send(HttpRequest.newBuilder(
                        URI.create(demo.ingest + "/api/v1/host-aggregates"))
                .header("Authorization", "Bearer " + demo.hostToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))));
    }

    /** Vendor iframe items every 30 minutes and synthetic checks every hour, in batches of 1,000. */
    private void publishVendorItems(String appKey, String sharedSecret) throws IOException, InterruptedException {
        Random random = new Random(appKey.hashCode() * 31L);
        boolean silent = appKey.equals(SILENT_SYNTHETICS_APP);
        List<ObjectNode> items = new ArrayList<>();
        for (Instant at = start; at.isBefore(now); at = at.plus(Duration.ofMinutes(30))) {
            boolean outage = appKey.equals(OUTAGE_APP) && !at.isBefore(outageFrom) && at.isBefore(outageTo);
            items.add(json.createObjectNode().put("metricsType", "IFRAME")
                    .put("status", outage || random.nextInt(800) == 0 ? "FAIL" : "SUCCESS")
                    .put("durationInMillis", 300 + random.nextInt(1800)).put("timestamp", at.toString()));
            if (at.getEpochSecond() % 3600 == 0 && !(silent && at.isAfter(syntheticsStopped))) {
                items.add(json.createObjectNode().put("metricsType", "SYNTHETIC").put("checkName", "create-and-open")
                        .put("status", outage || random.nextInt(400) == 0 ? "FAIL" : "SUCCESS")
                        .put("durationInMillis", 1500 + random.nextInt(3000)).put("timestamp", at.toString()));
            }
        }
        String path = "/rest/atlassian-connect/latest/addons-metrics/" + appKey + "/publish";
        for (int from = 0; from < items.size(); from += BATCH) {
            ArrayNode batch = json.createArrayNode().addAll(items.subList(from, Math.min(items.size(), from + BATCH)));
            Demo.expect2xx("publishing " + appKey + "'s vendor metrics", demo.send(HttpRequest.newBuilder(
                            URI.create(demo.ingest + path))
                    .header("Authorization", "JWT " + ConnectJwt.sign(appKey, sharedSecret, "PUT", path))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(batch.toString()))));
        }
    }

    private static String[] toArray(Iterable<String> values) {
        List<String> list = new ArrayList<>();
        values.forEach(list::add);
        return list.toArray(String[]::new);
    }
}
