package io.rampart.sli.export.statuspage;

import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Statuspage metrics API on 127.0.0.1 that records every request and answers the statuses it is
 * told to (then 202, as Statuspage does).
 */
final class FakeStatuspage implements AutoCloseable {

    /** One request as the server saw it. */
    record Received(Instant at, String method, String path, String authorization, JsonObject body) {

        /** The points of one metric in this request. */
        List<JsonObject> points(String metricId) {
            var points = body.getJsonObject("data").getJsonArray(metricId);
            List<JsonObject> list = new ArrayList<>();
            if (points != null) {
                points.forEach(point -> list.add((JsonObject) point));
            }
            return list;
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> scripted = new ConcurrentLinkedDeque<>();

    FakeStatuspage() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(Instant.now(), exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), new JsonObject(body)));
            Integer status = scripted.poll();
            exchange.sendResponseHeaders(status == null ? 202 : status, -1);
            exchange.close();
        });
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests are answered with these statuses, in order. */
    void answer(Integer... statuses) {
        scripted.addAll(List.of(statuses));
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
