package io.rampart.store.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses Rampart may connect to on behalf of a vendor (health check probes, notification
 * receivers): public unicast addresses only. Refused: every block of IANA's IPv4 and IPv6
 * Special-Purpose Address Registries (loopback, private, shared, link-local, documentation,
 * benchmarking, protocol assignments, AS112, reserved), multicast, and IPv6 outside global
 * unicast {@code 2000::/3}. IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64
 * {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that IPv4 address, which is where
 * they lead; the deprecated IPv4-compatible form {@code ::/96} is refused whole.
 */
public final class AddressPolicy {

    /** One address block and the name of what it is. */
    private record Block(byte[] prefix, int bits, String name) {

        static Block of(String cidr, String name) {
            int slash = cidr.indexOf('/');
            try {
                return new Block(InetAddress.getByName(cidr.substring(0, slash)).getAddress(),
                        Integer.parseInt(cidr.substring(slash + 1)), name + " " + cidr);
            } catch (UnknownHostException literalNeverLooksUp) {
                throw new IllegalArgumentException(cidr, literalNeverLooksUp);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit += 8) {
                int mask = bits - bit >= 8 ? 0xff : (0xff << (8 - (bits - bit))) & 0xff;
                if ((address[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final List<Block> IPV4 = List.of(
            Block.of("0.0.0.0/8", "this network"),
            Block.of("10.0.0.0/8", "private"),
            Block.of("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
            Block.of("127.0.0.0/8", "loopback"),
            Block.of("169.254.0.0/16", "link-local (cloud metadata)"),
            Block.of("172.16.0.0/12", "private"),
            Block.of("192.0.0.0/24", "IETF protocol assignments"),
            Block.of("192.0.2.0/24", "documentation (TEST-NET-1)"),
            Block.of("192.31.196.0/24", "AS112-v4"),
            Block.of("192.52.193.0/24", "AMT"),
            Block.of("192.88.99.0/24", "6to4 relay anycast"),
            Block.of("192.168.0.0/16", "private"),
            Block.of("192.175.48.0/24", "AS112 direct delegation"),
            Block.of("198.18.0.0/15", "benchmarking"),
            Block.of("198.51.100.0/24", "documentation (TEST-NET-2)"),
            Block.of("203.0.113.0/24", "documentation (TEST-NET-3)"),
            Block.of("224.0.0.0/4", "multicast"),
            Block.of("240.0.0.0/4", "reserved (and broadcast)"));

    /** Special blocks of IPv6, checked before the forms that carry an IPv4 address. */
    private static final List<Block> IPV6 = List.of(
            Block.of("::/128", "unspecified"),
            Block.of("::1/128", "loopback"),
            Block.of("::/96", "IPv4-compatible (deprecated)"),
            Block.of("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
            Block.of("100::/64", "discard-only"),
            Block.of("100:0:0:1::/64", "dummy prefix"),
            Block.of("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
            Block.of("2001:db8::/32", "documentation"),
            Block.of("2620:4f:8000::/48", "AS112 direct delegation"),
            Block.of("3fff::/20", "documentation"),
            Block.of("5f00::/16", "segment routing (SRv6) SIDs"),
            Block.of("fc00::/7", "unique local"),
            Block.of("fe80::/10", "link-local"),
            Block.of("fec0::/10", "site-local (deprecated)"),
            Block.of("ff00::/8", "multicast"));
    private static final Block GLOBAL_UNICAST = Block.of("2000::/3", "global unicast");
    private static final byte[] IPV4_MAPPED = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};
    private static final Block NAT64 = Block.of("64:ff9b::/96", "NAT64");
    private static final Block SIX_TO_FOUR = Block.of("2002::/16", "6to4");

    private AddressPolicy() {
    }

    public static boolean isPublic(InetAddress address) {
        return refusal(address).isEmpty();
    }

    /** Why the address is not public (the block it lies in), or empty for a public unicast address. */
    public static Optional<String> refusal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return ipv4(bytes);
        }
        if (Arrays.equals(bytes, 0, 12, IPV4_MAPPED, 0, 12)) {
            return ipv4(Arrays.copyOfRange(bytes, 12, 16)).map(why -> "IPv4-mapped " + why);
        }
        for (Block block : IPV6) {
            if (block.contains(bytes)) {
                return Optional.of(block.name());
            }
        }
        if (NAT64.contains(bytes)) {
            return ipv4(Arrays.copyOfRange(bytes, 12, 16)).map(why -> "NAT64 of " + why);
        }
        if (SIX_TO_FOUR.contains(bytes)) {
            return ipv4(Arrays.copyOfRange(bytes, 2, 6)).map(why -> "6to4 of " + why);
        }
        return GLOBAL_UNICAST.contains(bytes) ? Optional.empty() : Optional.of("not global unicast (outside 2000::/3)");
    }

    private static Optional<String> ipv4(byte[] bytes) {
        return IPV4.stream().filter(block -> block.contains(bytes)).findFirst().map(Block::name);
    }
}
