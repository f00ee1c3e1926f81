package io.rampart.reliability;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/**
 * The apps' health check endpoints on loopback: every path answers 200 and every request is
 * noted with its arrival time, by path and probe location (the prober's User-Agent names it), so
 * that a target probed twice in one interval from one location shows here, whatever the prober stored.
 */
final class TargetFarm implements AutoCloseable {

    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

    /** How late a handler thread may note an arrival on a loaded machine. */
    private static final long STAMP_SLACK_MILLIS = 500;

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    /** Arrival times by path and User-Agent: each location's probes of each target. */
    private final Map<String, List<Long>> arrivalsBySource = new ConcurrentHashMap<>();

    TargetFarm() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            String source = exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("User-Agent");
            arrivalsBySource.computeIfAbsent(source, key -> new CopyOnWriteArrayList<>()).add(System.currentTimeMillis());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, UP.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(UP);
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long requests() {
        return arrivalsBySource.values().stream().mapToLong(List::size).sum();
    }

    /**
     * Requests that came sooner than half an interval after the one before at the same path from
     * the same location, less {@link #STAMP_SLACK_MILLIS}: a second probe in one interval. The
     * prober starts a late slot at most half an interval late, so two of its probes can be just
     * that far apart, and the farm notes a request's arrival only when a handler thread runs it,
     * which a loaded machine delays: a probe exactly at the bound read as a double in CI. A second
     * probe of one slot, or of a slot skipped too late, comes well inside the slack.
     */
    long doubleProbes(long intervalMillis) {
        return gapsMillis().filter(gap -> gap < intervalMillis / 2 - STAMP_SLACK_MILLIS).count();
    }

    /** The shortest time between two requests at the same path from one location, in ms: how close the closest two probes came. */
    long shortestGapMillis() {
        return gapsMillis().min().orElse(Long.MAX_VALUE);
    }

    /** The time between each request and the one before it at the same path from the same location. */
    private LongStream gapsMillis() {
        return arrivalsBySource.values().stream().flatMapToLong(arrivals -> {
            long[] sorted = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
            return IntStream.range(1, sorted.length).mapToLong(i -> sorted[i] - sorted[i - 1]);
        });
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
