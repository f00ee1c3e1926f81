package io.rampart.sli.alert;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A vendor's webhook receiver on 127.0.0.1: each hook is its own path answering a fixed status,
 * and records every request it receives (signature header and body).
 */
final class WebhookReceiver implements AutoCloseable {

    record Received(String signature, String delivery, String body) {
    }

    private static final int NO_ANSWER = -1;

    private final HttpServer server;
    private final Map<String, List<Received>> received = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try (InputStream body = exchange.getRequestBody()) {
                received.computeIfAbsent(path, key -> new CopyOnWriteArrayList<>()).add(new Received(
                        exchange.getRequestHeaders().getFirst("X-Rampart-Signature"),
                        exchange.getRequestHeaders().getFirst("X-Rampart-Delivery"),
                        new String(body.readAllBytes(), StandardCharsets.UTF_8)));
            }
            int status = statuses.getOrDefault(path, 404);
            if (status == NO_ANSWER) {
                sleepPastEveryTimeout();
            }
            exchange.sendResponseHeaders(status == NO_ANSWER ? 200 : status, -1);
            exchange.close();
        });
        // A thread per request: a receiver that does not answer holds only its own.
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    private static void sleepPastEveryTimeout() {
        try {
            Thread.sleep(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A hook that answers nothing until long after the test profile's delivery timeout (2 s). */
    String silentHook() {
        return hook(NO_ANSWER);
    }

    /** A new hook URL answering {@code status} to every request. */
    String hook(int status) {
        String path = "/hooks/" + UUID.randomUUID();
        statuses.put(path, status);
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    List<Received> received(String url) {
        return received.getOrDefault(url.substring(url.indexOf("/hooks/")), List.of());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
