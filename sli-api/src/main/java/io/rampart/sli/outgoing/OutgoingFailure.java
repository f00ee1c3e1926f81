package io.rampart.sli.outgoing;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.util.concurrent.TimeoutException;

/** The few words a failed outgoing call is recorded with (docs/security.md, "Outgoing calls"). */
final class OutgoingFailure {

    private OutgoingFailure() {
    }

    static String describe(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutgoingHttp.Refused refused) {
                return refused.getMessage();
            }
            if (cause instanceof TimeoutException || cause instanceof io.netty.channel.ConnectTimeoutException) {
                return "timeout";
            }
            if (cause instanceof SSLException) {
                return "TLS";
            }
            if (cause instanceof TooLongFrameException) {
                return "headers too large";
            }
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
                return "connection refused";
            }
            if (cause instanceof HttpClosedException || cause instanceof StreamResetException
                    || cause instanceof IOException) {
                return "connection closed";
            }
        }
        return "protocol error";
    }
}
