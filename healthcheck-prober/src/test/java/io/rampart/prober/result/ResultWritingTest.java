package io.rampart.prober.result;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.rampart.prober.engine.ProbeEngine;
import io.rampart.prober.metrics.ProberMetrics;
import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.testing.AnswerLosingRelay;
import io.rampart.prober.testing.EngineTestBase;
import io.rampart.prober.testing.Engines;
import io.rampart.prober.testing.Registry.StoredResult;
import io.rampart.store.local.LocalPostgres;
import io.rampart.store.probe.ProbeOutcome;
import io.rampart.store.testing.PostgresResource;
import io.rampart.store.testing.TestApps;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every probe made is stored once, through a database outage and a commit whose answer was lost;
 * what the buffer cannot hold is counted.
 */
@QuarkusTest
@QuarkusTestResource(PostgresResource.class)
class ResultWritingTest extends EngineTestBase {

    @Test
    void resultsMadeDuringAShortDatabaseOutageAreWrittenAfterIt() throws Exception {
        String app = registry.app("outage", 1);
        List<String> paths = targets(app, "outage", 20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ProbeEngine engine = engines.start("replica-outage", meters, Map.of());
        Engines.awaitUntil(Duration.ofSeconds(5), "probes are stored", () -> !registry.results(app).isEmpty());

        PostgresResource.stopDatabase();
        try {
            Thread.sleep(2_000);
        } finally {
            PostgresResource.restartDatabase();
        }
        Engines.awaitUntil(Duration.ofSeconds(15), "probing resumes after the outage",
                () -> registry.results(app).size() > requests(paths) - paths.size());
        engines.stop(engine);

        assertThat(meters.counter("rampart.prober.write.failures").count()).as("writes failed during the outage")
                .isPositive();
        assertThat(meters.counter("rampart.prober.results.dropped").count()).isZero();
        assertThat(registry.results(app)).as("one stored result per request the targets received")
                .hasSize(requests(paths));
    }

    @Test
    void resultsPastTheBufferAreDroppedAndCounted() throws Exception {
        String app = registry.app("dropped", 1);
        List<String> paths = targets(app, "dropped", 20);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // Two results fit, and nothing is written before the engine stops.
        ProbeEngine engine = engines.start("replica-dropping", meters,
                Map.of("resultBufferSize", 2, "writePeriod", Duration.ofMinutes(5)));
        Engines.awaitUntil(Duration.ofSeconds(5), "more probes than the buffer holds", () -> requests(paths) > 5);
        engines.stop(engine);

        double dropped = meters.counter("rampart.prober.results.dropped").count();
        assertThat(registry.results(app)).hasSize(2);
        assertThat(dropped).as("every result not stored is counted").isEqualTo(requests(paths) - 2);
    }

    @Test
    void aBatchWhoseCommitWentUnansweredIsStoredOnceWhenWrittenAgain() throws Exception {
        String app = registry.app("unanswered", 60);
        long target = TestApps.target(app, "t0", server.baseUrl() + "/unanswered/t0");
        int databasePort = Integer.parseInt(PostgresResource.connectionSettings().get("RAMPART_DB_PORT"));
        try (AnswerLosingRelay relay = new AnswerLosingRelay(vertx, databasePort)) {
            Pool relayed = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                    .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(relay.port())
                            .setDatabase(LocalPostgres.DATABASE).setUser(LocalPostgres.USER)
                            .setPassword(LocalPostgres.PASSWORD).setCachePreparedStatements(true))
                    .using(vertx).build());
            try {
                SimpleMeterRegistry meters = new SimpleMeterRegistry();
                ResultRepository writer = new ResultRepository(relayed, "local", 100, 100, 1,
                        new ProberMetrics(meters, () -> 0, () -> 0));
                Instant slot = Instant.now().truncatedTo(ChronoUnit.MINUTES);
                // A first result written with every answer: the connection is made and the insert
                // prepared on it, so the next insert needs no answer before the database runs it.
                writer.offer(result(target, app, slot));
                writer.flush().await().atMost(Duration.ofSeconds(10));
                for (int i = 1; i <= 5; i++) {
                    writer.offer(result(target, app, slot.minus(Duration.ofMinutes(i))));
                }

                relay.loseAnswers();
                CompletableFuture<Void> firstWrite = writer.flush().subscribeAsCompletionStage();
                Engines.awaitUntil(Duration.ofSeconds(10), "the insert committed",
                        () -> registry.results(app).size() == 6);
                relay.cutConnections();
                firstWrite.get(10, TimeUnit.SECONDS);
                assertThat(meters.counter("rampart.prober.write.failures").count())
                        .as("inserts that failed without an answer").isEqualTo(1);
                assertThat(writer.buffered()).as("results kept to be written again").isEqualTo(5);

                // Flushed as the engine does every write period: the pool may first try the cut connection.
                Engines.awaitUntil(Duration.ofSeconds(10), "the results are written again", () -> {
                    writer.flush().await().atMost(Duration.ofSeconds(10));
                    return writer.buffered() == 0;
                });
                assertThat(registry.results(app)).as("stored results, each once").hasSize(6)
                        .extracting(StoredResult::scheduledAt).doesNotHaveDuplicates();
            } finally {
                relayed.closeAndAwait();
            }
        }
    }

    private static ProbeResult result(long target, String app, Instant slot) {
        return new ProbeResult(target, app, slot, slot.plusMillis(2), 15, ProbeOutcome.SUCCESS, 200, "replica-unanswered");
    }

    private List<String> targets(String app, String prefix, int count) {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestApps.target(app, "t" + i, server.baseUrl() + "/" + prefix + "/t" + i);
            paths.add("/" + prefix + "/t" + i + "/health");
        }
        return paths;
    }

    private int requests(List<String> paths) {
        return paths.stream().mapToInt(server::requestCount).sum();
    }
}
