package io.rampart.sli.alert.notify;

import io.rampart.store.net.AddressPolicy;

import java.net.InetAddress;

/**
 * Where a notification may go. Vendors choose the URLs, and sli-api sits next to the database and
 * the cluster's services, so by default only public addresses are reached: the same policy as
 * the prober's targets ({@link AddressPolicy}, every special-purpose block of IPv4 and IPv6).
 */
public final class Destinations {

    private Destinations() {
    }

    public static boolean isPublic(InetAddress address) {
        return AddressPolicy.isPublic(address);
    }
}
