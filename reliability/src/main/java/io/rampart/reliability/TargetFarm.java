package io.rampart.reliability;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The apps' health check endpoints on loopback: every path answers 200 and every request is
 * noted with its arrival time, so that a target probed twice in one interval shows here, whatever
 * the prober stored. With several probe locations, the farm listens on one loopback address per
 * location (the same port), each location's replicas resolve {@link #HOST} to their own, and
 * arrivals are noted per address and path: each location probes each slot once.
 */
final class TargetFarm implements AutoCloseable {

    /** The farm's host name in the targets' URLs where there are several probe locations. */
    static final String HOST = "farm.drill.test";

    private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);

    private final List<HttpServer> servers = new ArrayList<>();
    private final boolean named;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final Map<String, List<Long>> arrivalsByPath = new ConcurrentHashMap<>();

    TargetFarm() throws IOException {
        this(1);
    }

    /** The farm for that many probe locations. */
    TargetFarm(int locations) throws IOException {
        named = locations > 1;
        int port = 0;
        for (int location = 0; location < locations; location++) {
            HttpServer server = HttpServer.create(new InetSocketAddress(address(location), port), 200);
            port = server.getAddress().getPort();
            servers.add(server);
            serve(server);
        }
    }

    /** The loopback address the replicas of the location (0, 1, ...) reach the farm at. */
    static String address(int location) {
        return "127.0.0." + (location + 1);
    }

    private void serve(HttpServer server) {
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            arrivalsByPath.computeIfAbsent(exchange.getLocalAddress().getAddress().getHostAddress()
                            + exchange.getRequestURI().getPath(), path -> new CopyOnWriteArrayList<>())
                    .add(System.currentTimeMillis());
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, UP.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(UP);
            }
        });
        server.start();
    }

    String baseUrl() {
        return "http://" + (named ? HOST : address(0)) + ":" + servers.get(0).getAddress().getPort();
    }

    long requests() {
        return arrivalsByPath.values().stream().mapToLong(List::size).sum();
    }

    /**
     * Requests that came sooner than half an interval after the one before at the same path from
     * the same location: a second probe of a slot. Slots are exactly one interval apart, so only a duplicate comes that close.
     */
    long doubleProbes(long intervalMillis) {
        long doubles = 0;
        for (List<Long> arrivals : arrivalsByPath.values()) {
            List<Long> sorted = new ArrayList<>(arrivals);
            sorted.sort(null);
            for (int i = 1; i < sorted.size(); i++) {
                if (sorted.get(i) - sorted.get(i - 1) < intervalMillis / 2) {
                    doubles++;
                }
            }
        }
        return doubles;
    }

    /** The shortest time between two requests at the same path, in ms: how close the closest two probes came. */
    long shortestGapMillis() {
        long shortest = Long.MAX_VALUE;
        for (List<Long> arrivals : arrivalsByPath.values()) {
            List<Long> sorted = new ArrayList<>(arrivals);
            sorted.sort(null);
            for (int i = 1; i < sorted.size(); i++) {
                shortest = Math.min(shortest, sorted.get(i) - sorted.get(i - 1));
            }
        }
        return shortest;
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
        handlers.shutdownNow();
    }
}
