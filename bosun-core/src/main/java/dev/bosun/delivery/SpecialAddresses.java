package dev.bosun.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The addresses a webhook may not be sent to unless the operator allows private targets: every block
 * of the IANA IPv4 and IPv6 Special-Purpose Address Registries that is not globally reachable, plus
 * multicast, broadcast and, for IPv6, everything outside global unicast ({@code 2000::/3}). Forms that
 * carry an IPv4 address inside an IPv6 one (IPv4-mapped, NAT64's well-known prefix, 6to4) are judged by
 * the IPv4 address they carry. See docs/DECISIONS.md D49.
 *
 * <p>A few registry entries marked globally reachable sit inside larger blocks refused here (the PCP
 * and TURN anycast addresses 192.0.0.9 and .10, and 2001:1::1-3, AMT, AS112-v6, ORCHIDv2 and drone
 * remote ID inside 2001::/23): none of them is a plausible webhook receiver, so the whole block is refused.
 */
public final class SpecialAddresses {
    /** One registry block. */
    public record Block(String cidr, String name, byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) return false;
            int full = prefix / 8;
            for (int i = 0; i < full; i++) if (address[i] != network[i]) return false;
            int rest = prefix % 8;
            if (rest == 0) return true;
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }

        static Block of(String cidr, String name) {
            int slash = cidr.indexOf('/');
            try {
                byte[] net = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
                if (cidr.contains(":") && net.length == 4) net = mapped(net); // ::ffff:0:0 parses as IPv4
                return new Block(cidr, name, net, Integer.parseInt(cidr.substring(slash + 1)));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(cidr, e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Block b && b.cidr.equals(cidr);
        }

        @Override
        public int hashCode() {
            return cidr.hashCode();
        }
    }

    /** IPv4 blocks that are not globally reachable, and multicast and broadcast. */
    public static final List<Block> IPV4 = List.of(
            Block.of("0.0.0.0/8", "this network"),
            Block.of("10.0.0.0/8", "private use"),
            Block.of("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
            Block.of("127.0.0.0/8", "loopback"),
            Block.of("169.254.0.0/16", "link local"),
            Block.of("172.16.0.0/12", "private use"),
            Block.of("192.0.0.0/24", "IETF protocol assignments"),
            Block.of("192.0.2.0/24", "documentation (TEST-NET-1)"),
            Block.of("192.88.99.0/24", "6to4 relay anycast (deprecated)"),
            Block.of("192.168.0.0/16", "private use"),
            Block.of("198.18.0.0/15", "benchmarking"),
            Block.of("198.51.100.0/24", "documentation (TEST-NET-2)"),
            Block.of("203.0.113.0/24", "documentation (TEST-NET-3)"),
            Block.of("224.0.0.0/4", "multicast"),
            Block.of("240.0.0.0/4", "reserved"),
            Block.of("255.255.255.255/32", "limited broadcast"));

    /** IPv6 blocks that are not globally reachable, inside or outside 2000::/3. */
    public static final List<Block> IPV6 = List.of(
            Block.of("::/128", "unspecified"),
            Block.of("::1/128", "loopback"),
            Block.of("::/96", "IPv4-compatible (deprecated)"),
            Block.of("64:ff9b:1::/48", "local-use IPv4/IPv6 translation"),
            Block.of("100::/64", "discard-only"),
            Block.of("100:0:0:1::/64", "dummy prefix"),
            Block.of("2001::/23", "IETF protocol assignments (incl. Teredo 2001::/32, benchmarking 2001:2::/48)"),
            Block.of("2001:db8::/32", "documentation"),
            Block.of("3fff::/20", "documentation"),
            Block.of("5f00::/16", "segment routing SIDs"),
            Block.of("fc00::/7", "unique local"),
            Block.of("fe80::/10", "link-local unicast"),
            Block.of("fec0::/10", "site-local (deprecated)"),
            Block.of("ff00::/8", "multicast"));

    private static final Block GLOBAL_UNICAST = Block.of("2000::/3", "global unicast");
    private static final Block MAPPED = Block.of("::ffff:0:0/96", "IPv4-mapped");
    private static final Block NAT64 = Block.of("64:ff9b::/96", "IPv4/IPv6 translation");
    private static final Block SIX_TO_FOUR = Block.of("2002::/16", "6to4");

    private SpecialAddresses() {}

    /** Why {@code address} is not a public one (the block's name), or empty when it is. */
    public static Optional<String> special(InetAddress address) {
        return special(address.getAddress());
    }

    static Optional<String> special(byte[] a) {
        if (a.length == 4) return first(IPV4, a);
        if (MAPPED.contains(a)) return special(Arrays.copyOfRange(a, 12, 16)).map(w -> "IPv4-mapped " + w);
        if (NAT64.contains(a)) return special(Arrays.copyOfRange(a, 12, 16)).map(w -> "NAT64 of " + w);
        if (SIX_TO_FOUR.contains(a)) return special(Arrays.copyOfRange(a, 2, 6)).map(w -> "6to4 of " + w);
        Optional<String> listed = first(IPV6, a);
        if (listed.isPresent() || GLOBAL_UNICAST.contains(a)) return listed;
        return Optional.of("not global unicast (outside 2000::/3)");
    }

    private static Optional<String> first(List<Block> blocks, byte[] a) {
        return blocks.stream().filter(b -> b.contains(a)).map(Block::name).findFirst();
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }
}
