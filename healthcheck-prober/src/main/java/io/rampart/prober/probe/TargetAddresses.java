package io.rampart.prober.probe;

import io.rampart.store.net.AddressPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.impl.future.PromiseInternal;

import java.net.InetAddress;

/**
 * Where a probe may connect. A vendor chooses its health check URL and can point its DNS name
 * anywhere at any time, so the host is resolved once per probe, the address is checked against
 * {@link AddressPolicy}, and the probe connects to that very address: a name that is re-pointed
 * between the check and the connect (DNS rebinding) changes nothing. Resolution is the one
 * Vert.x's HTTP client would use: under Quarkus (without {@code quarkus.vertx.use-async-dns}) the
 * JDK's, run on Vert.x's internal blocking pool (docs/prober.md, "Profile").
 */
final class TargetAddresses {

    private final VertxInternal vertx;
    private final boolean allowPrivateNetworks;

    TargetAddresses(Vertx vertx, boolean allowPrivateNetworks) {
        this.vertx = (VertxInternal) vertx;
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    /** The host's address, completed on the caller's context; fails with an UnknownHostException when it has none. */
    Future<InetAddress> resolve(String host) {
        PromiseInternal<InetAddress> resolved = ((ContextInternal) vertx.getOrCreateContext()).promise();
        // A URL's IPv6 literal comes in brackets.
        vertx.resolveAddress(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host,
                resolved);
        return resolved.future();
    }

    /** Whether a probe may connect to the address: a public one, or any where private networks are allowed. */
    boolean allowed(InetAddress address) {
        return allowPrivateNetworks || AddressPolicy.isPublic(address);
    }
}
