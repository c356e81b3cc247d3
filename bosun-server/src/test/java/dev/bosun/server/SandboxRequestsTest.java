package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A session request can choose within its profile's sandbox and never widen it: over HTTP every
 * attempt is a 400 naming the field and the rule, and no session (so no worker) is created.
 */
class SandboxRequestsTest extends ServerHarness {
    private void startWithDockerProfile() {
        start(l -> l.set(
                "profiles",
                Map.of(
                        "agent",
                        Map.of(
                                "runtime",
                                "docker",
                                "image",
                                "agent:1",
                                "images",
                                List.of("agent:2"),
                                "command",
                                List.of("sh", "-c", "true"),
                                "limits",
                                Map.of("memory", "256MiB"),
                                "max_limits",
                                Map.of("memory", "1GiB")))));
    }

    private void refused(String sandbox, String field, String rule) {
        Res r = post(
                "/v1/sessions",
                "{\"name\":\"x\",\"agent_id\":\"a\",\"profile\":\"agent\",\"sandbox\":" + sandbox + "}");
        assertThat(r.status()).as(sandbox).isEqualTo(400);
        assertThat(r.code()).isEqualTo("INVALID_ARGUMENT");
        assertThat(r.json().at("/error/details/field").asText()).as(sandbox).isEqualTo(field);
        assertThat(r.json().at("/error/details/rule").asText()).as(sandbox).isEqualTo(rule);
        assertThat(r.json().at("/error/message").asText()).as(sandbox).isNotBlank();
    }

    @Test
    void everyWideningIsRefusedWithItsRuleAndNothingIsCreated() {
        startWithDockerProfile();
        refused("{\"image\":\"agent:1; rm -rf /\"}", "sandbox.image", "image_name");
        refused("{\"image\":\"--privileged\"}", "sandbox.image", "image_name");
        refused("{\"image\":\"debian:12\"}", "sandbox.image", "image_allowlist");
        refused("{\"runtime\":\"process\"}", "sandbox.runtime", "runtime_fixed");
        refused("{\"cap_add\":[\"NET_ADMIN\"]}", "sandbox.cap_add", "no_added_capabilities");
        refused("{\"read_only_root\":false}", "sandbox.read_only_root", "read_only_root");
        refused("{\"network\":true}", "sandbox.network", "network_allowed");
        refused("{\"limits\":{\"memory\":\"8GiB\"}}", "sandbox.limits.memory", "limit_ceiling");
        refused("{\"limits\":{\"processes\":-1}}", "sandbox.limits.processes", "limit_range");
        refused("{\"env\":{\"TOKEN\":\"a\\nLD_PRELOAD=/evil.so\"}}", "sandbox.env.TOKEN", "env_value");
        refused("{\"env\":{\"BOSUN_INBOX\":\"/etc\"}}", "sandbox.env.BOSUN_INBOX", "env_name");
        Res unknown = post(
                "/v1/sessions",
                "{\"name\":\"x\",\"agent_id\":\"a\",\"profile\":\"agent\",\"sandbox\":{\"privileged\":true}}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().at("/error/details/field").asText()).isEqualTo("sandbox.privileged");
        assertThat(get("/v1/sessions").json().get("items")).isEmpty();
    }

    @Test
    void sandboxSettingsWithoutAProfileAreRefused() {
        startWithDockerProfile();
        Res r = post(
                "/v1/sessions", "{\"name\":\"x\",\"agent_id\":\"a\",\"sandbox\":{\"limits\":{\"memory\":\"64MiB\"}}}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/details/field").asText()).isEqualTo("sandbox");
    }
}
