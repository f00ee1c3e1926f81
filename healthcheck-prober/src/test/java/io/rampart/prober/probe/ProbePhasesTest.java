package io.rampart.prober.probe;

import io.rampart.prober.testing.LoopbackProbe;
import io.rampart.prober.testing.TestCertificates;
import io.rampart.store.probe.ProbeOutcome;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Phase timings and certificates against real loopback targets that delay, on purpose, the TCP
 * connect (a listener whose accept queue is full, so the kernel drops the probe's SYN until the
 * listener accepts), the TLS handshake (a relay that holds the ClientHello) and the first byte (a
 * server that answers late); each phase is timed within 50 ms of its delay.
 */
class ProbePhasesTest {

    private static final long TLS_DELAY_MS = 300;
    private static final long FIRST_BYTE_DELAY_MS = 300;
    private static final long TOLERANCE_MS = 50;

    private static TestCertificates certificates;
    private static Path keyStore;
    private static Vertx vertx;
    /** The targets' own Vert.x, so that their timers and the probe's event loop do not wait for each other. */
    private static Vertx targets;
    /** How long the last answer was actually held, from the request's arrival to the answer's being written. */
    private static final AtomicLong heldAnswerNanos = new AtomicLong();
    private static HttpServer https;
    private static HttpServer http;
    private static HttpProbe trusting;
    private static HttpProbe jvmDefault;

    @BeforeAll
    static void start() {
        certificates = new TestCertificates("Rampart Test CA");
        keyStore = certificates.serverKeyStore(30);
        vertx = Vertx.vertx();
        targets = Vertx.vertx();
        https = targets.createHttpServer(new HttpServerOptions().setSsl(true)
                        .setKeyCertOptions(new PfxOptions().setPath(keyStore.toString()).setPassword(certificates.password())))
                .requestHandler(ProbePhasesTest::answerLate)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        http = targets.createHttpServer()
                .requestHandler(ProbePhasesTest::answerLate)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        trusting = new HttpProbe(vertx, new HttpProbe.Settings(LoopbackProbe.TIMEOUT, 64 * 1024, 16 * 1024, false, 8,
                true, new PemTrustOptions().addCertPath(certificates.caPem().toString())), "test", "local");
        jvmDefault = new HttpProbe(vertx, new HttpProbe.Settings(LoopbackProbe.TIMEOUT, 64 * 1024, 16 * 1024, false, 8,
                true), "test", "local");
        // Class loading and the first TLS handshakes of a fresh JVM take far longer than any delay here.
        for (int i = 0; i < 3; i++) {
            probe(trusting, "https://localhost:" + https.actualPort() + "/warm-up");
            probe(trusting, "http://127.0.0.1:" + http.actualPort() + "/warm-up");
        }
    }

    /** Answers after {@link #FIRST_BYTE_DELAY_MS}, noting how long it actually held the answer (a loaded machine's timers run late). */
    private static void answerLate(io.vertx.core.http.HttpServerRequest request) {
        long received = System.nanoTime();
        targets.setTimer(FIRST_BYTE_DELAY_MS, id -> {
            heldAnswerNanos.set(System.nanoTime() - received);
            request.response().end("ok");
        });
    }

    @AfterAll
    static void stop() {
        trusting.close();
        jvmDefault.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        targets.close().toCompletionStage().toCompletableFuture().join();
    }

    /**
     * Up to three attempts, the first whose every phase is within 50 ms of its delay passing: on a
     * machine shared with other work a single probe can be held up by a scheduling stall, but a
     * phase measured wrongly (a connect that includes the handshake, a first byte counted from
     * the start) is off by hundreds of milliseconds in every attempt.
     */
    @Test
    void eachPhaseIsTimedWithinFiftyMillisecondsOfItsDelay() throws Exception {
        List<String> misses = new ArrayList<>();
        for (int attempt = 1; attempt <= 3; attempt++) {
            String miss = phasesMiss();
            if (miss == null) {
                return;
            }
            misses.add("attempt " + attempt + ": " + miss);
        }
        throw new AssertionError("no attempt had every phase within " + TOLERANCE_MS + " ms of its delay: " + misses);
    }

    /** One probe through the late relay: null when every phase is within the tolerance of its delay, else what was off. */
    private static String phasesMiss() throws Exception {
        // What the handshake itself costs on this machine now, without the relay's delay.
        int handshakeMs = probe(trusting, "https://localhost:" + https.actualPort() + "/health").phases().tlsMs();
        try (LateRelay relay = new LateRelay(https.actualPort())) {
            long before = System.nanoTime();
            ProbeResult result = probe(trusting, "https://localhost:" + relay.port() + "/health");
            assertThat(result.outcome()).isEqualTo(ProbeOutcome.SUCCESS);
            ProbeResult.ProbePhases phases = result.phases();
            // The delay the listener imposed on the connect: from the probe's start (less its DNS
            // step) to the kernel's completing the handshake, which the waiting accept returns at.
            long connectDelayMs = (relay.acceptedNanos() - before) / 1_000_000 - phases.dnsMs();
            assertThat(connectDelayMs).as("the SYN waited for a retransmission").isGreaterThanOrEqualTo(900);
            long tlsDelayMs = relay.heldMs() + handshakeMs;
            long firstByteDelayMs = heldAnswerNanos.get() / 1_000_000;
            int sum = phases.dnsMs() + phases.connectMs() + phases.tlsMs() + phases.firstByteMs();
            String measured = phases + ", total " + result.durationMs() + " against delays: connect " + connectDelayMs
                    + ", tls " + tlsDelayMs + ", first byte " + firstByteDelayMs;
            System.out.println(measured);
            // Each delay lands in its own phase, however loaded the machine: the connect holds neither
            // the handshake nor the answer, the handshake holds the relay's hold, the first byte the server's.
            assertThat((long) phases.connectMs()).as(measured).isBetween(connectDelayMs - TOLERANCE_MS,
                    connectDelayMs + TOLERANCE_MS);
            assertThat((long) phases.tlsMs()).as(measured).isGreaterThanOrEqualTo(relay.heldMs() - TOLERANCE_MS);
            assertThat((long) phases.firstByteMs()).as(measured).isGreaterThanOrEqualTo(firstByteDelayMs - TOLERANCE_MS);
            assertThat(result.durationMs()).as(measured).isBetween(sum, sum + (int) TOLERANCE_MS);
            if (machineTooBusy()) {
                // Handshake and answer pass through threads and event loops that a machine running
                // many times its cores' load delays by far more than 50 ms: only the bounds above hold.
                System.out.println("load average " + loadAverage() + " on " + cores() + " cores: the 50 ms bounds of TLS and first byte not checked");
                return null;
            }
            boolean within = phases.dnsMs() <= TOLERANCE_MS
                    && Math.abs(phases.connectMs() - connectDelayMs) <= TOLERANCE_MS
                    && Math.abs(phases.tlsMs() - tlsDelayMs) <= TOLERANCE_MS
                    && Math.abs(phases.firstByteMs() - firstByteDelayMs) <= TOLERANCE_MS
                    && result.durationMs() >= sum && result.durationMs() <= sum + TOLERANCE_MS;
            return within ? null : measured;
        }
    }

    /** More than twice as many runnable processes as cores, on average over the last minute. */
    private static boolean machineTooBusy() {
        return loadAverage() > 2.0 * cores();
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Test
    void plainHttpHasNoHandshakeAndAPromptConnect() {
        ProbeResult result = probe(trusting, "http://127.0.0.1:" + http.actualPort() + "/health");

        assertThat(result.outcome()).isEqualTo(ProbeOutcome.SUCCESS);
        assertThat(result.phases().connectMs()).isBetween(0, (int) TOLERANCE_MS);
        assertThat(result.phases().tlsMs()).isNull();
        // Off by a scheduling stall at most: the server's own hold, not counted from the probe's start.
        assertThat((long) result.phases().firstByteMs()).isCloseTo(heldAnswerNanos.get() / 1_000_000,
                org.assertj.core.data.Offset.offset(2 * TOLERANCE_MS));
        assertThat(result.certificate()).isNull();
    }

    @Test
    void anHttpsProbeRecordsTheLeafCertificateItsConfiguredTrustStoreAccepted() {
        X509Certificate leaf = certificates.leaf(keyStore);

        ProbeResult trusted = probe(trusting, "https://localhost:" + https.actualPort() + "/health");
        ProbeResult untrusted = probe(jvmDefault, "https://localhost:" + https.actualPort() + "/health");

        assertThat(trusted.outcome()).isEqualTo(ProbeOutcome.SUCCESS);
        assertThat(trusted.certificate().notAfter()).isEqualTo(leaf.getNotAfter().toInstant());
        assertThat(trusted.certificate().notAfter()).isBetween(Instant.now().plus(Duration.ofDays(28)),
                Instant.now().plus(Duration.ofDays(29)));
        assertThat(trusted.certificate().issuer()).isEqualTo("CN=Rampart Test CA");
        // The JVM's default trust store does not know the test's CA.
        assertThat(untrusted.outcome()).isEqualTo(ProbeOutcome.TLS);
        assertThat(untrusted.certificate()).isNull();
    }

    private static ProbeResult probe(HttpProbe probe, String url) {
        return Uni.createFrom().<ProbeResult>emitter(emitter -> probe.probe(
                        new ProbeTarget(1, "com.acme.phases", url, Instant.now()), emitter::complete))
                .await().atMost(Duration.ofSeconds(60));
    }

    /**
     * A listener on 127.0.0.1 whose accept queue is full when the probe connects, so the kernel
     * drops the probe's SYN; it makes room after 300 ms, and the SYN's retransmission (after the
     * kernel's initial 1 s) connects. It then holds the client's first bytes (the TLS ClientHello)
     * for {@link #TLS_DELAY_MS} before relaying them, and everything after at once, to the backend.
     */
    private static final class LateRelay implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> queued = new ArrayList<>();
        private final AtomicLong acceptedNanos = new AtomicLong();
        private final AtomicLong heldNanos = new AtomicLong();
        private final Thread thread;

        LateRelay(int backendPort) throws IOException {
            listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            // Fill the accept queue: the first connect the kernel no longer completes shows it full.
            while (true) {
                Socket filler = new Socket();
                try {
                    filler.connect(address, 200);
                    queued.add(filler);
                } catch (SocketTimeoutException full) {
                    filler.close();
                    break;
                }
            }
            thread = new Thread(() -> relay(backendPort), "late-relay");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        /** How long the ClientHello was actually held (at least {@link #TLS_DELAY_MS}). */
        long heldMs() {
            return heldNanos.get() / 1_000_000;
        }

        long acceptedNanos() {
            return acceptedNanos.get();
        }

        private void relay(int backendPort) {
            try {
                Thread.sleep(300);
                for (int i = 0; i < queued.size(); i++) {
                    listener.accept().close();
                }
                Socket client = listener.accept();
                acceptedNanos.set(System.nanoTime());
                Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort);
                byte[] buffer = new byte[16384];
                int read = client.getInputStream().read(buffer);
                long received = System.nanoTime();
                Thread.sleep(TLS_DELAY_MS);
                heldNanos.set(System.nanoTime() - received);
                backend.getOutputStream().write(buffer, 0, read);
                Thread pump = new Thread(() -> pump(backend, client), "late-relay-back");
                pump.setDaemon(true);
                pump.start();
                pump(client, backend);
            } catch (IOException | InterruptedException e) {
                // The probe ended; nothing more to relay.
            }
        }

        private static void pump(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // Either side closed.
            }
        }

        @Override
        public void close() throws IOException {
            for (Socket socket : queued) {
                socket.close();
            }
            listener.close();
        }
    }
}
