package io.rampart.sli.alert.notify;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Where a notification may go. Vendors choose the URLs, and sli-api sits next to the database and
 * the cluster's services, so by default only public addresses are reached (no loopback, private,
 * link-local such as cloud metadata, carrier-grade NAT, unique-local or multicast addresses).
 */
public final class Destinations {

    private Destinations() {
    }

    public static boolean isPublic(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        byte[] bytes = address.getAddress();
        if (address instanceof Inet6Address) {
            // fc00::/7 unique local
            return (bytes[0] & 0xfe) != 0xfc;
        }
        // 100.64.0.0/10 carrier-grade NAT
        return !((bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64);
    }
}
