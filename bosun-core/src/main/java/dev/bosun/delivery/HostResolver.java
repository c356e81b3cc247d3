package dev.bosun.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Turns a webhook URL's host into addresses. The system's resolver in production; tests inject one
 * that answers differently at creation and at delivery, as a DNS-rebinding attacker's server does.
 */
@FunctionalInterface
public interface HostResolver {
    /** The system's resolver (an IP literal resolves to itself without a lookup). */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** Every address of {@code host} (without brackets for IPv6 literals); never empty. */
    List<InetAddress> resolve(String host) throws UnknownHostException;
}
