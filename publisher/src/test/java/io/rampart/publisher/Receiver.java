package io.rampart.publisher;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on loopback that records each request and answers from a script (then 200
 * with every item accepted): the service's side of the wire, where the test decides the answers.
 */
public final class Receiver implements AutoCloseable {

    /** A request as it arrived. */
    public static final class Received {
        public final String method;
        public final String path;
        public final String authorization;
        public final String body;
        public final long atMillis;

        Received(String method, String path, String authorization, String body) {
            this.method = method;
            this.path = path;
            this.authorization = authorization;
            this.body = body;
            this.atMillis = System.currentTimeMillis();
        }

        /** How many items the JSON array holds (each item has a metricsType). */
        public int items() {
            return body.split("\"metricsType\"", -1).length - 1;
        }
    }

    /** One scripted answer. */
    public static final class Answer {
        final int status;
        final String body;
        final Map<String, String> headers;

        public Answer(int status, String body, Map<String, String> headers) {
            this.status = status;
            this.body = body;
            this.headers = headers;
        }
    }

    private final HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
            received.add(request);
            Answer answer;
            synchronized (script) {
                answer = script.poll();
            }
            if (answer == null) {
                answer = new Answer(200, "{\"accepted\":" + request.items() + ",\"duplicates\":0}", Map.of());
            }
            byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
            answer.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public Receiver then(int status, String body, Map<String, String> headers) {
        synchronized (script) {
            script.add(new Answer(status, body, headers));
        }
        return this;
    }

    public Receiver then(int status, String body) {
        return then(status, body, Map.of());
    }

    public List<Received> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
