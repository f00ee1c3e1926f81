package io.rampart.prober.testing;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PfxOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Real health check targets on 127.0.0.1, each behaving as a broken app would, and counting the
 * requests each path received. A path segment picks the behaviour, wherever it stands (so that a
 * registry's base URL can pick it): {@code status/CODE}, {@code slow} (never answers),
 * {@code endless} (a 200 whose body never ends), {@code huge-headers} (1 MiB of them),
 * {@code trickle/N} (a 200 of N bytes, one a second); anything else answers 200. Targets below
 * HTTP have ports of their own: silent, trickling its status line, resetting, not HTTP at all.
 */
public final class TargetServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer http;
    private final HttpServer https;
    private final NetServer garbage;
    private final NetServer hangingUp;
    private final NetServer silent;
    private final NetServer tricklingHead;
    private final NetServer resettingAtOnce;
    private final NetServer resettingInHeaders;
    private final NetServer resettingInBody;
    /**
     * Bound and never listening, so connections to its port are refused, and no other socket can
     * take the port (a port merely freed could become a probe's own local port, and a connection
     * to it then connects to itself).
     */
    private final Socket refusing = new Socket();
    /** 1,024 header lines of 1 KiB each, what a target gone mad might send. */
    private static final MultiMap ONE_MEBIBYTE_OF_HEADERS = MultiMap.caseInsensitiveMultiMap();

    static {
        for (int line = 0; line < 1024; line++) {
            ONE_MEBIBYTE_OF_HEADERS.add("X-Padding-" + line, "x".repeat(1024 - 16));
        }
    }

    private final Map<String, List<Long>> requests = new ConcurrentHashMap<>();
    private final Map<String, List<String>> userAgents = new ConcurrentHashMap<>();
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
        try {
            refusing.bind(new InetSocketAddress("127.0.0.1", 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Reads the request and never sends a byte; closes only when the prober does.
        silent = await(vertx.createNetServer().connectHandler(socket -> socket.handler(request -> { }))
                .listen(0, "127.0.0.1"));
        tricklingHead = await(vertx.createNetServer()
                .connectHandler(socket -> trickle(socket, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
                .listen(0, "127.0.0.1"));
        resettingAtOnce = resetting("");
        resettingInHeaders = resetting("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
        resettingInBody = resetting("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst ten.");
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

    /** http://127.0.0.1:port of a server that accepts connections and never sends a byte. */
    public String silentUrl() {
        return "http://127.0.0.1:" + silent.actualPort();
    }

    /** http://127.0.0.1:port of a server that sends its status line and headers one byte a second. */
    public String tricklingHeadUrl() {
        return "http://127.0.0.1:" + tricklingHead.actualPort();
    }

    /** http://127.0.0.1:port of a server that resets (TCP RST) every connection it accepts, at once. */
    public String resettingAtOnceUrl() {
        return "http://127.0.0.1:" + resettingAtOnce.actualPort();
    }

    /** http://127.0.0.1:port of a server that sends part of a 200's headers, then resets. */
    public String resettingInHeadersUrl() {
        return "http://127.0.0.1:" + resettingInHeaders.actualPort();
    }

    /** http://127.0.0.1:port of a server that sends a 200's headers and 10 of its 100 body bytes, then resets. */
    public String resettingInBodyUrl() {
        return "http://127.0.0.1:" + resettingInBody.actualPort();
    }

    /** http://127.0.0.1:port where nothing listens: connections are refused. */
    public String refusedUrl() {
        return "http://127.0.0.1:" + refusing.getLocalPort();
    }

    /** How many requests this path received. */
    public int requestCount(String path) {
        return requests.getOrDefault(path, List.of()).size();
    }

    /** The User-Agent of each request this path received, in order of arrival. */
    public List<String> userAgents(String path) {
        return userAgents.getOrDefault(path, List.of());
    }

    /** The most {@code slow} requests that were open at once. */
    public int mostOpenSlowRequests() {
        return mostUnanswered.get();
    }

    private void answer(HttpServerRequest request) {
        requests.computeIfAbsent(request.path(), path -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
        userAgents.computeIfAbsent(request.path(), path -> new CopyOnWriteArrayList<>())
                .add(String.valueOf(request.getHeader("User-Agent")));
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
            request.response().headers().addAll(ONE_MEBIBYTE_OF_HEADERS);
            request.response().end("ok");
        } else if (segments.contains("trickle")) {
            int length = Integer.parseInt(segments.get(segments.indexOf("trickle") + 1));
            request.response().putHeader("Content-Length", String.valueOf(length)).writeHead();
            trickle(request.response()::closeHandler, request.response()::write, request.response()::end,
                    "x".repeat(length));
        } else {
            request.response().end("ok");
        }
    }

    /** Sends the text one byte a second, the last one through {@code end}, unless the peer closes first. */
    private void trickle(Consumer<Handler<Void>> onClose, Consumer<Buffer> write, Consumer<Buffer> end, String text) {
        AtomicInteger sent = new AtomicInteger();
        long timer = vertx.setPeriodic(1000, id -> {
            int next = sent.getAndIncrement();
            boolean last = next == text.length() - 1;
            (last ? end : write).accept(Buffer.buffer(text.substring(next, next + 1)));
            if (last) {
                vertx.cancelTimer(id);
            }
        });
        onClose.accept(closed -> vertx.cancelTimer(timer));
    }

    private void trickle(NetSocket socket, String text) {
        socket.handler(request -> { });
        trickle(socket::closeHandler, socket::write, socket::write, text);
    }

    /**
     * A server that answers every connection with {@code sentFirst} and then a TCP reset: with
     * SO_LINGER 0 a close sends RST instead of FIN. The reset waits a little after the write, as
     * a reset discards whatever the peer has not received yet.
     */
    private NetServer resetting(String sentFirst) {
        return await(vertx.createNetServer(new NetServerOptions().setSoLinger(0)).connectHandler(socket -> {
            socket.handler(request -> { });
            if (sentFirst.isEmpty()) {
                socket.close();
            } else {
                socket.write(sentFirst).onComplete(written -> vertx.setTimer(100, id -> socket.close()));
            }
        }).listen(0, "127.0.0.1"));
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
        try {
            refusing.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
