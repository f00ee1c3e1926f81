package io.rampart.sli.outgoing;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Bounds of every call sli-api makes to an address a vendor or an operator chose (notification
 * receivers, the Statuspage API): docs/security.md, "Outgoing calls".
 */
@ConfigMapping(prefix = "rampart.outgoing")
public interface OutgoingConfig {

    /**
     * Most bytes of an answer's body read ({@code RAMPART_OUTGOING_MAX_ANSWER_BYTES}, default 4096):
     * an answer that goes on is cut, its connection reset, and the call fails as "answer too large".
     */
    @WithDefault("4096")
    int maxAnswerBytes();

    /** Most bytes of an answer's status line and headers ({@code RAMPART_OUTGOING_MAX_HEADER_BYTES}, default 8192). */
    @WithDefault("8192")
    int maxHeaderBytes();

    /** Connections open at once to one address ({@code RAMPART_OUTGOING_MAX_CONNECTIONS_PER_ADDRESS}, default 20). */
    @WithDefault("20")
    int maxConnectionsPerAddress();

    /**
     * How long a connection may stay silent before it is closed, whatever became of its call
     * ({@code RAMPART_OUTGOING_IDLE_TIMEOUT}, default 15 s: longer than any call's timeout). A
     * backstop: every call resets its own connection when it ends, but on a machine starved of CPU
     * a connection that completed after its call's deadline was seen to outlive it.
     */
    @WithDefault("15s")
    Duration idleTimeout();

    /**
     * Whether operator-supplied API base URLs (Statuspage) must be https
     * ({@code RAMPART_OUTGOING_HTTPS_ONLY}, default true; false in the test and local profiles,
     * whose fake endpoints listen on plain http on 127.0.0.1).
     */
    @WithDefault("true")
    boolean httpsOnly();
}
