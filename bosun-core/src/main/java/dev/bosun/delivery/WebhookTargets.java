package dev.bosun.delivery;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Where a webhook may be sent: its host is resolved and every address checked against
 * {@link SpecialAddresses} when the subscription is created <em>and</em> before every delivery, and
 * the delivery connects to an address that was checked, so a name that resolves to a public address
 * first and to a private one later (DNS rebinding) reaches nothing. With {@code allowPrivate} (the
 * operator's {@code webhook_private_targets}) every address is allowed.
 */
public final class WebhookTargets {
    /** Where a host stands. */
    public sealed interface Verdict {
        /** Every address of the host, each one allowed, in the resolver's order. */
        record Allowed(List<InetAddress> addresses, boolean privateAddresses) implements Verdict {}

        /** An address is not public: {@code why} names its block, for the operator's log only. */
        record Refused(String why) implements Verdict {}

        /** The host did not resolve. */
        record Unresolved() implements Verdict {}
    }

    private final HostResolver resolver;
    private final boolean allowPrivate;

    public WebhookTargets(HostResolver resolver, boolean allowPrivate) {
        this.resolver = resolver;
        this.allowPrivate = allowPrivate;
    }

    /** Whether private targets are allowed (the operator's {@code webhook_private_targets}). */
    public boolean allowPrivate() {
        return allowPrivate;
    }

    /** Resolves the URL's host and judges every address it has; one private address refuses the host. */
    public Verdict check(URI url) {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(bare(url.getHost()));
        } catch (UnknownHostException e) {
            return new Verdict.Unresolved();
        }
        if (addresses.isEmpty()) return new Verdict.Unresolved();
        boolean anyPrivate = false;
        for (InetAddress a : addresses) {
            Optional<String> special = SpecialAddresses.special(a);
            if (special.isPresent()) {
                if (!allowPrivate) return new Verdict.Refused(special.get());
                anyPrivate = true;
            }
        }
        return new Verdict.Allowed(List.copyOf(addresses), anyPrivate);
    }

    /** A URI's host keeps the brackets of an IPv6 literal; resolvers take it without. */
    static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
