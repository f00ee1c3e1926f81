package io.rampart.store.probe;

/**
 * The outcome of one health check probe. Only {@link #SUCCESS} (HTTP 200 within the timeout,
 * redirects not followed) is good; every other value names why the probe failed.
 */
public enum ProbeOutcome {
    SUCCESS,
    /** No complete answer within the timeout; recorded with the timeout as its duration. */
    TIMEOUT,
    /** Connection refused or reset. */
    CONNECT,
    /** The host name did not resolve. */
    DNS,
    /** The TLS handshake failed (bad certificate, protocol mismatch). */
    TLS,
    /** A response other than 200 arrived (201 and 3xx included); its code is stored. */
    HTTP_STATUS,
    /** The response body was larger than the prober reads. */
    BODY_TOO_LARGE,
    /** The answer was not valid HTTP. */
    PROTOCOL,
    /**
     * Not probed: the target's address is loopback, private or another special-purpose address
     * the prober does not reach. The target is wrong, so this counts against the app.
     */
    BLOCKED,
    /**
     * Probed while the replica's own control target was failing: the prober's failure, not the
     * app's. Counts for no app (neither good nor total).
     */
    PROBER_FAULT;

    public boolean isGood() {
        return this == SUCCESS;
    }
}
