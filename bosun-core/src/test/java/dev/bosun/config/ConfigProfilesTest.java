package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.assertInvalid;
import static dev.bosun.config.ConfigAssertions.assertInvalidContaining;
import static dev.bosun.config.ConfigAssertions.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigProfilesTest {
    @TempDir
    Path dir;

    private static ConfigLoader withProfile(Map<String, Object> body) {
        return ConfigLoader.defaults().set("profiles", Map.of("echo", body));
    }

    private static Map<String, Object> echo(String key, Object value) {
        var body = new LinkedHashMap<String, Object>();
        body.put("command", List.of("true"));
        body.put(key, value);
        return body;
    }

    @Test
    void profileFromYamlWithEveryKey() {
        Path file = write(dir, "bosun.yaml", """
                profiles:
                  echo:
                    runtime: docker
                    command: ["sh", "examples/echo-worker.sh", ""]
                    env:
                      GREETING: "hello world"
                      _private: ""
                      DEBUG: "1"
                    keep_workspace: true
                    startup_timeout: 30s
                    stop_grace: 0s
                    limits:
                      open_files: 1024
                      processes: 64
                      file_size: 100MiB
                      memory: 512m
                      cpus: 0.5
                    image: registry.example:5000/team/agent:1.2
                    images: ["debian:12", "agent@sha256:%s"]
                    network: true
                    max_limits:
                      memory: 1GiB
                      cpus: 2
                    warm_pool: 2
                    user: "1001:1001"
                    oci_runtime: runsc
                    oci_runtime_strict: true
                    read_only_paths: ["/etc/ssl/certs"]
                    tmp_size: 32MiB
                """.formatted("a".repeat(64)));

        Profile p = ConfigLoader.defaults().file(file).load().profile("echo").orElseThrow();
        Profile.Isolation iso = p.isolation();
        assertThat(iso.image()).contains("registry.example:5000/team/agent:1.2");
        assertThat(iso.images())
                .containsExactly("registry.example:5000/team/agent:1.2", "debian:12", "agent@sha256:" + "a".repeat(64));
        assertThat(iso.network()).isTrue();
        assertThat(iso.ceilings().memoryBytes()).contains(1L << 30);
        assertThat(iso.ceilings().cpus()).contains(2.0);
        assertThat(iso.warmPool()).isEqualTo(2);
        assertThat(iso.user()).isEqualTo("1001:1001");
        assertThat(iso.ociRuntime()).contains("runsc");
        assertThat(iso.ociRuntimeStrict()).isTrue();
        assertThat(iso.readOnlyPaths()).containsExactly(Path.of("/etc/ssl/certs"));
        assertThat(iso.tmpSizeBytes()).isEqualTo(32L << 20);

        assertThat(p.name()).isEqualTo("echo");
        assertThat(p.runtime()).isEqualTo("docker");
        assertThat(p.command()).containsExactly("sh", "examples/echo-worker.sh", "");
        assertThat(p.env())
                .containsExactlyInAnyOrderEntriesOf(Map.of("GREETING", "hello world", "_private", "", "DEBUG", "1"));
        assertThat(p.keepWorkspace()).isTrue();
        assertThat(p.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.stopGrace()).isEqualTo(Duration.ZERO);
        assertThat(p.limits())
                .isEqualTo(new Profile.Limits(
                        Optional.of(1024L),
                        Optional.of(64L),
                        Optional.of(100L << 20),
                        Optional.of(512L << 20),
                        Optional.of(0.5)));
    }

    @Test
    void profileDefaultsTakeTheServerStartupTimeout() {
        Path file = write(dir, "bosun.yaml", """
                startup_timeout: 45s
                profiles:
                  minimal:
                    command: [cat]
                  other-1_x:
                    command: [cat]
                """);

        BosunConfig c = ConfigLoader.defaults().file(file).load();
        Profile p = c.profile("minimal").orElseThrow();

        assertThat(c.profiles()).containsOnlyKeys("minimal", "other-1_x");
        assertThat(p.runtime()).isEqualTo("process");
        assertThat(p.env()).isEmpty();
        assertThat(p.keepWorkspace()).isFalse();
        assertThat(p.startupTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(p.stopGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.limits()).isEqualTo(Profile.Limits.NONE);
    }

    @Test
    void singleStringCommandRunsUnderTheShell() {
        Path file = write(dir, "bosun.yaml", """
                profiles:
                  echo:
                    command: "while read l; do echo $l; done"
                """);

        assertThat(ConfigLoader.defaults()
                        .file(file)
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .command())
                .containsExactly("/bin/sh", "-c", "while read l; do echo $l; done");
    }

    @Test
    void emptyProfilesSectionMeansNoProfiles() {
        Path file = write(dir, "bosun.yaml", "profiles:\n");

        assertThat(ConfigLoader.defaults().file(file).load().profiles()).isEmpty();
    }

    @Test
    void profilesFromEnvironmentJsonReplaceTheFileProfiles() {
        Path file = write(dir, "bosun.yaml", """
                profiles:
                  from-file:
                    command: [cat]
                """);
        String json = """
                {"echo": {"command": ["sh", "examples/echo-worker.sh"], "env": {"MODE": "fast"},
                          "stop_grace": 2, "limits": {"open_files": 256, "memory": "64MiB", "cpus": 2}}}
                """;

        BosunConfig c = ConfigLoader.defaults()
                .file(file)
                .env(Map.of("BOSUN_PROFILES", json))
                .load();

        assertThat(c.profiles()).containsOnlyKeys("echo");
        Profile p = c.profile("echo").orElseThrow();
        assertThat(p.command()).containsExactly("sh", "examples/echo-worker.sh");
        assertThat(p.env()).containsExactlyEntriesOf(Map.of("MODE", "fast"));
        assertThat(p.stopGrace()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.limits().openFiles()).contains(256L);
        assertThat(p.limits().memoryBytes()).contains(64L << 20);
        assertThat(p.limits().cpus()).contains(2.0);
        assertThat(p.limits().processes()).isEmpty();
    }

    @Test
    void emptyJsonObjectClearsProfiles() {
        Path file = write(dir, "bosun.yaml", "profiles:\n  echo:\n    command: [cat]\n");

        assertThat(ConfigLoader.defaults()
                        .file(file)
                        .env(Map.of("BOSUN_PROFILES", "{}"))
                        .load()
                        .profiles())
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"echo\": | BOSUN_PROFILES is not valid JSON: ",
                "[] | BOSUN_PROFILES is a JSON array, not an object",
                "'  ' | BOSUN_PROFILES is empty",
                "{\"a\": {\"command\": \"x\"}, \"a\": {\"command\": \"y\"}} | Duplicate field 'a'",
            })
    void badProfilesJsonIsRejectedWhenTheEnvironmentIsRead(String json, String fragment) {
        assertInvalidContaining(
                () -> ConfigLoader.defaults().env(Map.of("BOSUN_PROFILES", json)),
                "profiles",
                fragment,
                "allowed a JSON object of profile name to profile");
    }

    @Test
    void profilesErrorsFromTheEnvironmentNameTheVariable() {
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .env(Map.of("BOSUN_PROFILES", "{\"echo\": {\"command\": [\"x\"], \"runtime\": \"lxc\"}}"))
                        .load(),
                "profiles.echo.runtime",
                "profiles.echo.runtime = \"lxc\" is not allowed; allowed process, bwrap, "
                        + "docker (from environment variable BOSUN_PROFILES)");
    }

    @Test
    void profilesBuiltInCodeAreValidatedToo() {
        var good = new Profile(
                "echo",
                "process",
                List.of("cat"),
                Map.of("A", "b"),
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Profile.Limits.NONE);
        assertThat(ConfigLoader.defaults()
                        .set("profiles", Map.of("echo", good))
                        .load()
                        .profile("echo"))
                .contains(good);

        var badLimit = new Profile(
                "echo",
                "process",
                List.of("cat"),
                Map.of(),
                false,
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                new Profile.Limits(
                        Optional.of(0L), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .set("profiles", Map.of("echo", badLimit))
                        .load(),
                "profiles.echo.limits.open_files",
                "profiles.echo.limits.open_files = 0 is out of range; allowed 1..1048576 (from code)");

        assertInvalidContaining(
                () -> ConfigLoader.defaults()
                        .set("profiles", Map.of("other", good))
                        .load(),
                "profiles.other",
                "holds a Profile named \"echo\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Echo", "-echo", "_echo", "echo.worker", "echo worker", ""})
    void badProfileNamesAreRejected(String name) {
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .set("profiles", Map.of(name, Map.of("command", "x")))
                        .load(),
                "profiles",
                "profile name \"" + name + "\" is not allowed; allowed 1 to 64 characters of a-z, 0-9, "
                        + "_ and -, starting with a-z or 0-9 (from code)");
    }

    @Test
    void profileNameLengthLimit() {
        String longest = "p".repeat(64);
        assertThat(ConfigLoader.defaults()
                        .set("profiles", Map.of(longest, Map.of("command", "x")))
                        .load()
                        .profiles())
                .containsOnlyKeys(longest);
        assertInvalidContaining(
                () -> ConfigLoader.defaults()
                        .set("profiles", Map.of(longest + "p", Map.of("command", "x")))
                        .load(),
                "profiles",
                "is not allowed");
    }

    @Test
    void unknownProfileKeyIsRejectedWithItsFullPath() {
        Path file = write(dir, "bosun.yaml", """
                profiles:
                  echo:
                    comand: [cat]
                """);

        assertInvalid(
                () -> ConfigLoader.defaults().file(file).load(),
                "profiles.echo.comand",
                "unknown key \"profiles.echo.comand\"; did you mean command? (from config file " + file + ")");
    }

    @Test
    void unknownLimitKeyIsRejected() {
        assertInvalid(
                () -> withProfile(echo("limits", Map.of("nofile", 10))).load(),
                "profiles.echo.limits.nofile",
                "unknown key \"profiles.echo.limits.nofile\"; known keys: open_files, processes, file_size, memory, "
                        + "cpus (from code)");
    }

    @Test
    void commandRules() {
        String rule = "allowed a non-empty list of strings (program, then arguments), or one string run as "
                + "/bin/sh -c <string> (from code)";
        assertInvalid(
                () -> withProfile(Map.of("runtime", "process")).load(),
                "profiles.echo.command",
                "profiles.echo.command is required; " + rule);
        assertInvalid(
                () -> withProfile(Map.of("command", List.of())).load(),
                "profiles.echo.command",
                "profiles.echo.command is an empty list; " + rule);
        assertInvalid(
                () -> withProfile(Map.of("command", " ")).load(),
                "profiles.echo.command",
                "profiles.echo.command is empty; " + rule);
        assertInvalid(
                () -> withProfile(Map.of("command", 5)).load(),
                "profiles.echo.command",
                "profiles.echo.command = 5 is not a list or a string; " + rule);
        assertInvalid(
                () -> withProfile(Map.of("command", List.of("", "x"))).load(),
                "profiles.echo.command[0]",
                "profiles.echo.command[0] is empty; it must name the program to run (from code)");
        assertInvalid(
                () -> withProfile(Map.of("command", List.of("sh", "a\0b"))).load(),
                "profiles.echo.command[1]",
                "profiles.echo.command[1] contains a NUL character at index 1; allowed any text without NUL (from code)");
    }

    @Test
    void yamlNumberInACommandIsRejected() {
        Path file = write(dir, "bosun.yaml", "profiles:\n  echo:\n    command: [sleep, 5]\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file).load(),
                "profiles.echo.command[1]",
                "profiles.echo.command[1] = 5 is not a string (quote it in YAML); allowed a string (from config file "
                        + file + ")");
    }

    @Test
    void profileWithoutSettingsIsRejected() {
        Path file = write(dir, "bosun.yaml", "profiles:\n  echo:\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file).load(),
                "profiles.echo",
                "profiles.echo has no settings; a profile needs at least a command (from config file " + file + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "bwrap", "docker"})
    void everyRuntimeNameIsAccepted(String runtime) {
        var body = echo("runtime", runtime);
        if (runtime.equals("docker")) body.put("image", "debian:12");
        assertThat(withProfile(body).load().profile("echo").orElseThrow().runtime())
                .isEqualTo(runtime);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Process", "podman", ""})
    void otherRuntimeNamesAreRejected(String runtime) {
        assertInvalid(
                () -> withProfile(echo("runtime", runtime)).load(),
                "profiles.echo.runtime",
                "profiles.echo.runtime = \"" + runtime
                        + "\" is not allowed; allowed process, bwrap, docker (from code)");
    }

    @Test
    void keepWorkspaceMustBeABoolean() {
        assertThat(withProfile(echo("keep_workspace", "yes"))
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .keepWorkspace())
                .isTrue();
        assertInvalid(
                () -> withProfile(echo("keep_workspace", "sometimes")).load(),
                "profiles.echo.keep_workspace",
                "profiles.echo.keep_workspace = \"sometimes\" is not a boolean; allowed true, false, yes, no, 1, 0 "
                        + "(from code)");
    }

    // --- env keys and values ---

    @ParameterizedTest
    @ValueSource(strings = {"1ABC", "A-B", "A.B", "A B", "", "É"})
    void badEnvironmentNamesAreRejected(String name) {
        assertInvalid(
                () -> withProfile(echo("env", Map.of(name, "v"))).load(),
                "profiles.echo.env." + name,
                "environment variable name \"" + name + "\" in profiles.echo.env." + name
                        + " is not allowed; allowed letters, digits and _, not starting with a digit (from code)");
    }

    @Test
    void bosunPrefixIsReserved() {
        assertInvalid(
                () -> withProfile(echo("env", Map.of("BOSUN_SESSION_ID", "x"))).load(),
                "profiles.echo.env.BOSUN_SESSION_ID",
                "environment variable name \"BOSUN_SESSION_ID\" in "
                        + "profiles.echo.env.BOSUN_SESSION_ID is reserved; names starting with BOSUN_ are set by "
                        + "Bosun itself (from code)");
        // Only the exact upper-case prefix shadows Bosun's variables.
        assertThat(withProfile(echo("env", Map.of("bosun_x", "1", "BOSUNX", "2")))
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .env())
                .containsOnlyKeys("bosun_x", "BOSUNX");
    }

    @ParameterizedTest(name = "U+{1}")
    @CsvSource({"0, 0000", "9, 0009", "10, 000A", "13, 000D", "27, 001B", "31, 001F", "127, 007F"})
    void controlCharactersInValuesAreRejectedWithoutEchoingTheValue(int code, String hex) {
        String value = "s3cret" + (char) code + "tail";

        assertThatThrownBy(
                        () -> withProfile(echo("env", Map.of("TOKEN", value))).load())
                .isInstanceOfSatisfying(BosunException.class, e -> {
                    assertThat(e.getMessage())
                            .isEqualTo("profiles.echo.env.TOKEN contains a control character (U+"
                                    + hex
                                    + ") at index 6; allowed text without control characters (no NUL, tab, newline, CR)"
                                    + " (from code)");
                    assertThat(e.getMessage()).doesNotContain("s3cret");
                    assertThat(e.details()).containsEntry("field", "profiles.echo.env.TOKEN");
                });
    }

    @Test
    void valueLengthIsCountedInUtf8Bytes() {
        String atLimit = "a".repeat(32 * 1024);
        assertThat(withProfile(echo("env", Map.of("BIG", atLimit)))
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .env())
                .containsEntry("BIG", atLimit);

        assertInvalid(
                () -> withProfile(echo("env", Map.of("BIG", atLimit + "a"))).load(),
                "profiles.echo.env.BIG",
                "profiles.echo.env.BIG is 32769 bytes long; allowed at most 32KiB (32768 bytes) of UTF-8 (from code)");
        // 16385 two-byte characters: fewer than 32768 chars, but more than 32768 bytes.
        assertInvalidContaining(
                () -> withProfile(echo("env", Map.of("BIG", "é".repeat(16_385))))
                        .load(),
                "profiles.echo.env.BIG",
                "is 32770 bytes long");
    }

    // --- env_allow ---

    @Test
    void envAllowListsNamesAndPrefixesAndIsEmptyByDefault() {
        assertThat(withProfile(echo("command", List.of("true")))
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .isolation()
                        .envAllow())
                .isEmpty();
        assertThat(withProfile(echo("env_allow", List.of("MODE", "APP_*", "MODE", "p*")))
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .isolation()
                        .envAllow())
                .as("repeats dropped")
                .containsExactly("MODE", "APP_*", "p*");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "A*B", "1X", "A-B", "**", "A=B", "A\0B"})
    void badEnvAllowEntriesAreRejected(String entry) {
        assertInvalidContaining(
                () -> withProfile(echo("env_allow", List.of("OK", entry))).load(),
                "profiles.echo.env_allow[1]",
                "is not allowed; allowed a variable name, or a prefix of one followed by *");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "LD_PRELOAD",
                "LD_*",
                "ld_preload",
                "BASH_ENV",
                "BASH_FUNC_x*",
                "PYTHON*",
                "PYTHONPATH",
                "NODE_OPTIONS",
                "JAVA_TOOL_OPTIONS",
                "PATH",
                "PERL5LIB",
                "GCONV_PATH"
            })
    void envAllowCannotListAStartupVariable(String entry) {
        assertInvalidContaining(
                () -> withProfile(echo("env_allow", List.of(entry))).load(),
                "profiles.echo.env_allow[0]",
                "a request may never set",
                "set them in the profile's env instead");
    }

    @Test
    void envAllowCannotCoverBosunsOwnVariables() {
        for (String entry : List.of("BOSUN_X", "BOSUN_*", "BOS*", "B*")) {
            assertInvalidContaining(
                    () -> withProfile(echo("env_allow", List.of(entry))).load(),
                    "profiles.echo.env_allow[0]",
                    "covers names starting with BOSUN_");
        }
        assertInvalidContaining(
                () -> withProfile(echo("env_allow", "MODE")).load(), "profiles.echo.env_allow", "is not a list");
    }

    @Test
    void theOperatorMaySetAStartupVariableInTheProfileItself() {
        assertThat(withProfile(echo("env", Map.of("LD_PRELOAD", "/opt/hook.so", "PYTHONPATH", "/opt/lib")))
                        .load()
                        .profile("echo")
                        .orElseThrow()
                        .env())
                .containsEntry("LD_PRELOAD", "/opt/hook.so");
    }

    @Test
    void yamlNumberAsEnvValueIsRejected() {
        Path file = write(dir, "bosun.yaml", "profiles:\n  echo:\n    command: [cat]\n    env:\n      PORT: 8080\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file).load(),
                "profiles.echo.env.PORT",
                "profiles.echo.env.PORT is not a string (quote it in YAML); allowed a string of at most 32KiB without "
                        + "control characters (from config file " + file + ")");
    }

    // --- ranges inside a profile ---

    static Stream<Arguments> profileBounds() {
        return Stream.of(
                Arguments.of("limits.open_files", 1, 0, "0", 1_048_576, 1_048_577, "1048577", "1..1048576"),
                Arguments.of("limits.processes", 1, 0, "0", 1_000_000, 1_000_001, "1000001", "1..1000000"),
                Arguments.of("limits.file_size", "1", "0", "0B", "1TiB", "1099511627777", "1099511627777B", "1..1TiB"),
                Arguments.of("limits.memory", "4MiB", "4194303", "4194303B", "1TiB", "1025g", "1025GiB", "4MiB..1TiB"),
                Arguments.of("limits.cpus", "0.01", 0.009, "0.009", 1024, "1024.01", "1024.01", "0.01..1024"),
                Arguments.of("startup_timeout", "1s", "999ms", "999ms", "10m", "601", "601s", "1s..10m"),
                Arguments.of(
                        "stop_grace",
                        "0s",
                        "-1",
                        "\"-1\" is negative; a duration must be 0 or more",
                        "60s",
                        "61s",
                        "61s",
                        "0s..60s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profileBounds")
    void profileRanges(
            String path,
            Object min,
            Object below,
            String belowShown,
            Object max,
            Object above,
            String aboveShown,
            String range) {
        String field = "profiles.echo." + path;
        assertThat(withProfile(body(path, min)).load().profile("echo")).isPresent();
        assertThat(withProfile(body(path, max)).load().profile("echo")).isPresent();

        String belowMessage = belowShown.startsWith("\"")
                ? field + " = " + belowShown
                : field + " = " + belowShown + " is out of range";
        assertInvalid(
                () -> withProfile(body(path, below)).load(),
                field,
                belowMessage + "; allowed " + range + " (from code)");
        assertInvalid(
                () -> withProfile(body(path, above)).load(),
                field,
                field + " = " + aboveShown + " is out of range; allowed " + range + " (from code)");
    }

    private static Map<String, Object> body(String path, Object value) {
        return path.startsWith("limits.") ? echo("limits", Map.of(path.substring(7), value)) : echo(path, value);
    }

    @Test
    void limitValuesAreReadIntoTheRecord() {
        Profile p = withProfile(echo("limits", Map.of("file_size", "1g", "cpus", "0.25", "processes", "12")))
                .load()
                .profile("echo")
                .orElseThrow();

        assertThat(p.limits().fileSizeBytes()).contains(1L << 30);
        assertThat(p.limits().cpus()).contains(0.25);
        assertThat(p.limits().processes()).contains(12L);
        assertThat(p.limits().openFiles()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "1e3", "0x10", "half", "Infinity"})
    void cpusMustBeAPlainDecimal(String text) {
        assertInvalid(
                () -> withProfile(echo("limits", Map.of("cpus", text))).load(),
                "profiles.echo.limits.cpus",
                "profiles.echo.limits.cpus = \"" + text + "\" is not a number; allowed 0.01..1024 (from code)");
    }
}
