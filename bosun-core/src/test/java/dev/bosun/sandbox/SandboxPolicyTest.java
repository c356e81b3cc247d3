package dev.bosun.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.config.ConfigLoader;
import dev.bosun.config.Profile;
import dev.bosun.config.SandboxSettings;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A request can choose within the profile and never widen it; each refusal names its field and rule. */
class SandboxPolicyTest {
    private static final SandboxSettings NO_NET = SandboxSettings.DEFAULTS;
    private static final SandboxSettings NET =
            new SandboxSettings(true, Path.of("/var/run/docker.sock"), Duration.ofSeconds(60));

    private static Profile docker(boolean network) {
        var body = Map.<String, Object>of(
                "runtime",
                "docker",
                "command",
                List.of("sh", "-c", "true"),
                "image",
                "agent:1",
                "images",
                List.of("agent:2"),
                "network",
                network,
                "limits",
                Map.of("memory", "256MiB", "processes", 64, "cpus", 0.5),
                "max_limits",
                Map.of("memory", "1GiB", "processes", 256, "cpus", 2),
                "env_allow",
                List.of("MODE", "APP_*"));
        return ConfigLoader.defaults()
                .set("profiles", Map.of("agent", body))
                .load()
                .profile("agent")
                .orElseThrow();
    }

    /** A process profile with nothing but a command. */
    private static Profile processProfile() {
        return ConfigLoader.defaults()
                .set("profiles", Map.of("p", Map.of("command", List.of("true"))))
                .load()
                .profile("p")
                .orElseThrow();
    }

    private static SandboxRequest request(String json) {
        return SandboxRequest.fromJson(Json.parseTrusted(json));
    }

    private static void refused(Profile p, String json, SandboxSettings op, String field, String rule, String message) {
        assertThatThrownBy(() -> SandboxPolicy.apply(p, request(json), op))
                .isInstanceOfSatisfying(BosunException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.details()).containsEntry("field", field).containsEntry("rule", rule);
                    assertThat(e.getMessage()).contains(message);
                });
    }

    @Test
    void anEmptyRequestRunsTheProfileAsWritten() {
        Profile p = docker(false);
        Profile eff = SandboxPolicy.apply(p, SandboxRequest.NONE, NO_NET);
        assertThat(eff.isolation().image()).contains("agent:1");
        assertThat(eff.limits()).isEqualTo(SandboxDefaults.fill(p.limits()));
        assertThat(eff.limits().memoryBytes()).contains(256L << 20); // the profile's own, not the default
        assertThat(eff.isolation().network()).isFalse();
    }

    @Test
    void aRequestPicksAnAllowedImageAndResourcesWithinTheCeilings() {
        Profile eff = SandboxPolicy.apply(docker(false), request("""
                {"image": "agent:2", "limits": {"memory": "1GiB", "processes": 100, "cpus": 1.5}, "env": {"MODE": "fast"}}"""), NO_NET);
        assertThat(eff.isolation().image()).contains("agent:2");
        assertThat(eff.limits().memoryBytes()).contains(1L << 30);
        assertThat(eff.limits().processes()).contains(100L);
        assertThat(eff.limits().cpus()).contains(1.5);
        assertThat(eff.env()).containsEntry("MODE", "fast");
    }

    @Test
    void theRuntimeCannotBeChanged() {
        refused(
                docker(false),
                "{\"runtime\": \"process\"}",
                NO_NET,
                "sandbox.runtime",
                "runtime_fixed",
                "profile 'agent' runs runtime 'docker' and a request cannot change it");
    }

    @Test
    void capabilitiesCannotBeAddedNorTheRootMadeWritable() {
        refused(
                docker(false),
                "{\"cap_add\": [\"SYS_ADMIN\"]}",
                NO_NET,
                "sandbox.cap_add",
                "no_added_capabilities",
                "a request cannot add one");
        refused(
                docker(false),
                "{\"read_only_root\": false}",
                NO_NET,
                "sandbox.read_only_root",
                "read_only_root",
                "always read-only");
        assertThat(SandboxPolicy.apply(docker(false), request("{\"read_only_root\": true}"), NO_NET))
                .isNotNull();
    }

    @Test
    void imagesOutsideTheAllowlistAreRefused() {
        refused(
                docker(false),
                "{\"image\": \"debian:12\"}",
                NO_NET,
                "sandbox.image",
                "image_allowlist",
                "is not in the allowlist of profile 'agent'; allowed agent:1, agent:2");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "agent:1;rm -rf /",
                "--privileged",
                "-v/:/host",
                "agent:1 --rm",
                "$(id)",
                "agent`id`",
                "Agent:1",
                "agent:1\nx",
                "agent:1|sh",
                "../agent",
                "agent:1&&x",
                ""
            })
    void imageNamesWithShellOrFlagCharactersAreRefused(String image) {
        String json = Json.write(
                Json.object().set("image", Json.MAPPER.getNodeFactory().textNode(image)));
        refused(docker(false), json, NO_NET, "sandbox.image", "image_name", "sandbox.image is");
    }

    @Test
    void aNetworkNeedsBothTheProfileAndTheOperator() {
        refused(
                docker(false),
                "{\"network\": true}",
                NET,
                "sandbox.network",
                "network_allowed",
                "profile 'agent' does not allow a network");
        refused(
                docker(true),
                "{\"network\": true}",
                NO_NET,
                "sandbox.network",
                "network_allowed",
                "the operator does not allow networks");
        assertThat(SandboxPolicy.apply(docker(true), SandboxRequest.NONE, NO_NET)
                        .isolation()
                        .network())
                .isFalse();
        assertThat(SandboxPolicy.apply(docker(true), SandboxRequest.NONE, NET)
                        .isolation()
                        .network())
                .isTrue();
        assertThat(SandboxPolicy.apply(docker(true), request("{\"network\": false}"), NET)
                        .isolation()
                        .network())
                .isFalse();
    }

    @Test
    void resourcesOutOfRangeAreRefused() {
        refused(
                docker(false),
                "{\"limits\": {\"memory\": \"2GiB\"}}",
                NO_NET,
                "sandbox.limits.memory",
                "limit_ceiling",
                "sandbox.limits.memory = 2GiB is above the ceiling of profile 'agent'; allowed 1..1GiB");
        refused(
                docker(false),
                "{\"limits\": {\"processes\": 0}}",
                NO_NET,
                "sandbox.limits.processes",
                "limit_range",
                "allowed a positive value");
        refused(
                docker(false),
                "{\"limits\": {\"processes\": -5}}",
                NO_NET,
                "sandbox.limits.processes",
                "limit_range",
                "out of range");
        refused(
                docker(false),
                "{\"limits\": {\"cpus\": 64}}",
                NO_NET,
                "sandbox.limits.cpus",
                "limit_ceiling",
                "above the ceiling");
        refused(
                docker(false),
                "{\"limits\": {\"open_files\": 5000}}",
                NO_NET,
                "sandbox.limits.open_files",
                "limit_ceiling",
                "allowed 1..1024");
        Profile process = processProfile();
        refused(
                process,
                "{\"limits\": {\"open_files\": 10}}",
                NO_NET,
                "sandbox.limits.open_files",
                "limit_ceiling",
                "the profile sets no open_files a request could ask for");
    }

    @Test
    void anIsolatingRuntimesDefaultsAreTheCeilingWhereTheProfileSetsNone() {
        Profile bwrap = ConfigLoader.defaults()
                .set("profiles", Map.of("jail", Map.of("runtime", "bwrap", "command", List.of("true"))))
                .load()
                .profile("jail")
                .orElseThrow();
        Profile eff = SandboxPolicy.apply(bwrap, request("{\"limits\": {\"memory\": \"128MiB\"}}"), NO_NET);
        assertThat(eff.limits().memoryBytes()).contains(128L << 20);
        assertThat(eff.limits().processes()).contains(SandboxDefaults.PROCESSES);
        refused(
                bwrap,
                "{\"limits\": {\"memory\": \"1GiB\"}}",
                NO_NET,
                "sandbox.limits.memory",
                "limit_ceiling",
                "allowed 1..512MiB");
    }

    @Test
    void envKeysAndValuesWithControlCharactersAreRefused() {
        refused(
                docker(false),
                "{\"env\": {\"A\\nB\": \"x\"}}",
                NO_NET,
                "sandbox.env.A?B",
                "env_name",
                "is not allowed");
        refused(
                docker(false),
                "{\"env\": {\"BOSUN_SESSION_ID\": \"x\"}}",
                NO_NET,
                "sandbox.env.BOSUN_SESSION_ID",
                "env_name",
                "is reserved");
        refused(
                docker(false),
                "{\"env\": {\"TOKEN\": \"a\\u0000b\"}}",
                NO_NET,
                "sandbox.env.TOKEN",
                "env_value",
                "contains a control character (U+0000) at index 1");
        refused(
                docker(false),
                "{\"env\": {\"TOKEN\": \"line1\\nLD_PRELOAD=/x\"}}",
                NO_NET,
                "sandbox.env.TOKEN",
                "env_value",
                "control character (U+000A)");
    }

    @Test
    void aRequestSetsOnlyWhatTheProfilesEnvAllowLists() {
        Profile eff = SandboxPolicy.apply(
                docker(false), request("{\"env\": {\"MODE\": \"x\", \"APP_LEVEL\": \"3\"}}"), NO_NET);
        assertThat(eff.env()).containsEntry("MODE", "x").containsEntry("APP_LEVEL", "3");
        refused(
                docker(false),
                "{\"env\": {\"MODES\": \"x\"}}",
                NO_NET,
                "sandbox.env.MODES",
                "env_allowlist",
                "profile 'agent' lets requests set only MODE, APP_* (env_allow)");
        refused(
                docker(false),
                "{\"env\": {\"mode\": \"x\"}}",
                NO_NET,
                "sandbox.env.mode",
                "env_allowlist",
                "only MODE");
        Profile none = processProfile();
        refused(
                none,
                "{\"env\": {\"MODE\": \"x\"}}",
                NO_NET,
                "sandbox.env.MODE",
                "env_allowlist",
                "lets requests set no environment variables (env_allow is empty)");
    }

    @Test
    void startupVariablesAreRefusedEvenWhenTheAllowlistCoversThemButTheOperatorMaySetThem() {
        var everything = new java.util.ArrayList<String>(List.of("_*"));
        for (char c = 'A'; c <= 'Z'; c++) everything.add(c == 'B' ? "BA*" : c + "*"); // B* would cover BOSUN_
        for (char c = 'a'; c <= 'z'; c++) everything.add(c + "*");
        Profile p = ConfigLoader.defaults()
                .set(
                        "profiles",
                        Map.of(
                                "p",
                                Map.of(
                                        "command",
                                        List.of("bash", "-c", "true"),
                                        "env",
                                        Map.of("LD_PRELOAD", "/opt/operator/hook.so"),
                                        "env_allow",
                                        everything)))
                .load()
                .profile("p")
                .orElseThrow();
        for (String name : List.of("LD_PRELOAD", "ld_preload", "BASH_ENV", "PYTHONPATH", "NODE_OPTIONS", "PATH")) {
            refused(
                    p,
                    "{\"env\": {\"" + name + "\": \"x\"}}",
                    NO_NET,
                    "sandbox.env." + name,
                    "env_startup",
                    "changes how a program loads or starts");
        }
        assertThat(SandboxPolicy.apply(p, request("{\"env\": {\"MODE\": \"x\"}}"), NO_NET)
                        .env())
                .as("the operator's own LD_PRELOAD stays")
                .containsEntry("LD_PRELOAD", "/opt/operator/hook.so")
                .containsEntry("MODE", "x");
    }

    @Test
    void unknownRequestFieldsNameTheAllowedOnes() {
        assertThatThrownBy(() -> request("{\"privileged\": true}")).isInstanceOfSatisfying(BosunException.class, e -> {
            assertThat(e.details()).containsEntry("field", "sandbox.privileged");
            assertThat(e.getMessage())
                    .contains("allowed cap_add, env, image, limits, network, read_only_root, runtime");
        });
    }

    @Test
    void aProcessProfileTakesNoImage() {
        Profile p = processProfile();
        refused(p, "{\"image\": \"agent:1\"}", NO_NET, "sandbox.image", "image_allowlist", "which takes no image");
        assertThat(SandboxPolicy.apply(p, SandboxRequest.NONE, NO_NET)
                        .isolation()
                        .image())
                .isEqualTo(Optional.empty());
    }
}
