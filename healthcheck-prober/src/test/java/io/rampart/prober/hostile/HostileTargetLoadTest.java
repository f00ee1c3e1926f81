package io.rampart.prober.hostile;

import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.probe.ProbeTarget;
import io.rampart.prober.testing.LoopbackProbe;
import io.rampart.prober.testing.TargetServer;
import io.rampart.store.probe.ProbeOutcome;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.util.stream.Collectors.toSet;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of probes of every hostile target at once, in waves as large as the
 * prober's in-flight bound lets run together. Every probe ends on time with its outcome, and
 * what the probes leave behind (heap after a full GC, open sockets) is what a first
 * wave left: nothing accumulates per probe.
 */
class HostileTargetLoadTest {

    /** Probes in flight at once, and the probe's connection bound, as the engine's max-in-flight sets it. */
    private static final int WAVE = 500;
    private static final int MEASURED_WAVES = 6;
    /** How late after the timeout a probe may hand its result over, with 500 probes and their targets on 2 cores. */
    private static final long LATENESS_MS = 1000;
    /**
     * Heap growth allowed over the measured waves; without a leak it measured 0.1 to 0.5 MiB. One
     * probe in 15 is an endless body, so keeping the 64 KiB read of each keeps 200 × 64 KiB =
     * 12.5 MiB (measured: 14.3 MiB); keeping each probe's request and with it its closed
     * connection (channel, pipeline, codec) keeps about 6 KiB a probe (measured: 14.1 MiB).
     */
    private static final long HEAP_GROWTH_BOUND = 4L * 1024 * 1024;

    @RegisterExtension
    static final LoopbackProbe loopback = new LoopbackProbe(WAVE);
    private static final TargetServer server = loopback.server();
    /**
     * The event loops the probes run on, one per core as the engine's, held for the whole test:
     * Vert.x holds the context it makes for a plain thread only weakly, and once it is collected
     * the next probes move to another loop, whose first look-up of {@code localhost} opens that
     * loop's resolver socket, a descriptor that would read as a leak.
     */
    private static final List<Context> loops = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        // Outside Quarkus, Mutiny sets its context propagation up on first use, and fails doing so
        // on two threads at once: the first probe runs alone.
        loopback.probe(server.baseUrl() + "/ok");
        loopback.vertx().deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                loops.add(context);
            }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Every hostile target with the outcome docs/prober.md gives it. */
    private static List<Hostile> hostiles() {
        return List.of(
                new Hostile(server.baseUrl() + "/ok", ProbeOutcome.SUCCESS),
                new Hostile(server.baseUrl() + "/status/500", ProbeOutcome.HTTP_STATUS),
                new Hostile(server.baseUrl() + "/slow", ProbeOutcome.TIMEOUT),
                new Hostile(server.silentUrl() + "/health", ProbeOutcome.TIMEOUT),
                new Hostile(server.tricklingHeadUrl() + "/health", ProbeOutcome.TIMEOUT),
                new Hostile(server.baseUrl() + "/trickle/10", ProbeOutcome.TIMEOUT),
                new Hostile(server.baseUrl() + "/endless", ProbeOutcome.BODY_TOO_LARGE),
                new Hostile(server.baseUrl() + "/huge-headers", ProbeOutcome.BODY_TOO_LARGE),
                new Hostile(server.resettingAtOnceUrl() + "/health", ProbeOutcome.CONNECT),
                new Hostile(server.resettingInHeadersUrl() + "/health", ProbeOutcome.CONNECT),
                new Hostile(server.resettingInBodyUrl() + "/health", ProbeOutcome.CONNECT),
                new Hostile(server.hangingUpUrl() + "/health", ProbeOutcome.CONNECT),
                new Hostile(server.refusedUrl() + "/health", ProbeOutcome.CONNECT),
                new Hostile(server.untrustedTlsUrl() + "/ok", ProbeOutcome.TLS),
                new Hostile(server.notHttpUrl() + "/health", ProbeOutcome.PROTOCOL));
    }

    @Test
    void wavesOfHostileProbesEndOnTimeWithTheirOutcomeAndLeaveNeitherHeapNorSocketsBehind() {
        List<Hostile> hostiles = hostiles();
        Tally warmUp = new Tally();
        runWave(hostiles, warmUp);
        assertThat(warmUp.wrong).as("wrong outcomes in the warm-up wave").isEmpty();
        long heapBefore = heapUsedAfterGc();
        Set<Integer> ports = hostiles.stream().map(hostile -> URI.create(hostile.url()).getPort()).collect(toSet());
        int fdsBefore = openFileDescriptors();
        int socketsBefore = openSocketsOn(ports);

        Tally measured = new Tally();
        long start = System.nanoTime();
        for (int wave = 0; wave < MEASURED_WAVES; wave++) {
            runWave(hostiles, measured);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        long heapAfter = heapUsedAfterGc();
        int socketsAfter = settledOpenSocketsOn(ports, socketsBefore);
        int fdsAfter = openFileDescriptors();

        System.out.printf("hostile waves: %d probes in %d s, outcomes %s, max duration %d ms, max wall %d ms;"
                        + " heap after GC %.1f -> %.1f MiB; sockets on the targets' ports %d -> %d, all fds %d -> %d%n",
                measured.probes, seconds, measured.outcomes, measured.maxDurationMs, measured.maxWallMs,
                heapBefore / 1048576.0, heapAfter / 1048576.0, socketsBefore, socketsAfter, fdsBefore, fdsAfter);
        assertThat(measured.probes).isEqualTo(MEASURED_WAVES * WAVE);
        assertThat(measured.wrong).as("probes with another outcome than their target's").isEmpty();
        assertThat(measured.maxDurationMs).as("longest recorded duration").isLessThanOrEqualTo(3000);
        assertThat(measured.maxWallMs).as("longest wall time of a probe").isLessThanOrEqualTo(3000 + LATENESS_MS);
        assertThat(heapAfter - heapBefore).as("heap retained after the waves beyond the warm-up's")
                .isLessThan(HEAP_GROWTH_BOUND);
        assertThat(socketsAfter).as("open sockets on the targets' ports").isEqualTo(socketsBefore);
    }

    /** Starts WAVE probes together over the hostile targets in turn, spread over the loops, and waits for all of them. */
    private static void runWave(List<Hostile> hostiles, Tally tally) {
        CountDownLatch finished = new CountDownLatch(WAVE);
        ConcurrentLinkedQueue<Timed> results = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < WAVE; i++) {
            Hostile hostile = hostiles.get(i % hostiles.size());
            long startNanos = System.nanoTime();
            ProbeTarget target = new ProbeTarget(i, "com.acme.hostile", hostile.url(), Instant.now());
            loops.get(i % loops.size()).runOnContext(onLoop -> loopback.probe().probe(target, result -> {
                results.add(new Timed(hostile, result, (System.nanoTime() - startNanos) / 1_000_000));
                finished.countDown();
            }));
        }
        try {
            assertThat(finished.await(LoopbackProbe.TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS))
                    .as("every probe of the wave finished").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        results.forEach(tally::add);
    }

    /** Used heap after a full collection; the least of a few, as other threads allocate between GC and reading. */
    private static long heapUsedAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    private static int openFileDescriptors() {
        return Objects.requireNonNull(new File("/proc/self/fd").list(), "/proc/self/fd").length;
    }

    /**
     * This JVM's descriptors that are TCP sockets with either end on one of the ports: the probes'
     * connections, the targets' ends of them, and the targets' listening sockets. Counted apart
     * from all descriptors, which other tests' leftovers in the same JVM open and close meanwhile.
     */
    private static int openSocketsOn(Set<Integer> ports) {
        Set<String> inodes = new HashSet<>();
        for (String table : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
            try (Stream<String> lines = Files.lines(Path.of(table))) {
                // "sl local_address rem_address st ... inode": addresses as HEXIP:HEXPORT.
                lines.skip(1).map(line -> line.trim().split("\\s+"))
                        .filter(fields -> ports.contains(port(fields[1])) || ports.contains(port(fields[2])))
                        .forEach(fields -> inodes.add("socket:[" + fields[9] + "]"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return (int) fds.filter(fd -> {
                try {
                    return inodes.contains(Files.readSymbolicLink(fd).toString());
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }

    /** Sockets on the ports once back to the baseline or after 5 s: the targets' closes lag the probes'. */
    private static int settledOpenSocketsOn(Set<Integer> ports, int baseline) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int open = openSocketsOn(ports);
        while (open > baseline && System.nanoTime() < deadline) {
            sleep(100);
            open = openSocketsOn(ports);
        }
        return open;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private record Hostile(String url, ProbeOutcome expected) {
    }

    private record Timed(Hostile hostile, ProbeResult result, long wallMs) {
    }

    /** What the waves did, without keeping their results (which would weigh on the heap measured). */
    private static final class Tally {
        final Map<ProbeOutcome, Integer> outcomes = new EnumMap<>(ProbeOutcome.class);
        final List<String> wrong = new ArrayList<>();
        int probes;
        int maxDurationMs;
        long maxWallMs;

        void add(Timed timed) {
            probes++;
            outcomes.merge(timed.result().outcome(), 1, Integer::sum);
            maxDurationMs = Math.max(maxDurationMs, timed.result().durationMs());
            maxWallMs = Math.max(maxWallMs, timed.wallMs());
            if (timed.result().outcome() != timed.hostile().expected() && wrong.size() < 20) {
                wrong.add(timed.hostile().url() + " -> " + timed.result().outcome() + " " + timed.result().statusCode()
                        + " after " + timed.result().durationMs() + " ms");
            }
        }
    }
}
