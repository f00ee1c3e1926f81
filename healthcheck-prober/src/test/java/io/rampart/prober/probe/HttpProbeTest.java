package io.rampart.prober.probe;

import io.rampart.prober.testing.LoopbackProbe;
import io.rampart.prober.testing.TargetServer;
import io.rampart.store.probe.ProbeOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md's availability rule, "HTTP 200 within 3 s, redirects not followed", applied to real
 * local servers misbehaving in every way the prober names.
 */
class HttpProbeTest {

    @RegisterExtension
    static final LoopbackProbe loopback = new LoopbackProbe(100);
    private static final TargetServer server = loopback.server();

    @Test
    void aTwoHundredWithinTheTimeoutIsGood() {
        ProbeResult result = probe(server.baseUrl() + "/ok");
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.SUCCESS);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.durationMs()).isBetween(0, 2999);
        assertThat(server.requestCount("/ok")).isEqualTo(1);
    }

    @Test
    void aTargetSlowerThanThreeSecondsTimesOutAndRecordsThreeSeconds() {
        ProbeResult result = probe(server.baseUrl() + "/slow");
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(result.durationMs()).isEqualTo(3000);
        assertThat(result.statusCode()).isNull();
    }

    @Test
    void aServerErrorIsAnHttpStatusFailureWithItsCode() {
        assertHttpStatus(500);
    }

    @Test
    void aCreatedIsNotGoodEnough() {
        assertHttpStatus(201);
    }

    @Test
    void aRedirectIsNotFollowed() {
        assertHttpStatus(302);
        assertThat(server.requestCount("/ok")).as("the redirect target").isZero();
    }

    @Test
    void aRefusedPortIsAConnectFailure() {
        ProbeResult result = probe(server.refusedUrl() + "/health");
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.CONNECT);
        assertThat(result.statusCode()).isNull();
    }

    @Test
    void aConnectionClosedBeforeAnyAnswerIsAConnectFailure() {
        assertThat(probe(server.hangingUpUrl() + "/health").outcome()).isEqualTo(ProbeOutcome.CONNECT);
    }

    @Test
    void anEndlessBodyIsCutAtTheBoundAsBodyTooLarge() {
        ProbeResult result = probe(server.baseUrl() + "/endless");
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.BODY_TOO_LARGE);
        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.durationMs()).isLessThan(3000);
    }

    @Test
    void hugeHeadersAreBodyTooLarge() {
        assertThat(probe(server.baseUrl() + "/huge-headers").outcome()).isEqualTo(ProbeOutcome.BODY_TOO_LARGE);
    }

    @Test
    void anUnknownHostIsADnsFailure() {
        assertThat(probe("http://no-such-app.invalid/health").outcome()).isEqualTo(ProbeOutcome.DNS);
    }

    @Test
    void httpsProbesRunOnOpenSslWhereTheServiceShipsIt() {
        // BoringSSL ships for linux-x86_64: a silent fall back to the JDK's engine would cost about
        // 5 ms of CPU an https probe (docs/prober.md, "Profile").
        assertThat(HttpProbe.tlsEngine()).isEqualTo("OpenSSL");
    }

    @Test
    void anUntrustedCertificateIsATlsFailure() {
        assertThat(probe(server.untrustedTlsUrl() + "/ok").outcome()).isEqualTo(ProbeOutcome.TLS);
    }

    @Test
    void plainHttpAnsweringAnHttpsUrlIsATlsFailure() {
        assertThat(probe(server.baseUrl().replace("http:", "https:") + "/ok").outcome())
                .isEqualTo(ProbeOutcome.TLS);
    }

    @Test
    void anAnswerThatIsNotHttpIsAProtocolFailure() {
        assertThat(probe(server.notHttpUrl() + "/health").outcome()).isEqualTo(ProbeOutcome.PROTOCOL);
    }

    @Test
    void theResultCarriesTheSlotTheStartAndTheReplica() {
        Instant slot = Instant.now().minusMillis(250);
        ProbeResult result = loopback.probe(new ProbeTarget(42, "com.acme.carry", server.baseUrl() + "/carry", slot));
        assertThat(result.targetId()).isEqualTo(42);
        assertThat(result.appKey()).isEqualTo("com.acme.carry");
        assertThat(result.scheduledAt()).isEqualTo(slot);
        assertThat(result.startedAt()).isAfter(slot);
        assertThat(result.prober()).isEqualTo("test");
    }

    private void assertHttpStatus(int code) {
        ProbeResult result = probe(server.baseUrl() + "/status/" + code);
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.HTTP_STATUS);
        assertThat(result.statusCode()).isEqualTo(code);
    }

    /**
     * A probe's connection is its own: its close is no pool's eviction and its failure the probe's
     * outcome, so that probing, which runs thousands of times a minute, writes no log line (Vert.x
     * would warn "Connection evicted" at every close, and log each reset as an error).
     */
    @Test
    void probesWriteNoLogLines() throws InterruptedException {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger vertx = Logger.getLogger("io.vertx");
        vertx.addHandler(capture);
        try {
            for (String url : List.of(server.baseUrl() + "/status/200", server.baseUrl() + "/status/503", server.hangingUpUrl() + "/health",
                    server.resettingAtOnceUrl() + "/health", server.resettingInBodyUrl() + "/health", server.refusedUrl() + "/health")) {
                probe(url);
            }
            Thread.sleep(500); // connections close after their probes
        } finally {
            vertx.removeHandler(capture);
        }
        assertThat(logged).extracting(record -> record.getLoggerName() + ": " + record.getMessage()).isEmpty();
    }

    private static ProbeResult probe(String url) {
        return loopback.probe(url);
    }
}
