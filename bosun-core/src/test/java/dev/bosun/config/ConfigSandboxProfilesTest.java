package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.assertInvalid;
import static dev.bosun.config.ConfigAssertions.assertInvalidContaining;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The sandbox keys of profiles and the operator's sandbox keys: what loads and what is refused, by field. */
class ConfigSandboxProfilesTest {
    private static Map<String, Object> docker(String key, Object value) {
        var body = new LinkedHashMap<String, Object>();
        body.put("runtime", "docker");
        body.put("image", "agent:1");
        body.put("command", List.of("true"));
        body.put(key, value);
        return body;
    }

    private static BosunConfig load(Map<String, Object> body) {
        return ConfigLoader.defaults().set("profiles", Map.of("p", body)).load();
    }

    @Test
    void operatorDefaultsAreNoNetworkTheStandardSocketAndAMinute() {
        SandboxSettings s = ConfigLoader.defaults().load().sandbox();
        assertThat(s).isEqualTo(SandboxSettings.DEFAULTS);
        SandboxSettings set = ConfigLoader.defaults()
                .env(Map.of(
                        "BOSUN_SANDBOX_ALLOW_NETWORK",
                        "yes",
                        "BOSUN_DOCKER_SOCKET",
                        "/run/docker.sock",
                        "BOSUN_RECONCILE_INTERVAL",
                        "5s"))
                .load()
                .sandbox();
        assertThat(set).isEqualTo(new SandboxSettings(true, Path.of("/run/docker.sock"), Duration.ofSeconds(5)));
        assertInvalidContaining(
                () -> ConfigLoader.defaults()
                        .set("docker_socket", "docker.sock")
                        .load(),
                "docker_socket",
                "an absolute path");
        assertInvalidContaining(
                () -> ConfigLoader.defaults().set("reconcile_interval", "0s").load(),
                "reconcile_interval",
                "allowed 1s..1h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"agent:1;rm -rf /", "--privileged", "Agent", "agent 1", "$(id)", "a\nb", "agent:1|x", ""})
    void imageNamesWithShellOrFlagCharactersAreRefusedAtLoad(String image) {
        assertInvalidContaining(() -> load(docker("image", image)), "profiles.p.image", "profiles.p.image");
        assertInvalidContaining(
                () -> load(docker("images", List.of("agent:2", image))),
                "profiles.p.images[1]",
                "profiles.p.images[1]");
    }

    @Test
    void dockerNeedsAnImageAndOtherRuntimesTakeNone() {
        var noImage = docker("image", "agent:1");
        noImage.remove("image");
        assertInvalidContaining(() -> load(noImage), "profiles.p.image", "required for runtime docker");
        assertInvalid(
                () -> load(Map.of("runtime", "bwrap", "command", List.of("true"), "image", "agent:1")),
                "profiles.p.image",
                "profiles.p sets an image but runs runtime bwrap, which takes none; only runtime docker "
                        + "uses images (from code)");
    }

    @Test
    void ceilingsBelowDefaultsRootUsersAndWarmPoolsOutsideDockerAreRefused() {
        var low = docker("limits", Map.of("memory", "512MiB"));
        low.put("max_limits", Map.of("memory", "256MiB"));
        assertInvalidContaining(
                () -> load(low), "profiles.p.max_limits.memory", "a ceiling must be at least the default");
        assertInvalidContaining(() -> load(docker("user", "0:0")), "profiles.p.user", "is root");
        assertInvalidContaining(() -> load(docker("user", "worker")), "profiles.p.user", "uid:gid");
        assertInvalidContaining(
                () -> load(Map.of("runtime", "bwrap", "command", List.of("true"), "warm_pool", 2)),
                "profiles.p.warm_pool",
                "needs runtime docker");
        assertInvalidContaining(() -> load(docker("warm_pool", 65)), "profiles.p.warm_pool", "allowed 0..64");
        assertInvalidContaining(
                () -> load(docker("read_only_paths", List.of("/etc/ssl,ro=false"))),
                "profiles.p.read_only_paths[0]",
                "without ',', '=' or ':'");
        assertInvalidContaining(
                () -> load(docker("read_only_paths", List.of("/etc/../root"))),
                "profiles.p.read_only_paths[0]",
                "normalized");
        assertInvalidContaining(
                () -> load(docker("seccomp_profile", "/nonexistent/seccomp.json")),
                "profiles.p.seccomp_profile",
                "is not a readable file");
        assertInvalidContaining(() -> load(docker("oci_runtime", "run sc")), "profiles.p.oci_runtime", "OCI runtime");
        assertInvalidContaining(() -> load(docker("tmp_size", "1KiB")), "profiles.p.tmp_size", "allowed 1MiB..16GiB");
    }

    @Test
    void workspaceQuotasDefaultToAGibibyteAndAHundredThousandFilesAndAreCheckedByField() {
        assertThat(load(docker("tmp_size", "1MiB")).profile("p").orElseThrow().workspaceQuota())
                .isEqualTo(new Profile.WorkspaceQuota(1L << 30, 100_000));
        var body = docker("workspace_max_bytes", "2MiB");
        body.put("workspace_max_files", 500);
        assertThat(load(body).profile("p").orElseThrow().workspaceQuota())
                .isEqualTo(new Profile.WorkspaceQuota(2L << 20, 500));
        assertInvalidContaining(
                () -> load(docker("workspace_max_bytes", "1KiB")),
                "profiles.p.workspace_max_bytes",
                "allowed 1MiB..1TiB");
        assertInvalidContaining(() -> load(docker("workspace_max_files", 99)), "profiles.p.workspace_max_files", "100");
        assertInvalidContaining(
                () -> load(docker("workspace_max_files", "many")), "profiles.p.workspace_max_files", "");
    }

    @Test
    void aProfileBuiltInCodeKeepsItsSandboxSettings() {
        var body = docker("images", List.of("agent:2"));
        body.put("workspace_max_files", 1234);
        Profile p = load(body).profile("p").orElseThrow();
        Profile again = ConfigLoader.defaults()
                .set("profiles", Map.of("p", p))
                .load()
                .profile("p")
                .orElseThrow();
        assertThat(again).isEqualTo(p);
    }
}
