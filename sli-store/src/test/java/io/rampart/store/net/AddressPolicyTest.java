package io.rampart.store.net;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** One row per address: whether a vendor may make Rampart connect to it, and the block that refuses it. */
class AddressPolicyTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "public", textBlock = """
            # IPv4 special-purpose registry, an address inside each block and at its edges
            0.0.0.0                 | this network 0.0.0.0/8
            0.255.255.255           | this network 0.0.0.0/8
            10.1.2.3                | private 10.0.0.0/8
            100.64.0.1              | shared address space (carrier-grade NAT) 100.64.0.0/10
            100.127.255.255         | shared address space (carrier-grade NAT) 100.64.0.0/10
            127.0.0.1               | loopback 127.0.0.0/8
            127.255.255.254         | loopback 127.0.0.0/8
            169.254.169.254         | link-local (cloud metadata) 169.254.0.0/16
            172.16.0.9              | private 172.16.0.0/12
            172.31.255.255          | private 172.16.0.0/12
            192.0.0.8               | IETF protocol assignments 192.0.0.0/24
            192.0.0.170             | IETF protocol assignments 192.0.0.0/24
            192.0.2.1               | documentation (TEST-NET-1) 192.0.2.0/24
            192.31.196.1            | AS112-v4 192.31.196.0/24
            192.52.193.1            | AMT 192.52.193.0/24
            192.88.99.1             | 6to4 relay anycast 192.88.99.0/24
            192.168.1.1             | private 192.168.0.0/16
            192.175.48.1            | AS112 direct delegation 192.175.48.0/24
            198.18.0.1              | benchmarking 198.18.0.0/15
            198.19.255.255          | benchmarking 198.18.0.0/15
            198.51.100.7            | documentation (TEST-NET-2) 198.51.100.0/24
            203.0.113.7             | documentation (TEST-NET-3) 203.0.113.0/24
            224.0.0.1               | multicast 224.0.0.0/4
            239.255.255.250         | multicast 224.0.0.0/4
            240.0.0.1               | reserved (and broadcast) 240.0.0.0/4
            255.255.255.255         | reserved (and broadcast) 240.0.0.0/4
            # public IPv4, next to the blocks
            8.8.8.8                 | public
            93.184.216.34           | public
            11.0.0.1                | public
            100.63.255.255          | public
            100.128.0.1             | public
            172.15.255.255          | public
            172.32.0.1              | public
            192.0.1.1               | public
            192.169.0.1             | public
            198.17.255.255          | public
            198.20.0.1              | public
            223.255.255.255         | public
            # IPv6 special-purpose registry
            ::                      | unspecified ::/128
            ::1                     | loopback ::1/128
            ::7f00:1                | IPv4-compatible (deprecated) ::/96
            ::808:808               | IPv4-compatible (deprecated) ::/96
            64:ff9b:1::1            | local-use IPv4/IPv6 translation 64:ff9b:1::/48
            100::1                  | discard-only 100::/64
            100:0:0:1::1            | dummy prefix 100:0:0:1::/64
            2001::1                 | IETF protocol assignments (Teredo, benchmarking, ORCHID) 2001::/23
            2001:2::1               | IETF protocol assignments (Teredo, benchmarking, ORCHID) 2001::/23
            2001:1ff::1             | IETF protocol assignments (Teredo, benchmarking, ORCHID) 2001::/23
            2001:db8::1             | documentation 2001:db8::/32
            2620:4f:8000::1         | AS112 direct delegation 2620:4f:8000::/48
            3fff::1                 | documentation 3fff::/20
            5f00::1                 | segment routing (SRv6) SIDs 5f00::/16
            fc00::1                 | unique local fc00::/7
            fd12:3456::1            | unique local fc00::/7
            fe80::1                 | link-local fe80::/10
            fec0::1                 | site-local (deprecated) fec0::/10
            ff02::1                 | multicast ff00::/8
            4000::1                 | not global unicast (outside 2000::/3)
            ::ffff:0:a00:1          | not global unicast (outside 2000::/3)
            # IPv6 that carries an IPv4 address: judged by that address
            64:ff9b::7f00:1         | NAT64 of loopback 127.0.0.0/8
            64:ff9b::a9fe:a9fe      | NAT64 of link-local (cloud metadata) 169.254.0.0/16
            64:ff9b::c000:aa        | NAT64 of IETF protocol assignments 192.0.0.0/24
            64:ff9b::808:808        | public
            2002:7f00:1::1          | 6to4 of loopback 127.0.0.0/8
            2002:c0a8:101::1        | 6to4 of private 192.168.0.0/16
            2002:c612:1::1          | 6to4 of benchmarking 198.18.0.0/15
            2002:808:808::1         | public
            # public IPv6
            2606:4700::1111         | public
            2001:4860:4860::8888    | public
            2001:200::1             | public
            2620:4f:8001::1         | public
            """)
    void refusesEverySpecialPurposeBlock(String literal, String refusal) throws UnknownHostException {
        InetAddress address = InetAddress.getByName(literal);

        assertThat(AddressPolicy.refusal(address)).as(literal).isEqualTo(Optional.ofNullable(refusal));
        assertThat(AddressPolicy.isPublic(address)).as(literal).isEqualTo(refusal == null);
    }

    @ParameterizedTest(name = "::ffff:{0}")
    @CsvSource(delimiter = '|', textBlock = """
            127.0.0.1       | IPv4-mapped loopback 127.0.0.0/8
            169.254.169.254 | IPv4-mapped link-local (cloud metadata) 169.254.0.0/16
            10.0.0.1        | IPv4-mapped private 10.0.0.0/8
            """)
    void anIpv4MappedAddressInItsSixteenByteFormIsJudgedByItsIpv4Address(String ipv4, String refusal)
            throws UnknownHostException {
        // Java turns a mapped literal into an Inet4Address; a resolver may hand over the 16 bytes as they are.
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xff;
        bytes[11] = (byte) 0xff;
        System.arraycopy(InetAddress.getByName(ipv4).getAddress(), 0, bytes, 12, 4);

        assertThat(AddressPolicy.refusal(Inet6Address.getByAddress(null, bytes, null))).contains(refusal);
        assertThat(AddressPolicy.refusal(InetAddress.getByName("::ffff:" + ipv4))).isPresent();
    }
}
