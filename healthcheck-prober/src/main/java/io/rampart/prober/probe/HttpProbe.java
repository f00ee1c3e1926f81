package io.rampart.prober.probe;

import io.netty.handler.codec.TooLongFrameException;
import io.rampart.store.probe.ProbeOutcome;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.impl.HttpClientInternal;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * One unauthenticated {@code GET} of a health check URL, classified the way DESIGN.md counts it:
 * good is a 200 whose body arrives within the timeout. Redirects are never followed, a 200's
 * body is read up to a bound, and whatever the target does, the probe ends at the timeout.
 * Non-blocking: the Vert.x client runs the request on the caller's event loop.
 * <p>
 * Without keep-alive (the default), each probe opens its own connection past Vert.x's connection
 * pool: a pool for one server looks for a free connection by scanning every connection it holds,
 * so with thousands of connections open to one host (many apps behind one platform's address, or
 * hanging targets) that scan was the largest cost of a probe (docs/prober.md, <i>Profile</i>),
 * and a probe that never reuses a connection has no use for it. Vert.x 4 offers that connect
 * only on its internal client interface ({@link HttpClientInternal#connect}); Vert.x 5 makes it
 * public. With keep-alive, connections are pooled, spread over several clients.
 */
public final class HttpProbe implements AutoCloseable {

    /**
     * How the probe talks to targets.
     *
     * @param allowPrivateNetworks whether targets on loopback, private and other special-purpose
     *                             addresses are probed rather than BLOCKED
     * @param trust                the certificates trusted for https targets; null for the JVM's default trust store
     */
    public record Settings(Duration timeout, int maxBodyBytes, int maxHeaderBytes, boolean keepAlive,
                           int maxConnections, boolean allowPrivateNetworks, TrustOptions trust) {

        /** With the JVM's default trust store. */
        public Settings(Duration timeout, int maxBodyBytes, int maxHeaderBytes, boolean keepAlive,
                        int maxConnections, boolean allowPrivateNetworks) {
            this(timeout, maxBodyBytes, maxHeaderBytes, keepAlive, maxConnections, allowPrivateNetworks, null);
        }
    }

    /** Names the probe location too, so a vendor can tell in its own logs where each probe came from. */
    private static final String USER_AGENT = "Rampart-Prober/1.0 (location %s)";
    /** Connections per client to one server, on average, past which another client is added... */
    private static final int CONNECTIONS_PER_CLIENT = 1000;
    /** ...up to this many clients: each costs its own TLS context and pool housekeeping. */
    private static final int MAX_CLIENTS = 4;
    private static final Handler<Void> NOTHING = ignored -> { };

    private final Vertx vertx;
    /** With keep-alive: pooled clients that reuse connections between probes; without, none. */
    private final HttpClient[] clients;
    /** Without keep-alive: each probe's own connection, for http and for https. */
    private final HttpClientInternal plain;
    private final HttpClientInternal tls;
    private final AtomicInteger nextClient = new AtomicInteger();
    private final Settings settings;
    private final String replicaId;
    private final String userAgent;
    private final TargetAddresses addresses;

    /** @param location the replica's probe location, named in every probe's User-Agent */
    public HttpProbe(Vertx vertx, Settings settings, String replicaId, String location) {
        this.vertx = vertx;
        this.settings = settings;
        this.replicaId = replicaId;
        this.userAgent = USER_AGENT.formatted(location);
        this.addresses = new TargetAddresses(vertx, settings.allowPrivateNetworks());
        int timeoutMs = Math.toIntExact(settings.timeout().toMillis());
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(settings.keepAlive())
                .setMaxPoolSize(settings.maxConnections())
                .setConnectTimeout(timeoutMs)
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxInitialLineLength(settings.maxHeaderBytes())
                .setDecompressionSupported(false)
                .setForceSni(true)
                .setVerifyHost(true)
                .setSslEngineOptions(new TimedTls());
        if (settings.trust() != null) {
            options.setTrustOptions(settings.trust());
        }
        this.clients = new HttpClient[settings.keepAlive()
                ? Math.max(1, Math.min(MAX_CLIENTS, settings.maxConnections() / CONNECTIONS_PER_CLIENT)) : 0];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = vertx.createHttpClient(options);
        }
        this.plain = (HttpClientInternal) vertx.createHttpClient(options);
        this.tls = (HttpClientInternal) vertx.createHttpClient(new HttpClientOptions(options).setSsl(true));
    }

    /** The TLS engine of https probes: OpenSSL (BoringSSL) where its native library loads, else the JDK's. */
    public static String tlsEngine() {
        return TimedTls.engineName();
    }

    /**
     * Probes the target once and hands the result to {@code done}, on the caller's event loop;
     * never fails, every failure is an outcome. A plain callback: the probe is the prober's hot
     * path, and a Uni per probe cost a tenth of its CPU time in the profile.
     */
    public void probe(ProbeTarget target, Consumer<ProbeResult> done) {
        new Attempt(target, done).start();
    }

    @Override
    public void close() {
        for (HttpClient client : clients) {
            client.close();
        }
        plain.close();
        tls.close();
    }

    /** The outcome a failure stands for; anything not recognised is a PROTOCOL failure. */
    static ProbeOutcome classify(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnknownHostException) {
                return ProbeOutcome.DNS;
            }
            if (cause instanceof SSLException) {
                return ProbeOutcome.TLS;
            }
            if (cause instanceof TooLongFrameException) {
                return ProbeOutcome.BODY_TOO_LARGE;
            }
            // Refused, reset, or closed before an answer: the target took no request.
            if (cause instanceof ConnectException || cause instanceof HttpClosedException
                    || cause instanceof SocketException
                    || (cause instanceof IOException && String.valueOf(cause.getMessage()).contains("reset"))) {
                return ProbeOutcome.CONNECT;
            }
        }
        return ProbeOutcome.PROTOCOL;
    }

    /** Closes the request's connection; completes once it is closed (at once if it already was). */
    private static Future<Void> drop(HttpClientRequest sent) {
        HttpConnection connection = sent.connection();
        return connection == null ? Future.succeededFuture() : connection.close();
    }

    /** The state of one probe; the first of answer, failure and timeout to arrive decides it. */
    private final class Attempt {
        private final ProbeTarget target;
        private final Consumer<ProbeResult> done;
        private final AtomicBoolean decided = new AtomicBoolean();
        private Instant startedAt;
        private long startNanos;
        private long timer;
        private volatile HttpClientRequest request;
        private volatile Integer statusCode;
        private int bodyBytes;
        /** When each step ended (System.nanoTime), 0 where it has not: see phases(). */
        private volatile long resolvedNanos;
        private volatile long connectedNanos;
        private volatile long obtainedNanos;
        private volatile long headersNanos;
        private volatile ProbeResult.ProbeCertificate certificate;

        Attempt(ProbeTarget target, Consumer<ProbeResult> done) {
            this.target = target;
            this.done = done;
        }

        void start() {
            startedAt = Instant.now();
            startNanos = System.nanoTime();
            timer = vertx.setTimer(settings.timeout().toMillis(),
                    id -> decide(ProbeOutcome.TIMEOUT, Math.toIntExact(settings.timeout().toMillis())));
            RequestOptions options;
            try {
                options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(target.url())
                        .setFollowRedirects(false).putHeader("User-Agent", userAgent);
            } catch (RuntimeException badUrl) {
                decide(ProbeOutcome.PROTOCOL, elapsedMs());
                return;
            }
            addresses.resolve(options.getHost()).onComplete(resolved -> {
                if (decided.get()) {
                    return;
                }
                resolvedNanos = System.nanoTime();
                if (resolved.failed()) {
                    fail(resolved.cause());
                } else if (!addresses.allowed(resolved.result())) {
                    decide(ProbeOutcome.BLOCKED, elapsedMs());
                } else {
                    // The checked address, whatever the name resolves to by now; Host and SNI keep the name.
                    send(options.setServer(SocketAddress.inetSocketAddress(options.getPort(),
                            resolved.result().getHostAddress())));
                }
            });
        }

        private void send(RequestOptions options) {
            if (settings.keepAlive()) {
                clients[Math.floorMod(nextClient.getAndIncrement(), clients.length)].request(options)
                        .onFailure(this::fail)
                        .onSuccess(this::send);
                return;
            }
            HttpClientInternal client = Boolean.TRUE.equals(options.isSsl()) ? tls : plain;
            // The peer's name gives SNI and host name verification; the server is the checked address.
            client.connect(options.getServer(), SocketAddress.inetSocketAddress(options.getPort(), options.getHost()))
                    .onFailure(this::fail)
                    .onSuccess(connection -> {
                        // The connection is the probe's alone: its end is no pool's eviction (Vert.x
                        // would log each as a warning), and its failure is the probe's.
                        connection.evictionHandler(NOTHING).exceptionHandler(this::fail);
                        if (decided.get()) {
                            connection.close();
                            return;
                        }
                        connection.createRequest((ContextInternal) vertx.getOrCreateContext())
                                .onFailure(failure -> {
                                    connection.close();
                                    fail(failure);
                                })
                                .onSuccess(created -> {
                                    created.setMethod(options.getMethod()).setURI(options.getURI())
                                            .authority(HostAndPort.create(options.getHost(), options.getPort()))
                                            .headers().addAll(options.getHeaders());
                                    send(created);
                                });
                    });
        }

        private void send(HttpClientRequest sent) {
            request = sent;
            connected(sent);
            // Also swallows the failure that dropping the connection causes: without a handler, Vert.x logs
            // each one as an error, and a burst of timeouts became a burst of log lines.
            sent.exceptionHandler(this::fail);
            if (decided.get()) {
                // Decided (timed out) while the connection was being made: its result is handed over already.
                drop(sent);
                return;
            }
            sent.send().onSuccess(this::onResponse).onFailure(this::fail);
        }

        private void onResponse(HttpClientResponse response) {
            // Also swallows the failure that dropping the connection causes once the probe is decided.
            response.exceptionHandler(this::fail);
            headersNanos = System.nanoTime();
            statusCode = response.statusCode();
            if (statusCode != 200) {
                // The verdict is in the status line: the body is not worth the wait.
                decide(ProbeOutcome.HTTP_STATUS, elapsedMs());
                return;
            }
            response.handler(chunk -> {
                bodyBytes += chunk.length();
                if (bodyBytes > settings.maxBodyBytes()) {
                    decide(ProbeOutcome.BODY_TOO_LARGE, elapsedMs());
                }
            });
            response.endHandler(end -> decide(ProbeOutcome.SUCCESS, elapsedMs()));
        }

        private void fail(Throwable failure) {
            decide(classify(failure), elapsedMs());
        }

        /**
         * The first verdict wins. Any verdict but SUCCESS drops the connection, so that a target
         * streaming forever costs nothing more, and the result is handed over once it is dropped:
         * the replica's bound on probes at once then also bounds the connections it holds open.
         */
        private void decide(ProbeOutcome outcome, int durationMs) {
            if (!decided.compareAndSet(false, true)) {
                return;
            }
            vertx.cancelTimer(timer);
            int timeoutMs = Math.toIntExact(settings.timeout().toMillis());
            // A loop running late (GC pause, starved CPU) can see an answer only after the timeout
            // has passed, before its timer runs: that is no answer within the timeout either.
            boolean late = durationMs >= timeoutMs;
            ProbeResult result = new ProbeResult(target.targetId(), target.appKey(), target.slot(), startedAt,
                    late ? timeoutMs : durationMs, late ? ProbeOutcome.TIMEOUT : outcome, statusCode, replicaId,
                    phases(), certificate);
            HttpClientRequest sent = request;
            if (outcome == ProbeOutcome.SUCCESS || sent == null) {
                done.accept(result);
            } else {
                drop(sent).onComplete(dropped -> done.accept(result));
            }
        }

        /** Notes when the connection was ready (connected, and for https handshaken) and the certificate it presented. */
        private void connected(HttpClientRequest sent) {
            obtainedNanos = System.nanoTime();
            HttpConnection connection = sent.connection();
            if (connection == null || !connection.isSsl()) {
                return;
            }
            Long tcpConnected = TimedTls.connectedNanos(connection);
            connectedNanos = tcpConnected == null ? 0 : tcpConnected;
            try {
                List<Certificate> chain = connection.peerCertificates();
                if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate leaf) {
                    certificate = new ProbeResult.ProbeCertificate(leaf.getNotAfter().toInstant(),
                            leaf.getIssuerX500Principal().getName());
                }
            } catch (SSLPeerUnverifiedException | RuntimeException unverified) {
                // No certificate to record: the handshake verified none.
            }
        }

        /**
         * The steps completed so far. For https, the TCP connect ends when the TLS handler saw the
         * channel become active and the handshake ends when Vert.x handed over the connection; for
         * http, the connect ends there. A kept-alive connection made before this probe started
         * records neither connect nor handshake.
         */
        private ProbeResult.ProbePhases phases() {
            long resolved = resolvedNanos;
            if (resolved == 0) {
                return ProbeResult.ProbePhases.NONE;
            }
            long obtained = obtainedNanos;
            long tcp = connectedNanos;
            long headers = headersNanos;
            boolean fresh = tcp == 0 || tcp >= startNanos;
            Integer connectMs = null;
            Integer tlsMs = null;
            if (obtained != 0 && fresh) {
                connectMs = millis(resolved, tcp == 0 ? obtained : tcp);
                tlsMs = tcp == 0 ? null : millis(tcp, obtained);
            }
            return new ProbeResult.ProbePhases(millis(startNanos, resolved), connectMs, tlsMs,
                    obtained != 0 && headers != 0 ? millis(obtained, headers) : null);
        }

        private static int millis(long fromNanos, long toNanos) {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, (toNanos - fromNanos) / 1_000_000));
        }

        private int elapsedMs() {
            return (int) Math.min(Integer.MAX_VALUE, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }
}
