package dev.bosun.server;

import dev.bosun.delivery.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A DNS-rebinding attacker's name server, as Bosun's resolver sees it: one name whose answer the
 * attacker switches at will (a public address while the subscription is checked, loopback when it is
 * delivered to, with a TTL of zero so nothing caches it). IP literals resolve to themselves, as with
 * the system resolver; any other name does not resolve (NXDOMAIN).
 */
final class RebindingResolver implements HostResolver {
    final String name;
    final AtomicReference<List<InetAddress>> answer = new AtomicReference<>();
    final AtomicInteger lookups = new AtomicInteger();

    RebindingResolver(String name, String... addresses) {
        this.name = name;
        answer(addresses);
    }

    /** What the name resolves to from now on. */
    void answer(String... addresses) {
        try {
            var list = new java.util.ArrayList<InetAddress>();
            for (String a : addresses)
                list.add(InetAddress.getByAddress(name, InetAddress.getByName(a).getAddress()));
            answer.set(List.copyOf(list));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public List<InetAddress> resolve(String host) throws UnknownHostException {
        if (host.equalsIgnoreCase(name)) {
            lookups.incrementAndGet();
            return answer.get();
        }
        if (host.matches("[0-9.]+") || host.contains(":")) return List.of(InetAddress.getByName(host));
        throw new UnknownHostException(host);
    }
}
