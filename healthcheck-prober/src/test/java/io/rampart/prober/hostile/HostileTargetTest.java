package io.rampart.prober.hostile;

import io.rampart.prober.probe.ProbeResult;
import io.rampart.prober.probe.ProbeTarget;
import io.rampart.prober.testing.LoopbackProbe;
import io.rampart.prober.testing.TargetServer;
import io.rampart.store.probe.ProbeOutcome;
import io.vertx.core.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile targets on loopback that {@code HttpProbeTest} does not cover: one that
 * never sends a byte, ones that trickle a byte a second, ones that reset the connection. Each
 * probe must end with the outcome docs/prober.md gives it, and by the 3 s timeout at the latest.
 */
class HostileTargetTest {

    /** How late after the timeout a probe may hand its result over: a timer on a busy 2-core machine. */
    private static final long LATENESS_MS = 500;
    @RegisterExtension
    static final LoopbackProbe loopback = new LoopbackProbe(100);
    private static final TargetServer server = loopback.server();

    @Test
    void aTargetThatAcceptsAndNeverSendsAByteTimesOutAtThreeSeconds() {
        TimedResult timed = probe(server.silentUrl() + "/health");
        assertTimedOut(timed);
        assertThat(timed.result().statusCode()).isNull();
    }

    @Test
    void aStatusLineTrickledOneByteASecondTimesOut() {
        TimedResult timed = probe(server.tricklingHeadUrl() + "/health");
        assertTimedOut(timed);
        assertThat(timed.result().statusCode()).as("headers never completed").isNull();
    }

    @Test
    void aTwoHundredWhoseBodyStillTricklesAtThreeSecondsTimesOut() {
        // 10 bytes at one a second: the 200 arrived at once, the body would end after 10 s.
        TimedResult timed = probe(server.baseUrl() + "/trickle/10");
        assertTimedOut(timed);
        assertThat(timed.result().statusCode()).isEqualTo(200);
    }

    @Test
    void aTrickledBodyThatEndsWithinThreeSecondsIsGoodAndTimedToItsLastByte() {
        TimedResult timed = probe(server.baseUrl() + "/trickle/2");
        assertThat(timed.result().outcome()).isEqualTo(ProbeOutcome.SUCCESS);
        assertThat(timed.result().durationMs()).isBetween(1900, 2999);
    }

    @Test
    void aTwoHundredThatTheProbersStalledLoopSeesOnlyAfterTheTimeoutIsATimeout() throws Exception {
        Context loop = loopback.vertx().getOrCreateContext();
        CompletableFuture<ProbeResult> result = new CompletableFuture<>();
        // Headers at once, the last byte after 1 s: the whole 200 is on the wire well within 3 s.
        ProbeTarget target = new ProbeTarget(1, "com.acme.hostile", server.baseUrl() + "/trickle/1", Instant.now());
        loop.runOnContext(start -> loopback.probe().probe(target, result::complete));
        Thread.sleep(500);
        // The prober's loop then stalls past the timeout (a GC pause, a starved CPU), so it sees the
        // end of the body and its timeout timer in the same turn. Vert.x logs the blocked thread.
        loop.runOnContext(stall -> {
            long until = System.nanoTime() + LoopbackProbe.TIMEOUT.toNanos();
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        ProbeResult late = result.get(10, TimeUnit.SECONDS);
        assertThat(late.outcome()).as("outcome of the probe that took %d ms", late.durationMs())
                .isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(late.durationMs()).isEqualTo(3000);
        assertThat(late.statusCode()).isEqualTo(200);
    }

    @Test
    void aResetAtAcceptIsAConnectFailure() {
        assertConnectFailure(probe(server.resettingAtOnceUrl() + "/health"));
    }

    @Test
    void aResetWithinTheHeadersIsAConnectFailure() {
        assertConnectFailure(probe(server.resettingInHeadersUrl() + "/health"));
    }

    @Test
    void aResetWithinTheBodyOfATwoHundredIsAConnectFailureThatKeepsTheCode() {
        TimedResult timed = probe(server.resettingInBodyUrl() + "/health");
        assertThat(timed.result().outcome()).isEqualTo(ProbeOutcome.CONNECT);
        assertThat(timed.result().statusCode()).isEqualTo(200);
        assertThat(timed.result().durationMs()).isLessThan(1000);
    }

    private static void assertTimedOut(TimedResult timed) {
        assertThat(timed.result().outcome()).isEqualTo(ProbeOutcome.TIMEOUT);
        assertThat(timed.result().durationMs()).isEqualTo(3000);
        assertThat(timed.wallMs()).as("wall time of the probe").isBetween(3000L, 3000 + LATENESS_MS);
    }

    private static void assertConnectFailure(TimedResult timed) {
        assertThat(timed.result().outcome()).isEqualTo(ProbeOutcome.CONNECT);
        assertThat(timed.result().statusCode()).isNull();
        assertThat(timed.result().durationMs()).as("a reset is seen at once, not at the timeout").isLessThan(1000);
    }

    private record TimedResult(ProbeResult result, long wallMs) {
    }

    private static TimedResult probe(String url) {
        long start = System.nanoTime();
        ProbeResult result = loopback.probe(url);
        return new TimedResult(result, (System.nanoTime() - start) / 1_000_000);
    }
}
