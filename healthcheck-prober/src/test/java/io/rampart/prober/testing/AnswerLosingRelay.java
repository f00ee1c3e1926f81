package io.rampart.prober.testing;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on loopback in front of the database that can lose its answers: while losing, the
 * database still receives and runs every statement, and the client hears nothing back; cutting
 * the connections then shows the client a statement that failed without an answer, though it
 * committed. What a client sees of a commit when a failover or a broken link takes the answer.
 */
public final class AnswerLosingRelay implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final NetClient client;
    private final NetServer server;
    private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean losing;

    public AnswerLosingRelay(Vertx vertx, int databasePort) throws Exception {
        this.client = vertx.createNetClient();
        this.server = vertx.createNetServer().connectHandler(inbound -> {
            inbound.pause();
            client.connect(databasePort, "127.0.0.1").onFailure(failure -> inbound.close()).onSuccess(database -> {
                sockets.add(inbound);
                sockets.add(database);
                inbound.handler(database::write);
                database.handler(answer -> {
                    if (!losing) {
                        inbound.write(answer);
                    }
                });
                inbound.closeHandler(closed -> database.close());
                database.closeHandler(closed -> inbound.close());
                inbound.resume();
            });
        });
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }

    /** From now on the database's answers are dropped. */
    public void loseAnswers() {
        losing = true;
    }

    /** Closes every relayed connection; connections made after it get their answers again. */
    public void cutConnections() {
        for (NetSocket socket : sockets) {
            socket.close();
        }
        sockets.clear();
        losing = false;
    }

    @Override
    public void close() throws Exception {
        cutConnections();
        server.close().toCompletionStage().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        client.close();
    }
}
