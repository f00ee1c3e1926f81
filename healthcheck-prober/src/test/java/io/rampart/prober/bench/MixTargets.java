package io.rampart.prober.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PfxOptions;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * The realistic mix's targets, all on 127.0.0.1 and served on every event loop: one HTTP server
 * answering by path (at once, after 1 to 2.9 s, never, 503), one server resetting every
 * connection, and one HTTPS server whose certificate expired yesterday. Each target's label
 * starts with its kind, so that stored outcomes can be checked per kind.
 */
final class MixTargets {

    /** A kind of target, its share of the mix in percent, and the outcome its behaviour must yield. */
    enum Kind {
        FAST("fast", 85, "SUCCESS"),
        SLOW("slow", 10, "SUCCESS"),
        HANG("hang", 2, "TIMEOUT"),
        RESET("reset", 1, "CONNECT"),
        ERROR("503", 1, "HTTP_STATUS"),
        EXPIRED("expired", 1, "TLS");

        private final String label;
        private final int percent;
        private final String expected;

        Kind(String label, int percent, String expected) {
            this.label = label;
            this.percent = percent;
            this.expected = expected;
        }

        String label() {
            return label;
        }

        String expected() {
            return expected;
        }
    }

    private final int httpPort;
    private final int resetPort;
    private final int expiredPort;

    private MixTargets(int httpPort, int resetPort, int expiredPort) {
        this.httpPort = httpPort;
        this.resetPort = resetPort;
        this.expiredPort = expiredPort;
    }

    static MixTargets start(Vertx vertx, Path work) throws Exception {
        Path keystore = expiredCertificate(work);
        // Fixed ports, so that the servers of every instance share them: one instance per core, as
        // the all-fast target, so that the targets never limit the prober.
        int[] ports = {ProberBenchmark.freePort(), ProberBenchmark.freePort(), ProberBenchmark.freePort()};
        await(vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(io.vertx.core.Promise<Void> started) {
                Future<?> http = vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(4096))
                        .requestHandler(request -> {
                            String path = request.path();
                            if (path.startsWith("/mix/slow/")) {
                                // 1 to 2.9 s, spread by the target's number (/mix/slow/NUMBER/health).
                                int number = Integer.parseInt(path.split("/")[3]);
                                vertx.setTimer(1000 + (number * 7919L) % 1900, id -> request.response().end("ok"));
                            } else if (path.startsWith("/mix/hang/")) {
                                request.pause(); // held open: the prober gives up at its timeout
                            } else if (path.startsWith("/mix/503/")) {
                                request.response().setStatusCode(503).end("unavailable");
                            } else {
                                request.response().end("ok");
                            }
                        }).listen(ports[0], "127.0.0.1");
                // SO_LINGER 0: the close is a TCP reset.
                Future<?> reset = vertx.createNetServer(new NetServerOptions().setSoLinger(0).setAcceptBacklog(4096))
                        .connectHandler(socket -> socket.close())
                        .listen(ports[1], "127.0.0.1");
                Future<?> expired = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setAcceptBacklog(4096)
                                .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword("bench1")))
                        .requestHandler(request -> request.response().end("ok"))
                        .listen(ports[2], "127.0.0.1");
                Future.all(http, reset, expired).<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors())));
        return new MixTargets(ports[0], ports[1], ports[2]);
    }

    /** A self-signed certificate for 127.0.0.1 that was valid from two days ago to yesterday. */
    private static Path expiredCertificate(Path work) throws Exception {
        Path keystore = work.resolve("expired.p12");
        Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "target", "-keyalg", "EC",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-startdate", "-2d", "-validity", "1", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", "bench1", "-keypass", "bench1")
                .redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes());
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
        return keystore;
    }

    /** {@code count} targets at {@code intervalSeconds}, 100 an app, the kinds interleaved in their shares. */
    void register(Connection db, String prefix, int count, int intervalSeconds) throws SQLException {
        StringBuilder kindOf = new StringBuilder("case");
        StringBuilder urlOf = new StringBuilder("case");
        int upTo = 0;
        for (Kind kind : Kind.values()) {
            upTo += kind.percent;
            kindOf.append(" when g % 100 < ").append(upTo).append(" then '").append(kind.label).append("'");
            urlOf.append(" when g % 100 < ").append(upTo).append(" then '").append(baseUrl(kind)).append("'");
        }
        kindOf.append(" end");
        urlOf.append(" end");
        try (Statement statement = db.createStatement()) {
            statement.execute("insert into app (app_key, name, check_interval_seconds) select 'bench." + prefix
                    + ".' || g, 'Bench', " + intervalSeconds + " from generate_series(0, " + ((count - 1) / 100) + ") g");
            // The path ends in the target's number (the slow targets' delay depends on it).
            statement.execute("insert into healthcheck_target (app_key, label, base_url) select 'bench." + prefix
                    + ".' || (g / 100), " + kindOf + " || '-' || g, " + urlOf + " || g"
                    + " from generate_series(0, " + (count - 1) + ") g");
        }
    }

    private String baseUrl(Kind kind) {
        return switch (kind) {
            case FAST, SLOW, HANG, ERROR -> "http://127.0.0.1:" + httpPort + "/mix/" + kind.label + "/";
            case RESET -> "http://127.0.0.1:" + resetPort + "/mix/reset/";
            case EXPIRED -> "https://127.0.0.1:" + expiredPort + "/mix/expired/";
        };
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
