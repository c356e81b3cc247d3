package dev.bosun.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One private address refuses a host; the operator's escape hatch lets everything through, and says so. */
class WebhookTargetsTest {
    private static final Map<String, List<String>> ZONE = Map.of(
            "public.example", List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
            "mixed.example", List.of("93.184.215.14", "10.0.0.5"),
            "metadata.example", List.of("169.254.169.254"),
            "v6loop.example", List.of("::1"));

    /** Answers from a fixed zone; names outside it do not resolve, as NXDOMAIN. */
    private static final HostResolver DNS = host -> {
        List<String> a = ZONE.get(host);
        if (a == null) throw new UnknownHostException(host);
        var out = new ArrayList<InetAddress>();
        for (String s : a) out.add(InetAddress.getByName(s));
        return out;
    };

    private static WebhookTargets.Verdict check(boolean allowPrivate, String url) {
        return new WebhookTargets(DNS, allowPrivate).check(URI.create(url));
    }

    @Test
    void onlyHostsWhoseEveryAddressIsPublicAreAllowed() {
        assertThat(check(false, "https://public.example/x"))
                .isInstanceOfSatisfying(WebhookTargets.Verdict.Allowed.class, a -> {
                    assertThat(a.addresses()).hasSize(2);
                    assertThat(a.privateAddresses()).isFalse();
                });
        assertThat(check(false, "https://mixed.example/x"))
                .isEqualTo(new WebhookTargets.Verdict.Refused("private use"));
        assertThat(check(false, "http://metadata.example/"))
                .isEqualTo(new WebhookTargets.Verdict.Refused("link local"));
        assertThat(check(false, "http://v6loop.example/")).isEqualTo(new WebhookTargets.Verdict.Refused("loopback"));
        assertThat(check(false, "http://nowhere.example/")).isInstanceOf(WebhookTargets.Verdict.Unresolved.class);
    }

    @Test
    void theOperatorMayAllowPrivateTargetsAndTheVerdictSaysTheyArePrivate() {
        assertThat(check(true, "https://mixed.example/x"))
                .isInstanceOfSatisfying(
                        WebhookTargets.Verdict.Allowed.class,
                        a -> assertThat(a.privateAddresses()).isTrue());
        assertThat(check(true, "https://public.example/x"))
                .isInstanceOfSatisfying(
                        WebhookTargets.Verdict.Allowed.class,
                        a -> assertThat(a.privateAddresses()).isFalse());
    }

    @Test
    void ipv6LiteralsLoseTheirBracketsBeforeTheyAreResolved() {
        var targets = new WebhookTargets(HostResolver.SYSTEM, false);
        assertThat(targets.check(URI.create("http://[::1]:8080/x")))
                .isEqualTo(new WebhookTargets.Verdict.Refused("loopback"));
        assertThat(targets.check(URI.create("http://[2606:4700:4700::1111]/x")))
                .isInstanceOf(WebhookTargets.Verdict.Allowed.class);
    }
}
