package io.rampart.sli.outgoing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.sli.alert.AlertEvaluator;
import io.rampart.sli.alert.notify.DeliveryDispatcher;
import io.rampart.sli.export.statuspage.StatuspageClient;
import io.rampart.sli.outgoing.HostilePeers.Behaviour;
import io.rampart.store.testing.PlatformTokens;
import io.rampart.store.testing.PostgresResource;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.rampart.sli.TestData.registerApp;
import static io.rampart.store.testing.TestApps.probe;
import static io.rampart.store.testing.TestApps.targetId;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every outgoing client of sli-api against hostile peers (docs/security.md, "Outgoing calls"): a
 * receiver or a Statuspage endpoint that never answers, trickles, streams endlessly, sends 1 MiB
 * of headers, resets, redirects to an internal address or presents a bad certificate. Each
 * attempt ends on time with its recorded outcome, nothing follows the redirect, no other app
 * waits, and 1,000 attempts leave the heap (after a full GC) and the peers' sockets as they were.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class HostilePeersTest {

    /** What each peer's attempt is recorded as. */
    private static final Map<Behaviour, String> OUTCOMES = new EnumMap<>(Map.of(
            Behaviour.SILENT, "timeout",
            Behaviour.TRICKLE, "timeout",
            Behaviour.ENDLESS, "answer too large",
            Behaviour.HUGE_HEADERS, "headers too large",
            Behaviour.RESET, "connection closed",
            Behaviour.REDIRECT, "HTTP 302",
            Behaviour.BAD_CERTIFICATE, "TLS"));
    /** The test profile's delivery timeout, and how late after it an attempt may end on 2 loaded cores. */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration LATENESS = Duration.ofMillis(1500);
    private static final int ATTEMPTS = 1000;
    private static final int WAVE = 100;
    private static final long HEAP_GROWTH_BOUND = 4L * 1024 * 1024;

    private static HostilePeers peers;

    @Inject
    OutgoingHttp outgoing;
    @Inject
    AlertEvaluator evaluator;
    @Inject
    DeliveryDispatcher dispatcher;
    @Inject
    StatuspageClient statuspage;

    @BeforeAll
    static void startPeers() {
        peers = new HostilePeers();
    }

    @AfterAll
    static void stopPeers() {
        peers.close();
    }

    @Test
    void notificationsToHostileReceiversEndOnTimeWithTheirOutcomeAndAnotherAppIsNotifiedInTheSameRound() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.DAYS).plus(30, ChronoUnit.MINUTES);
        // Two hostile apps, so that each has no more receivers than its share of a claim (5).
        String hostile = registerApp("hostile-receivers", "prod");
        String hostileToo = registerApp("hostile-receivers-too", "prod");
        Map<String, Behaviour> channels = new ConcurrentHashMap<>();
        Map<String, String> appOfChannel = new ConcurrentHashMap<>();
        int index = 0;
        for (Behaviour behaviour : OUTCOMES.keySet()) {
            String app = index++ % 2 == 0 ? hostile : hostileToo;
            String id = channel(app, peers.url(behaviour));
            channels.put(id, behaviour);
            appOfChannel.put(id, app);
        }
        String bystander = registerApp("hostile-bystander", "prod");
        String bystanderChannel = channel(bystander, peers.url(Behaviour.WELL_BEHAVED));
        for (String app : List.of(hostile, hostileToo, bystander)) {
            probe(app, targetId(app, "prod"), now.minus(2, ChronoUnit.MINUTES), 3000, "TIMEOUT", null);
        }
        evaluator.evaluate(now).await().atMost(Duration.ofMinutes(1));
        // The process's first https call builds the JVM's TLS context once: a steady-state round is measured.
        wave(2 * Behaviour.values().length, TIMEOUT, new AtomicLong());
        int internalBefore = peers.internalRequests();

        long started = System.nanoTime();
        DeliveryDispatcher.Round round = dispatcher.dispatch(now).await().atMost(Duration.ofMinutes(1));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        // The round also claims and records in the database: 3 s beyond the timeout on 2 loaded cores.
        assertThat(took).as("the round, every attempt at once").isLessThan(TIMEOUT.plus(Duration.ofSeconds(3)));
        Map<String, Object> delivered = notification(bystander, bystanderChannel);
        assertThat(delivered).as("the bystander's notification").containsEntry("state", "DELIVERED");
        // Other test classes' deliveries due at this time may share the round.
        assertThat(round.delivered()).as("delivered in this round").isPositive();
        for (Map.Entry<String, Behaviour> channel : channels.entrySet()) {
            String expected = OUTCOMES.get(channel.getValue());
            assertThat(notification(appOfChannel.get(channel.getKey()), channel.getKey())).as("%s", channel.getValue())
                    .containsEntry("state", "PENDING").containsEntry("lastError", expected)
                    .containsEntry("lastStatusCode", expected.startsWith("HTTP ") ? 302 : null);
        }
        assertThat(peers.internalRequests()).as("requests that followed the redirect").isEqualTo(internalBefore);
    }

    @Test
    void theStatuspageClientAgainstHostileEndpointsEndsOnTimeWithTheirOutcome() {
        Map<Behaviour, Uni<StatuspageClient.Outcome>> calls = new EnumMap<>(Behaviour.class);
        Map<Behaviour, AtomicLong> ended = new EnumMap<>(Behaviour.class);
        int internalBefore = peers.internalRequests();
        long started = System.nanoTime();
        for (Behaviour behaviour : Behaviour.values()) {
            String base = peers.url(behaviour).replace("/hook", "");
            AtomicLong at = new AtomicLong();
            ended.put(behaviour, at);
            calls.put(behaviour, statuspage.send(base, "page1", "sp-key-" + behaviour, new JsonObject().put("data", new JsonObject()))
                    .invoke(() -> at.set(System.nanoTime())));
        }
        List<StatuspageClient.Outcome> outcomes = Uni.join().all(new ArrayList<>(calls.values())).andFailFast()
                .await().atMost(Duration.ofMinutes(1));
        List<Behaviour> order = new ArrayList<>(calls.keySet());
        for (int i = 0; i < order.size(); i++) {
            Behaviour behaviour = order.get(i);
            Duration took = Duration.ofNanos(ended.get(behaviour).get() - started);
            // The exporter's request timeout is 10 s.
            assertThat(took).as("%s", behaviour).isLessThan(Duration.ofSeconds(10).plus(LATENESS));
            StatuspageClient.Outcome outcome = outcomes.get(i);
            if (behaviour == Behaviour.WELL_BEHAVED) {
                assertThat(outcome.status()).isEqualTo(200);
                assertThat(took).as("the well-behaved endpoint, next to the hostile ones").isLessThan(Duration.ofSeconds(2));
            } else if (behaviour == Behaviour.REDIRECT) {
                assertThat(outcome.status()).isEqualTo(302);
            } else {
                assertThat(outcome.status()).as("%s", behaviour).isZero();
                assertThat(outcome.failure()).as("%s", behaviour).isEqualTo("no answer (" + OUTCOMES.get(behaviour) + ")");
            }
        }
        assertThat(peers.internalRequests()).as("requests that followed the redirect").isEqualTo(internalBefore);
    }

    @Test
    void aThousandHostileAttemptsEachEndOnTimeAndLeaveHeapAndSocketsAsTheyWere() {
        Duration timeout = Duration.ofSeconds(2);
        Map<String, Integer> warmUp = wave(WAVE, timeout, new AtomicLong());
        assertThat(warmUp.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(WAVE);
        long heapBefore = heapAfterGc();
        List<String> errorLines = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler errors = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errorLines.add(record.getLoggerName() + ": " + record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(errors);

        Map<String, Integer> counts = new TreeMap<>();
        AtomicLong slowest = new AtomicLong();
        long started = System.nanoTime();
        for (int done = 0; done < ATTEMPTS; done += WAVE) {
            wave(WAVE, timeout, slowest).forEach((outcome, count) -> counts.merge(outcome, count, Integer::sum));
        }
        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        Logger.getLogger("").removeHandler(errors);
        for (Behaviour behaviour : Behaviour.values()) {
            assertThat(peers.awaitNoOpenConnections(behaviour, Duration.ofSeconds(30))).as("%s sockets", behaviour).isTrue();
        }
        long heapAfter = heapAfterGc();

        System.out.printf("hostile peers: %d attempts in %d ms, slowest %d ms (timeout %d ms), outcomes %s,"
                        + " heap after GC %.1f -> %.1f MiB, peer sockets open 0%n", ATTEMPTS, elapsedMs,
                slowest.get() / 1_000_000, timeout.toMillis(), counts, heapBefore / 1048576.0, heapAfter / 1048576.0);
        assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(ATTEMPTS);
        for (Behaviour behaviour : Behaviour.values()) {
            String expected = behaviour == Behaviour.WELL_BEHAVED ? "HTTP 200" : OUTCOMES.get(behaviour);
            assertThat(counts).as("%s", behaviour).containsKey(expected);
        }
        assertThat(counts.keySet()).as("no outcome but the expected ones")
                .allMatch(outcome -> OUTCOMES.containsValue(outcome) || outcome.equals("HTTP 200"));
        assertThat(Duration.ofNanos(slowest.get())).isLessThan(timeout.plus(LATENESS));
        assertThat(heapAfter - heapBefore).as("heap growth over %d attempts", ATTEMPTS).isLessThan(HEAP_GROWTH_BOUND);
        // A peer's misbehaviour is its call's outcome, not an operator's page: no ERROR line.
        assertThat(errorLines).as("ERROR lines logged during the attempts").isEmpty();
    }

    /** {@code size} attempts at once, spread over every peer; their outcomes counted. */
    private Map<String, Integer> wave(int size, Duration timeout, AtomicLong slowest) {
        Behaviour[] behaviours = Behaviour.values();
        List<Uni<String>> attempts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Behaviour behaviour = behaviours[i % behaviours.length];
            long started = System.nanoTime();
            attempts.add(outgoing.post(URI.create(peers.url(behaviour)), MultiMap.caseInsensitiveMultiMap(),
                            Buffer.buffer("{}"), timeout, true)
                    .map(answer -> "HTTP " + answer.status())
                    .onFailure().recoverWithItem(OutgoingHttp::describe)
                    .invoke(() -> slowest.accumulateAndGet(System.nanoTime() - started, Math::max)));
        }
        Map<String, Integer> counts = new TreeMap<>();
        Uni.join().all(attempts).andFailFast().await().atMost(Duration.ofMinutes(1))
                .forEach(outcome -> counts.merge(outcome, 1, Integer::sum));
        return counts;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String channel(String app, String url) {
        return given().auth().oauth2(PlatformTokens.admin()).contentType(ContentType.JSON).body(Map.of("url", url))
                .post("/api/v1/apps/" + app + "/notification-channels").then().statusCode(201).extract().path("id");
    }

    private static Map<String, Object> notification(String app, String channelId) {
        List<Map<String, Object>> notifications = given().auth().oauth2(PlatformTokens.admin())
                .get("/api/v1/apps/" + app + "/incidents").then().statusCode(200).extract().jsonPath()
                .getList("notifications.flatten()");
        return notifications.stream().filter(notification -> channelId.equals(notification.get("channelId")))
                .findFirst().orElseThrow();
    }
}
