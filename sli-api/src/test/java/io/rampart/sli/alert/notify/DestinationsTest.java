package io.rampart.sli.alert.notify;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

class DestinationsTest {

    private static boolean isPublic(String literal) throws UnknownHostException {
        return Destinations.isPublic(InetAddress.getByName(literal));
    }

    @Test
    void onlyPublicAddressesAreReachedByDefault() throws UnknownHostException {
        for (String internal : new String[] {"127.0.0.1", "0.0.0.0", "10.1.2.3", "172.16.0.9", "192.168.1.1",
                "169.254.169.254", "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fd12:3456::1"}) {
            assertThat(isPublic(internal)).as(internal).isFalse();
        }
        for (String external : new String[] {"93.184.216.34", "8.8.8.8", "100.128.0.1", "2606:4700::1111"}) {
            assertThat(isPublic(external)).as(external).isTrue();
        }
    }
}
