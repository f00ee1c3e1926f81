package io.rampart.sli.outgoing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PfxOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receivers and API endpoints on 127.0.0.1 that behave as a hostile or broken peer of sli-api's
 * outgoing calls would, one port each, counting the connections they accept and still hold, and
 * the requests that reach {@link #internalUrl()} (where a followed redirect would land).
 */
public final class HostilePeers implements AutoCloseable {

    /** What a peer does with a request. */
    public enum Behaviour {
        /** Reads the request and never sends a byte. */
        SILENT,
        /** A 200 whose body comes one byte every 100 ms, never ending within any timeout. */
        TRICKLE,
        /** A 200 whose chunked body never ends, sent as fast as the connection takes it. */
        ENDLESS,
        /** A 200 with 1 MiB of headers. */
        HUGE_HEADERS,
        /** Resets (TCP RST) every connection at once. */
        RESET,
        /** A 302 to {@link #internalUrl()}, a stand-in for an internal service. */
        REDIRECT,
        /** https with a self-signed certificate no client trusts. */
        BAD_CERTIFICATE,
        /** A 200 with a short body: the well-behaved peer next to the hostile ones. */
        WELL_BEHAVED
    }

    private static final MultiMap ONE_MEBIBYTE_OF_HEADERS = MultiMap.caseInsensitiveMultiMap();

    static {
        for (int line = 0; line < 1024; line++) {
            ONE_MEBIBYTE_OF_HEADERS.add("X-Padding-" + line, "x".repeat(1024 - 16));
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final Map<Behaviour, Integer> ports = new EnumMap<>(Behaviour.class);
    private final Map<Behaviour, AtomicInteger> open = new EnumMap<>(Behaviour.class);
    private final Map<Behaviour, AtomicInteger> accepted = new EnumMap<>(Behaviour.class);
    private final AtomicInteger internalRequests = new AtomicInteger();
    private final int internalPort;

    public HostilePeers() {
        for (Behaviour behaviour : Behaviour.values()) {
            open.put(behaviour, new AtomicInteger());
            accepted.put(behaviour, new AtomicInteger());
        }
        internalPort = await(vertx.createHttpServer().requestHandler(request -> {
            internalRequests.incrementAndGet();
            request.response().end("internal");
        }).listen(0, "127.0.0.1")).actualPort();
        for (Behaviour behaviour : Behaviour.values()) {
            ports.put(behaviour, switch (behaviour) {
                case SILENT -> net(behaviour, new NetServerOptions(), false);
                case RESET -> net(behaviour, new NetServerOptions().setSoLinger(0), true);
                case BAD_CERTIFICATE -> http(behaviour, new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath(selfSignedKeyStore().toString())
                                .setPassword("hostile-peer")));
                default -> http(behaviour, new HttpServerOptions());
            });
        }
    }

    /** The URL of a peer (any path reaches the same behaviour). */
    public String url(Behaviour behaviour) {
        String scheme = behaviour == Behaviour.BAD_CERTIFICATE ? "https://localhost:" : "http://127.0.0.1:";
        return scheme + ports.get(behaviour) + "/hook";
    }

    /** Where {@link Behaviour#REDIRECT} points. */
    public String internalUrl() {
        return "http://127.0.0.1:" + internalPort + "/latest/meta-data/";
    }

    /** Requests that reached {@link #internalUrl()}. */
    public int internalRequests() {
        return internalRequests.get();
    }

    /** Connections of this peer still open. */
    public int openConnections(Behaviour behaviour) {
        return open.get(behaviour).get();
    }

    /** Connections this peer accepted so far. */
    public int acceptedConnections(Behaviour behaviour) {
        return accepted.get(behaviour).get();
    }

    /** Waits until the peer holds no open connection; false if it still holds one after {@code timeout}. */
    public boolean awaitNoOpenConnections(Behaviour behaviour, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (openConnections(behaviour) > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private int http(Behaviour behaviour, HttpServerOptions options) {
        HttpServer server = vertx.createHttpServer(options.setIdleTimeout(0))
                .connectionHandler(connection -> {
                    opened(behaviour);
                    connection.closeHandler(closed -> open.get(behaviour).decrementAndGet());
                })
                .requestHandler(request -> answer(behaviour, request));
        return await(server.listen(0, "127.0.0.1")).actualPort();
    }

    private int net(Behaviour behaviour, NetServerOptions options, boolean reset) {
        NetServer server = vertx.createNetServer(options).connectHandler(socket -> {
            opened(behaviour);
            socket.closeHandler(closed -> open.get(behaviour).decrementAndGet());
            socket.handler(request -> { });
            if (reset) {
                // SO_LINGER 0: the close is a reset.
                socket.close();
            }
        });
        return await(server.listen(0, "127.0.0.1")).actualPort();
    }

    private void opened(Behaviour behaviour) {
        open.get(behaviour).incrementAndGet();
        accepted.get(behaviour).incrementAndGet();
    }

    private void answer(Behaviour behaviour, HttpServerRequest request) {
        var response = request.response();
        switch (behaviour) {
            case TRICKLE -> {
                response.putHeader("Content-Length", "1000000").setStatusCode(200).writeHead();
                long timer = vertx.setPeriodic(100, id -> {
                    if (!response.closed()) {
                        response.write("x");
                    }
                });
                response.closeHandler(closed -> vertx.cancelTimer(timer));
            }
            case ENDLESS -> {
                response.setChunked(true).setStatusCode(200);
                Buffer chunk = Buffer.buffer(new byte[16 * 1024]);
                Runnable[] pump = new Runnable[1];
                pump[0] = () -> {
                    while (!response.closed() && !response.writeQueueFull()) {
                        response.write(chunk);
                    }
                    if (!response.closed()) {
                        response.drainHandler(drained -> pump[0].run());
                    }
                };
                pump[0].run();
            }
            case HUGE_HEADERS -> {
                response.headers().addAll(ONE_MEBIBYTE_OF_HEADERS);
                response.end("ok");
            }
            case REDIRECT -> response.setStatusCode(302).putHeader("Location", internalUrl()).end();
            default -> response.end("ok");
        }
    }

    /** A PKCS#12 key store with a fresh self-signed certificate for localhost, made by the JDK's keytool. */
    private static Path selfSignedKeyStore() {
        try {
            Path directory = Files.createDirectories(Path.of("target"));
            Path store = Files.createTempFile(directory, "hostile-peer-", ".p12");
            Files.delete(store);
            Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
            Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "peer", "-keyalg", "EC",
                    "-dname", "CN=localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "hostile-peer", "-keypass", "hostile-peer").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make a key store");
            }
            return store;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("hostile peer did not start", e);
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }
}
