package io.rampart.ingest.event;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.ingest.support.ConnectTokens;
import io.rampart.store.secret.SecretSealer;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The database stops and comes back under load: every acknowledged event is in the table afterwards. */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class DatabaseRestartTest {

    private static final String SECRET = "restart-secret-0123456789abcdef01";
    private static final int CLIENTS = 6;

    @Inject
    SecretSealer sealer;

    @Test
    void noAcknowledgedEventIsLostWhenTheDatabaseRestarts() throws Exception {
        String appKey = TestApps.register(sealer, "restart", SECRET);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        Set<Integer> refusalStatuses = ConcurrentHashMap.newKeySet();
        AtomicInteger sequence = new AtomicInteger();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        for (int client = 0; client < CLIENTS; client++) {
            clients.submit(() -> {
                while (running.get()) {
                    int first = sequence.getAndAdd(3);
                    String[] ids = {"e" + first, "e" + (first + 1), "e" + (first + 2)};
                    StringBuilder body = new StringBuilder("[");
                    for (String id : ids) {
                        body.append(body.length() > 1 ? "," : "").append("{\"metricsType\": \"IFRAME\", \"status\": \"SUCCESS\","
                                + " \"durationInMillis\": 100, \"eventId\": \"").append(id).append("\"}");
                    }
                    int status = given().header("Authorization", "JWT " + ConnectTokens.publish(appKey, SECRET))
                            .body(body.append(']').toString()).when().put(ConnectTokens.publishPath(appKey))
                            .then().extract().statusCode();
                    if (status == 200) {
                        acknowledged.addAll(Set.of(ids));
                    } else {
                        refused.incrementAndGet();
                        refusalStatuses.add(status);
                    }
                }
                return null;
            });
        }

        awaitMoreThan(acknowledged, 0);
        int refusedBefore = refused.get();
        PostgresResource.stopDatabase();
        try {
            Thread.sleep(1500);
        } finally {
            PostgresResource.restartDatabase();
        }
        int atRestart = acknowledged.size();
        awaitMoreThan(acknowledged, atRestart + 100);
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

        assertThat(refused.get()).as("requests refused during the outage").isGreaterThan(refusedBefore);
        assertThat(refusalStatuses).as("refusals tell the client to retry").containsOnly(503);
        assertThat(storedEventIds(appKey)).containsAll(acknowledged);
    }

    /** Waits (30 s at most) until more than {@code count} events are acknowledged. */
    private static void awaitMoreThan(Set<String> acknowledged, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acknowledged.size() <= count) {
            assertThat(System.nanoTime()).as("more than " + count + " events acknowledged in time").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static Set<String> storedEventIds(String appKey) throws Exception {
        Set<String> stored = new HashSet<>();
        try (Connection connection = TestApps.connect();
                PreparedStatement query = connection.prepareStatement("select event_id from app_event where app_key = ?")) {
            query.setString(1, appKey);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    stored.add(rows.getString(1));
                }
            }
        }
        return stored;
    }
}
