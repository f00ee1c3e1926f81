package io.rampart.prober.probe;

import io.rampart.prober.testing.LoopbackProbe;
import io.rampart.prober.testing.TargetServer;
import io.rampart.store.probe.ProbeOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With production's guard (private networks not allowed), a vendor cannot make the prober reach
 * an internal address, neither by naming it nor by a host name that resolves to it.
 */
class PrivateTargetGuardTest {

    @RegisterExtension
    static final LoopbackProbe guarded = new LoopbackProbe(10, false);
    private static final TargetServer server = guarded.server();

    @Test
    void aTargetOnLoopbackIsBlockedAndNeverReached() {
        ProbeResult result = guarded.probe(server.baseUrl() + "/ok");

        assertThat(server.baseUrl()).contains("127.0.0.1");
        assertThat(result.outcome()).isEqualTo(ProbeOutcome.BLOCKED);
        assertThat(result.outcome().isGood()).isFalse();
        assertThat(result.statusCode()).isNull();
        assertThat(server.requestCount("/ok")).isZero();
    }

    @Test
    void aHostNameThatResolvesToLoopbackIsBlockedAndNeverReached() {
        ProbeResult result = guarded.probe(server.baseUrl().replace("127.0.0.1", "localhost") + "/status/200");

        assertThat(result.outcome()).isEqualTo(ProbeOutcome.BLOCKED);
        assertThat(server.requestCount("/status/200")).isZero();
    }

    @Test
    void anIpv6LoopbackAndAnIpv4MappedOneAreBlocked() {
        int port = Integer.parseInt(server.baseUrl().substring(server.baseUrl().lastIndexOf(':') + 1));

        assertThat(guarded.probe("http://[::1]:" + port + "/ok").outcome()).isEqualTo(ProbeOutcome.BLOCKED);
        assertThat(guarded.probe("http://[::ffff:127.0.0.1]:" + port + "/ok").outcome()).isEqualTo(ProbeOutcome.BLOCKED);
        assertThat(server.requestCount("/ok")).isZero();
    }

    @Test
    void aNameThatDoesNotResolveIsStillADnsFailure() {
        assertThat(guarded.probe("http://no-such-host.invalid/health").outcome()).isEqualTo(ProbeOutcome.DNS);
    }
}
