package io.rampart.sli.outgoing;

import io.rampart.sli.alert.notify.Destinations;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one HTTP client sli-api calls vendor- and operator-supplied addresses with (notification
 * receivers, the Statuspage API). Whatever the peer does, a call ends within its timeout, reads at
 * most {@link OutgoingConfig#maxAnswerBytes()} of the answer and {@link OutgoingConfig#maxHeaderBytes()}
 * of its head, follows no redirect and resets its connection when it ends early, so a peer that
 * streams forever costs a few KiB and one connection for the length of the timeout.
 */
@ApplicationScoped
public class OutgoingHttp {

    /** An answer: its status, headers and body (at most the limit: a longer one fails the call, see {@link #send}). */
    public record Answer(int status, MultiMap headers, Buffer body) {

        public boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }

    /** The call was not made, or refused by the rules of this client: {@code reason} says why, in a few words. */
    public static final class Refused extends RuntimeException {

        private final boolean retryable;

        Refused(String reason, boolean retryable) {
            super(reason, null, false, false);
            this.retryable = retryable;
        }

        /** Whether the same call may succeed later (an unknown host may be registered; a private address stays one). */
        public boolean retryable() {
            return retryable;
        }
    }

    /** The answer's body went past the limit; the connection was reset. */
    public static final String ANSWER_TOO_LARGE = "answer too large";

    private final io.vertx.core.Vertx vertx;
    /** Runs the host look-up, which blocks, off the event loop. */
    private final Vertx blocking;
    private final HttpClient client;
    private final OutgoingConfig config;

    public OutgoingHttp(Vertx vertx, OutgoingConfig config) {
        this.vertx = vertx.getDelegate();
        this.blocking = vertx;
        this.config = config;
        this.client = this.vertx.createHttpClient(new HttpClientOptions()
                // One connection per call: nothing a peer sent stays around between two calls.
                .setKeepAlive(false)
                .setMaxPoolSize(config.maxConnectionsPerAddress())
                .setMaxHeaderSize(config.maxHeaderBytes())
                .setMaxInitialLineLength(config.maxHeaderBytes())
                // The answer limit counts bytes on the wire: no zip bomb.
                .setDecompressionSupported(false)
                // Connections go to a checked address (post): the host name still names the TLS peer.
                .setForceSni(true)
                .setVerifyHost(true)
                .setIdleTimeout((int) config.idleTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * Sends {@code body} to a vendor-supplied URL: the host is resolved once, off the event loop,
     * refused unless public (or {@code allowPrivateNetworks}), and the connection goes to that very
     * address, so a name cannot point inside between the check and the connection.
     *
     * @return the answer; fails with {@link Refused}, {@link TimeoutException} or the transport's failure
     */
    public Uni<Answer> post(URI url, MultiMap headers, Buffer body, Duration timeout, boolean allowPrivateNetworks) {
        long start = System.nanoTime();
        return blocking.executeBlocking(Uni.createFrom().item(() -> resolve(url.getHost())))
                .ifNoItem().after(timeout).failWith(TimeoutException::new)
                .chain(address -> {
                    if (address == null) {
                        throw new Refused("unknown host", true);
                    }
                    if (!allowPrivateNetworks && !Destinations.isPublic(address)) {
                        throw new Refused("destination not public", false);
                    }
                    int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
                    RequestOptions options = new RequestOptions().setMethod(io.vertx.core.http.HttpMethod.POST)
                            .setAbsoluteURI(url.toString()).setHeaders(headers)
                            .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()));
                    Duration left = timeout.minusNanos(System.nanoTime() - start);
                    return send(options, body, left.isNegative() ? Duration.ZERO : left);
                });
    }

    /**
     * Sends one request; the exchange, from connecting to the last byte read, ends within
     * {@code timeout}, when the connection is reset and the call fails with {@link TimeoutException}.
     * An answer longer than the limit fails with {@link Refused} ({@link #ANSWER_TOO_LARGE}).
     */
    public Uni<Answer> send(RequestOptions options, Buffer body, Duration timeout) {
        // Redirects are never followed: a redirect would send the request (and its credentials) elsewhere.
        options.setFollowRedirects(false).setConnectTimeout(Math.max(1, timeout.toMillis()));
        return Uni.createFrom().emitter(emitter -> new Exchange(emitter, timeout).start(options, body));
    }

    /** What a failed call is recorded as: a few words, never a message (which may quote a URL or a peer's text). */
    public static String describe(Throwable failure) {
        return OutgoingFailure.describe(failure);
    }

    /** The host's address, or null when it has none. */
    private static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** One call; whichever of answer, failure and deadline comes first decides it. */
    private final class Exchange {
        private final UniEmitter<? super Answer> emitter;
        private final Duration timeout;
        private final AtomicBoolean decided = new AtomicBoolean();
        private volatile HttpClientRequest request;
        private long timer;

        Exchange(UniEmitter<? super Answer> emitter, Duration timeout) {
            this.emitter = emitter;
            this.timeout = timeout;
        }

        void start(RequestOptions options, Buffer body) {
            timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> fail(new TimeoutException()));
            // A subscriber that gives up (its own timeout, a shutdown) ends the call too.
            emitter.onTermination(this::abort);
            client.request(options).onFailure(this::fail).onSuccess(sent -> {
                request = sent;
                if (decided.get()) {
                    abort();
                    return;
                }
                sent.exceptionHandler(this::fail);
                // A failure of the connection (a reset, a head past the limit) is this call's
                // outcome; unhandled, Vert.x would also log it at ERROR, a line per hostile answer.
                sent.connection().exceptionHandler(this::fail);
                sent.send(body).onFailure(this::fail).onSuccess(this::read);
            });
        }

        private void read(HttpClientResponse response) {
            // Also swallows the reset that abort() causes once the call is decided.
            response.exceptionHandler(this::fail);
            Buffer received = Buffer.buffer();
            response.handler(chunk -> {
                if (received.length() + chunk.length() > config.maxAnswerBytes()) {
                    fail(new Refused(ANSWER_TOO_LARGE, true));
                } else {
                    received.appendBuffer(chunk);
                }
            });
            response.endHandler(end -> {
                if (decide()) {
                    emitter.complete(new Answer(response.statusCode(), response.headers(), received));
                }
            });
        }

        private void fail(Throwable failure) {
            if (decide()) {
                abort();
                emitter.fail(failure);
            }
        }

        private boolean decide() {
            if (!decided.compareAndSet(false, true)) {
                return false;
            }
            vertx.cancelTimer(timer);
            return true;
        }

        /**
         * Drops the connection: a peer that is still sending costs nothing more. A reset alone
         * leaves open a connection whose request was never sent (obtained after the deadline).
         */
        private void abort() {
            HttpClientRequest sent = request;
            if (sent != null) {
                sent.reset();
                sent.connection().close();
            }
        }
    }
}
