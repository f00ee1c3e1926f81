package io.rampart.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rampart.local.ConnectJwt;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * A mixed load as the platform and vendors make it: vendor metric publishes (Connect JWT), host
 * events and SLI reads, spread over the replicas of each service. Every event carries an
 * {@code eventId}; a publish that was not acknowledged is sent again, same ids, to the next replica
 * until it is, as a careful client does. The ledger file is the generator's own record: one line
 * {@code ACK <eventId>} per acknowledged event, written after the 2xx arrived.
 */
final class LoadGenerator implements AutoCloseable {

    /** An app the load publishes for, with the shared secret its Connect JWTs are signed with. */
    record App(String appKey, String sharedSecret) {
    }

    /** What the generator did; {@code answers} counts every HTTP answer (or refusal) by endpoint and status. */
    record Tally(long eventsSent, long eventsAcknowledged, long eventsRejected, long eventsGivenUp, long reads,
            Map<String, Long> answers) {
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final int EVENTS_PER_REQUEST = 10;
    private static final String[] WEBHOOK_EVENTS = {"jira:issue_created", "jira:issue_updated", "page_created"};

    private final List<App> apps;
    private final List<String> ingest;
    private final List<String> sliApi;
    private final String hostToken;
    private final String adminToken;
    private final BufferedWriter ledger;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong nextEventId = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong givenUp = new AtomicLong();
    private final AtomicLong reads = new AtomicLong();
    private final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    private final ExecutorService workers;
    private final int workerCount;
    private final Duration period;
    private volatile boolean sending = true;
    private volatile Instant giveUpAt = Instant.MAX;

    /**
     * @param actionsPerSecond requests started per second over all workers (first attempts; retries come on top)
     */
    LoadGenerator(List<App> apps, List<String> ingest, List<String> sliApi, String hostToken, String adminToken,
            Path ledgerFile, int workers, double actionsPerSecond) throws IOException {
        this.apps = apps;
        this.ingest = ingest;
        this.sliApi = sliApi;
        this.hostToken = hostToken;
        this.adminToken = adminToken;
        this.ledger = Files.newBufferedWriter(ledgerFile);
        this.workerCount = workers;
        this.workers = Executors.newFixedThreadPool(workers);
        this.period = Duration.ofNanos((long) (workers * 1e9 / actionsPerSecond));
    }

    /** The prefix of every eventId of this run. */
    String eventIdPrefix() {
        return "drill-" + runId + "-";
    }

    void start() {
        for (int i = 0; i < workerCount; i++) {
            int worker = i;
            workers.submit(() -> run(worker));
        }
    }

    /** Starts no new request; those being retried go on until acknowledged or until {@code patience} has passed. */
    Tally finish(Duration patience) throws InterruptedException, IOException {
        sending = false;
        giveUpAt = Instant.now().plus(patience);
        workers.shutdown();
        if (!workers.awaitTermination(patience.toSeconds() + REQUEST_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the load generator's workers did not stop");
        }
        synchronized (ledger) {
            ledger.flush();
        }
        Map<String, Long> byAnswer = new TreeMap<>();
        answers.forEach((key, count) -> byAnswer.put(key, count.sum()));
        return new Tally(sent.get(), acknowledged.get(), rejected.get(), givenUp.get(), reads.get(), byAnswer);
    }

    private void run(int worker) {
        long next = System.nanoTime() + worker * period.toNanos() / workerCount;
        int turn = worker;
        while (sending) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            next += period.toNanos();
            App app = apps.get(ThreadLocalRandom.current().nextInt(apps.size()));
            try {
                switch (turn++ % 5) {
                    case 0, 1 -> publishVendorMetrics(app);
                    case 2, 3 -> publishHostEvents(app);
                    default -> readSlis(app);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                count("load generator " + e.getClass().getSimpleName());
            }
        }
    }

    private void publishVendorMetrics(App app) throws InterruptedException {
        ArrayNode items = json.createArrayNode();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
            String id = eventId();
            ids.add(id);
            boolean synthetic = i % 4 == 3;
            ObjectNode item = items.addObject().put("metricsType", synthetic ? "SYNTHETIC" : "IFRAME")
                    .put("status", ThreadLocalRandom.current().nextInt(50) == 0 ? "FAIL" : "SUCCESS")
                    .put("durationInMillis", 200 + ThreadLocalRandom.current().nextInt(1800))
                    .put("timestamp", recently().toString()).put("eventId", id);
            if (synthetic) {
                item.put("checkName", "create-issue");
            }
        }
        String path = "/rest/atlassian-connect/latest/addons-metrics/" + app.appKey() + "/publish";
        String body = items.toString();
        deliver("publish", ids, ingest, base -> HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "JWT " + ConnectJwt.sign(app.appKey(), app.sharedSecret(), "PUT", path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
    }

    private void publishHostEvents(App app) throws InterruptedException {
        ArrayNode events = json.createArrayNode();
        List<String> ids = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
            String id = eventId();
            ids.add(id);
            ObjectNode event = events.addObject().put("appKey", app.appKey()).put("eventId", id)
                    .put("occurredAt", recently().toString());
            switch (i % 3) {
                case 0 -> event.put("type", "IFRAME_LOAD").put("durationMs", 300 + random.nextInt(3000))
                        .put("connected", random.nextInt(40) != 0);
                case 1 -> event.put("type", "WEBHOOK").put("durationMs", 50 + random.nextInt(700))
                        .put("queueMs", random.nextInt(100)).put("product", "jira")
                        .put("event", WEBHOOK_EVENTS[random.nextInt(WEBHOOK_EVENTS.length)])
                        .put("statusCode", random.nextInt(30) == 0 ? 500 : 200);
                default -> event.put("type", "LIFECYCLE").put("durationMs", 100 + random.nextInt(900))
                        .put("lifecycle", "updated").put("statusCode", random.nextInt(30) == 0 ? 500 : 204);
            }
        }
        ObjectNode body = json.createObjectNode();
        body.set("events", events);
        String text = body.toString();
        deliver("host-events", ids, ingest, base -> HttpRequest.newBuilder(URI.create(base + "/api/v1/host-events"))
                .header("Authorization", "Bearer " + hostToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(text)));
    }

    /** One read, at one replica, no retry: what a status page or a dashboard does. */
    private void readSlis(App app) throws InterruptedException {
        reads.incrementAndGet();
        String base = sliApi.get(ThreadLocalRandom.current().nextInt(sliApi.size()));
        String path = ThreadLocalRandom.current().nextBoolean() ? "/slis?window=1h"
                : "/slis/iframe_load_success_rate/series?window=1h&step=5m";
        send("slis", HttpRequest.newBuilder(URI.create(base + "/api/v1/apps/" + app.appKey() + path))
                .header("Authorization", "Bearer " + adminToken).GET());
    }

    /**
     * Sends the request until a replica acknowledges it (2xx), moving to the next replica after a
     * refusal, a 5xx or a 429; a 4xx other than 429 is the client's fault and is not repeated.
     */
    private void deliver(String endpoint, List<String> ids, List<String> replicas,
            Function<String, HttpRequest.Builder> request) throws InterruptedException {
        sent.addAndGet(ids.size());
        int replica = ThreadLocalRandom.current().nextInt(replicas.size());
        long backoffMillis = 100;
        while (true) {
            int status = send(endpoint, request.apply(replicas.get(replica % replicas.size())));
            if (status / 100 == 2) {
                acknowledged.addAndGet(ids.size());
                record(ids);
                return;
            }
            if (status / 100 == 4 && status != 429) {
                rejected.addAndGet(ids.size());
                return;
            }
            if (Instant.now().isAfter(giveUpAt)) {
                givenUp.addAndGet(ids.size());
                return;
            }
            replica++;
            Thread.sleep(backoffMillis);
            backoffMillis = Math.min(backoffMillis * 2, 2000);
        }
    }

    /** The answer's status, or 0 when no answer came (refused, reset, timed out); counted either way. */
    private int send(String endpoint, HttpRequest.Builder request) throws InterruptedException {
        try {
            int status = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            count(endpoint + " " + status);
            return status;
        } catch (IOException e) {
            count(endpoint + " no answer");
            return 0;
        }
    }

    private void record(List<String> ids) {
        synchronized (ledger) {
            try {
                for (String id : ids) {
                    ledger.write("ACK ");
                    ledger.write(id);
                    ledger.newLine();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void count(String key) {
        answers.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    private String eventId() {
        return eventIdPrefix() + nextEventId.incrementAndGet();
    }

    private static Instant recently() {
        return Instant.now().minusMillis(ThreadLocalRandom.current().nextLong(300_000));
    }

    @Override
    public void close() throws IOException {
        workers.shutdownNow();
        synchronized (ledger) {
            ledger.close();
        }
    }
}
