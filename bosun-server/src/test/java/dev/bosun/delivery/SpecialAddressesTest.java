package dev.bosun.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.contract.FaultLedger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Address by address: the first, the last and an inside address of every block of the IANA IPv4 and
 * IPv6 Special-Purpose Address Registries that is not globally reachable (plus multicast, broadcast,
 * deprecated blocks and IPv4 carried inside IPv6), and public addresses that must pass. The table is
 * written out here from the registries, not read from the code it checks. Part of the fault suite
 * (the webhook SSRF table), so it lives with the suite's ledger in this module.
 */
@Tag("faults")
class SpecialAddressesTest {
    static Stream<Arguments> refused() {
        return Stream.of(
                        // IPv4 special-purpose registry
                        block("0.0.0.0/8", "0.0.0.0", "0.255.255.255", "0.0.0.1"),
                        block("10.0.0.0/8", "10.0.0.0", "10.255.255.255", "10.1.2.3"),
                        block("100.64.0.0/10", "100.64.0.0", "100.127.255.255", "100.100.100.200"),
                        block("127.0.0.0/8", "127.0.0.0", "127.255.255.255", "127.0.0.1"),
                        block("169.254.0.0/16", "169.254.0.0", "169.254.255.255", "169.254.169.254"),
                        block("172.16.0.0/12", "172.16.0.0", "172.31.255.255", "172.20.1.1"),
                        block("192.0.0.0/24", "192.0.0.0", "192.0.0.255", "192.0.0.8"),
                        block("192.0.0.0/29", "192.0.0.0", "192.0.0.7", "192.0.0.170"),
                        block("192.0.2.0/24", "192.0.2.0", "192.0.2.255", "192.0.2.10"),
                        block("192.88.99.0/24", "192.88.99.0", "192.88.99.255", "192.88.99.2"),
                        block("192.168.0.0/16", "192.168.0.0", "192.168.255.255", "192.168.1.1"),
                        block("198.18.0.0/15", "198.18.0.0", "198.19.255.255", "198.18.5.5"),
                        block("198.51.100.0/24", "198.51.100.0", "198.51.100.255", "198.51.100.7"),
                        block("203.0.113.0/24", "203.0.113.0", "203.0.113.255", "203.0.113.7"),
                        block("224.0.0.0/4 multicast", "224.0.0.0", "239.255.255.255", "224.0.0.251"),
                        block("240.0.0.0/4", "240.0.0.0", "255.255.255.254", "250.1.2.3"),
                        block("255.255.255.255/32", "255.255.255.255", "255.255.255.255", "255.255.255.255"),
                        // IPv6 special-purpose registry
                        block("::/128", "::", "::", "0:0:0:0:0:0:0:0"),
                        block("::1/128", "::1", "::1", "0:0:0:0:0:0:0:1"),
                        block(
                                "::ffff:0:0/96 (private IPv4 inside)",
                                "::ffff:0.0.0.0",
                                "::ffff:255.255.255.255",
                                "::ffff:127.0.0.1"),
                        block("::/96 IPv4-compatible", "::0.0.0.2", "::255.255.255.255", "::8.8.8.8"),
                        block(
                                "64:ff9b::/96 (private IPv4 inside)",
                                "64:ff9b::",
                                "64:ff9b::ffff:ffff",
                                "64:ff9b::7f00:1"),
                        block("64:ff9b::/96 metadata", "64:ff9b::a9fe:a9fe", "64:ff9b::a00:1", "64:ff9b::c0a8:101"),
                        block(
                                "64:ff9b:1::/48",
                                "64:ff9b:1::",
                                "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
                                "64:ff9b:1::808:808"),
                        block("100::/64", "100::", "100::ffff:ffff:ffff:ffff", "100::1"),
                        block("100:0:0:1::/64", "100:0:0:1::", "100:0:0:1:ffff:ffff:ffff:ffff", "100:0:0:1::1"),
                        block("2001::/23", "2001::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", "2001:1::1"),
                        block(
                                "2001::/32 Teredo",
                                "2001::",
                                "2001:0:ffff:ffff:ffff:ffff:ffff:ffff",
                                "2001:0:4136:e378:8000:63bf:3fff:fdd2"),
                        block("2001:2::/48", "2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff", "2001:2::1"),
                        block("2001:db8::/32", "2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::1"),
                        block(
                                "2002::/16 (private IPv4 inside)",
                                "2002::",
                                "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                                "2002:7f00:1::"),
                        block("2002::/16 metadata", "2002:a9fe:a9fe::", "2002:a00:1::1", "2002:c0a8:101::"),
                        block("3fff::/20", "3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff::1"),
                        block("5f00::/16", "5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "5f00::1"),
                        block("fc00::/7", "fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fd12:3456::1"),
                        block("fe80::/10", "fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1"),
                        block("fec0::/10", "fec0::", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fec0::1"),
                        block("ff00::/8", "ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ff02::1"),
                        block("outside 2000::/3", "4000::", "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::1"))
                .flatMap(s -> s);
    }

    private static Stream<Arguments> block(String name, String first, String last, String inside) {
        return Stream.of(Arguments.of(name, first), Arguments.of(name, last), Arguments.of(name, inside));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refused")
    void everySpecialPurposeAddressIsRefused(String block, String address) throws UnknownHostException {
        FaultLedger.inputs(1);
        assertThat(SpecialAddresses.special(InetAddress.getByName(address)))
                .as(block + ": " + address)
                .isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1.1.1.1",
                "8.8.8.8",
                "9.9.9.9",
                "93.184.215.14",
                "1.0.0.0",
                "9.255.255.255",
                "11.0.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "191.255.255.255",
                "192.0.1.0",
                "192.0.3.0",
                "192.31.196.1",
                "192.52.193.1",
                "192.88.98.255",
                "192.88.100.0",
                "192.167.255.255",
                "192.169.0.0",
                "192.175.48.1",
                "198.17.255.255",
                "198.20.0.0",
                "198.51.99.255",
                "198.51.101.0",
                "203.0.112.255",
                "203.0.114.0",
                "223.255.255.255",
                "2000::1",
                "2001:200::1",
                "2001:4860:4860::8888",
                "2606:4700:4700::1111",
                "2a00:1450:4001:80b::200e",
                "2002:808:808::1",
                "64:ff9b::808:808",
                "::ffff:8.8.8.8",
                "2620:4f:8000::1",
                "3ffe::1",
                "3fff:1000::1"
            })
    void publicAddressesPass(String address) throws UnknownHostException {
        FaultLedger.inputs(1);
        assertThat(SpecialAddresses.special(InetAddress.getByName(address)))
                .as(address)
                .isEmpty();
    }
}
