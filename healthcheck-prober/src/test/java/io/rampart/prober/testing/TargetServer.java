package io.rampart.prober.testing;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.PfxOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real health check targets on 127.0.0.1, each behaving as a broken app would, and counting the
 * requests each path received. A path segment picks the behaviour, wherever it stands (so that a
 * registry's base URL can pick it): {@code status/CODE}, {@code slow} (never answers),
 * {@code endless} (a 200 whose body never ends), {@code huge-headers}; anything else answers 200.
 */
public final class TargetServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer http;
    private final HttpServer https;
    private final NetServer garbage;
    private final NetServer hangingUp;
    private final Map<String, List<Long>> requests = new ConcurrentHashMap<>();
    private final AtomicInteger unanswered = new AtomicInteger();
    private final AtomicInteger mostUnanswered = new AtomicInteger();

    public TargetServer() {
        http = await(vertx.createHttpServer().requestHandler(this::answer).listen(0, "127.0.0.1"));
        https = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath("untrusted-target.p12").setPassword("target-test")))
                .requestHandler(this::answer).listen(0, "127.0.0.1"));
        // Something that is not HTTP at all, as when a health check URL points at an SSH port.
        garbage = await(vertx.createNetServer().connectHandler(socket -> socket.write("SSH-2.0-OpenSSH_9.2\r\n"))
                .listen(0, "127.0.0.1"));
        hangingUp = await(vertx.createNetServer().connectHandler(socket -> socket.close()).listen(0, "127.0.0.1"));
    }

    /** http://127.0.0.1:port */
    public String baseUrl() {
        return "http://127.0.0.1:" + http.actualPort();
    }

    /** https://localhost:port with a self-signed certificate (src/test/resources) no client trusts. */
    public String untrustedTlsUrl() {
        return "https://localhost:" + https.actualPort();
    }

    /** http://127.0.0.1:port of a server that answers with something other than HTTP. */
    public String notHttpUrl() {
        return "http://127.0.0.1:" + garbage.actualPort();
    }

    /** http://127.0.0.1:port of a server that accepts connections and closes them at once. */
    public String hangingUpUrl() {
        return "http://127.0.0.1:" + hangingUp.actualPort();
    }

    /** http://127.0.0.1:port where nothing listens. */
    public static String refusedUrl() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many requests this path received. */
    public int requestCount(String path) {
        return requests.getOrDefault(path, List.of()).size();
    }

    /** The most {@code slow} requests that were open at once. */
    public int mostOpenSlowRequests() {
        return mostUnanswered.get();
    }

    private void answer(HttpServerRequest request) {
        requests.computeIfAbsent(request.path(), path -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        List<String> segments = List.of(request.path().split("/"));
        if (segments.contains("status")) {
            int code = Integer.parseInt(segments.get(segments.indexOf("status") + 1));
            request.response().setStatusCode(code).putHeader("Location", "/ok").end();
        } else if (segments.contains("slow")) {
            // Never answered; counted until the prober drops the connection.
            mostUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
            request.connection().closeHandler(closed -> unanswered.decrementAndGet());
        } else if (segments.contains("endless")) {
            var response = request.response().setChunked(true).setStatusCode(200);
            Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
            long timer = vertx.setPeriodic(5, id -> {
                if (!response.closed() && !response.writeQueueFull()) {
                    response.write(chunk);
                }
            });
            response.closeHandler(closed -> vertx.cancelTimer(timer));
        } else if (segments.contains("huge-headers")) {
            request.response().putHeader("X-Padding", "x".repeat(64 * 1024)).end("ok");
        } else {
            request.response().end("ok");
        }
    }

    private static <T> T await(io.vertx.core.Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("target server did not start", e);
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }
}
