package io.rampart.prober.probe;

import io.netty.handler.codec.TooLongFrameException;
import io.rampart.store.probe.ProbeOutcome;
import io.vertx.core.http.HttpClosedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Which outcome a failed probe records, failure by failure, wrapped or not (docs/prober.md, "What a probe is"). */
class ProbeClassificationTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                arguments(new UnknownHostException("app.example"), ProbeOutcome.DNS),
                arguments(new SSLHandshakeException("PKIX path validation failed"), ProbeOutcome.TLS),
                arguments(new TooLongFrameException("HTTP header is larger than 8192 bytes"), ProbeOutcome.BODY_TOO_LARGE),
                arguments(new ConnectException("Connection refused"), ProbeOutcome.CONNECT),
                arguments(new SocketException("Connection reset"), ProbeOutcome.CONNECT),
                arguments(new IOException("Connection reset by peer"), ProbeOutcome.CONNECT),
                arguments(new HttpClosedException("Connection was closed"), ProbeOutcome.CONNECT),
                arguments(new CompletionException(new UnknownHostException("wrapped.example")), ProbeOutcome.DNS),
                arguments(new IllegalStateException(new SSLHandshakeException("wrapped")), ProbeOutcome.TLS),
                arguments(new IOException("invalid version format: GARBAGE"), ProbeOutcome.PROTOCOL),
                arguments(new IllegalArgumentException("unexpected"), ProbeOutcome.PROTOCOL));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("failures")
    void eachFailureHasItsOutcome(Throwable failure, ProbeOutcome outcome) {
        assertThat(HttpProbe.classify(failure)).isEqualTo(outcome);
    }
}
