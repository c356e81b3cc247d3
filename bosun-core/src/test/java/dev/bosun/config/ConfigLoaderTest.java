package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.assertInvalid;
import static dev.bosun.config.ConfigAssertions.assertInvalidContaining;
import static dev.bosun.config.ConfigAssertions.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        BosunConfig c = ConfigLoader.defaults().load();

        assertThat(c.sessionsEnabled()).isTrue();
        assertThat(c.dataDir()).isEqualTo(Path.of("bosun-data").toAbsolutePath().normalize());
        assertThat(c.dataDir()).isAbsolute();
        assertThat(c.nodeId()).isEqualTo("local");
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(24));
        assertThat(c.maxMessageBytes()).isEqualTo(256 * 1024);
        assertThat(c.maxEventsPerPoll()).isEqualTo(100);
        assertThat(c.maxPollWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxTasks()).isEqualTo(50);
        assertThat(c.taskTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.maxSessions()).isEqualTo(1000);
        assertThat(c.retention()).isEqualTo(Duration.ofDays(7));
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.outboxRescan()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.workerLogMaxBytes()).isEqualTo(1024 * 1024);
        assertThat(c.modelCache()).isEmpty();
        assertThat(c.profiles()).isEmpty();
    }

    @Test
    void staticLoadWithoutFileIsDefaultsPlusEnvironment() {
        BosunConfig c = ConfigLoader.load(Optional.empty(), Map.of("BOSUN_MAX_TASKS", "7"));

        assertThat(c.maxTasks()).isEqualTo(7);
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void yamlFileOverridesDefaults() {
        Path file = write(dir, "bosun.yaml", """
                # a comment
                sessions_enabled: false
                data_dir: %s
                node_id: edge-1.eu_west
                idle_timeout: 90          # a YAML integer is seconds
                ttl: 2h
                max_message_bytes: 1MiB
                max_events_per_poll: 500
                max_poll_wait: 0s
                max_tasks: "20"
                task_timeout: 15m
                max_sessions: 10
                retention: 30d
                startup_timeout: 45s
                outbox_rescan: 250ms
                worker_log_max_bytes: 16777216
                """.formatted(dir.resolve("data")));

        BosunConfig c = ConfigLoader.defaults().file(file).load();

        assertThat(c.sessionsEnabled()).isFalse();
        assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
        assertThat(c.nodeId()).isEqualTo("edge-1.eu_west");
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(2));
        assertThat(c.maxMessageBytes()).isEqualTo(1024 * 1024);
        assertThat(c.maxEventsPerPoll()).isEqualTo(500);
        assertThat(c.maxPollWait()).isEqualTo(Duration.ZERO);
        assertThat(c.maxTasks()).isEqualTo(20);
        assertThat(c.taskTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.maxSessions()).isEqualTo(10);
        assertThat(c.retention()).isEqualTo(Duration.ofDays(30));
        assertThat(c.startupTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.outboxRescan()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.workerLogMaxBytes()).isEqualTo(16L << 20);
    }

    @Test
    void keysTheFileLeavesOutKeepTheirDefaults() {
        Path file = write(dir, "bosun.yaml", "max_tasks: 5\n");

        BosunConfig c = ConfigLoader.defaults().file(file).load();

        assertThat(c.maxTasks()).isEqualTo(5);
        assertThat(c.maxSessions()).isEqualTo(1000);
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n\n", "# only a comment\n", "---\n"})
    void anEmptyFileSetsNothing(String text) {
        Path file = write(dir, "empty.yaml", text);

        assertThat(ConfigLoader.defaults().file(file).load())
                .isEqualTo(ConfigLoader.defaults().load());
    }

    @Test
    void environmentOverridesFile() {
        Path file = write(dir, "bosun.yaml", """
                node_id: from-file
                max_tasks: 20
                ttl: 2h
                """);
        Map<String, String> env = Map.of(
                "BOSUN_NODE_ID", "from-env",
                "BOSUN_MAX_TASKS", "30",
                "BOSUN_DATA_DIR", dir.resolve("env-data").toString(),
                "BOSUN_SESSIONS_ENABLED", "no");

        BosunConfig c = ConfigLoader.defaults().file(file).env(env).load();

        assertThat(c.nodeId()).isEqualTo("from-env");
        assertThat(c.maxTasks()).isEqualTo(30);
        assertThat(c.dataDir()).isEqualTo(dir.resolve("env-data"));
        assertThat(c.sessionsEnabled()).isFalse();
        assertThat(c.ttl()).isEqualTo(Duration.ofHours(2)); // not in the environment: the file's value stays
    }

    @Test
    void explicitOverridesEnvironmentWhateverTheCallOrder() {
        Path file = write(dir, "bosun.yaml", "node_id: from-file\nmax_tasks: 20\n");

        BosunConfig c = ConfigLoader.defaults()
                .set("node_id", "from-code")
                .set("idle_timeout", Duration.ofMinutes(5))
                .env(Map.of("BOSUN_NODE_ID", "from-env", "BOSUN_IDLE_TIMEOUT", "10m", "BOSUN_MAX_TASKS", "30"))
                .file(file)
                .load();

        assertThat(c.nodeId()).isEqualTo("from-code");
        assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.maxTasks()).isEqualTo(30);
    }

    @Test
    void laterCallsOfTheSameLayerReplaceIt() {
        Path first = write(dir, "first.yaml", "node_id: first\nmax_tasks: 20\n");
        Path second = write(dir, "second.yaml", "node_id: second\n");

        BosunConfig c = ConfigLoader.defaults()
                .file(first)
                .file(second)
                .env(Map.of("BOSUN_MAX_SESSIONS", "5"))
                .env(Map.of())
                .load();

        assertThat(c.nodeId()).isEqualTo("second");
        assertThat(c.maxTasks()).isEqualTo(50);
        assertThat(c.maxSessions()).isEqualTo(1000);
    }

    @Test
    void unknownBosunVariablesAndOtherVariablesAreIgnored() {
        BosunConfig c = ConfigLoader.defaults()
                .env(Map.of(
                        "BOSUN_URL",
                        "http://localhost:7070",
                        "BOSUN_API_KEY",
                        "secret",
                        "PATH",
                        "/usr/bin",
                        "bosun_node_id",
                        "lower-case-is-not-read"))
                .load();

        assertThat(c).isEqualTo(ConfigLoader.defaults().load());
    }

    @Test
    void environmentVariableNames() {
        assertThat(ConfigLoader.envVar("idle_timeout")).isEqualTo("BOSUN_IDLE_TIMEOUT");
        assertThat(ConfigLoader.envVar("data_dir")).isEqualTo("BOSUN_DATA_DIR");
        assertThat(ConfigLoader.envVar("profiles")).isEqualTo("BOSUN_PROFILES");
    }

    @Test
    void missingFileNamesThePathAsGiven() {
        assertInvalid(
                () -> ConfigLoader.defaults().file(Path.of("conf/nope.yaml")),
                "config_file",
                "config file conf/nope.yaml does not exist");
    }

    @Test
    void directoryInsteadOfFile() {
        assertInvalid(
                () -> ConfigLoader.defaults().file(dir),
                "config_file",
                "config file " + dir + " is a directory, not a file");
    }

    @Test
    void invalidYamlNamesTheFileAndTheLine() {
        Path file = write(dir, "bad.yaml", "max_tasks: 5\nttl: [unclosed\n");

        assertInvalidContaining(
                () -> ConfigLoader.defaults().file(file),
                "config_file",
                "config file " + file + " is not valid YAML: ",
                "line 2, column 6");
    }

    @Test
    void topLevelMustBeAMapping() {
        Path file = write(dir, "list.yaml", "- max_tasks\n- 5\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file),
                "config_file",
                "config file " + file
                        + " must be a mapping of keys to values (such as idle_timeout: 30m), not a array");
    }

    @Test
    void unknownFileKeyIsRejectedWithASuggestion() {
        Path file = write(dir, "typo.yaml", "max_tasks: 5\nidle_timout: 10m\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file),
                "idle_timout",
                "unknown key \"idle_timout\"; did you mean idle_timeout? (from config file " + file + ")");
    }

    @Test
    void camelCaseKeyIsRejectedWithTheSnakeCaseSuggestion() {
        Path file = write(dir, "camel.yaml", "idleTimeout: 10m\n");

        assertInvalidContaining(() -> ConfigLoader.defaults().file(file), "idleTimeout", "did you mean idle_timeout?");
    }

    @Test
    void unknownKeyFarFromAnyListsTheKnownKeys() {
        Path file = write(dir, "far.yaml", "colour: blue\n");

        assertInvalidContaining(
                () -> ConfigLoader.defaults().file(file),
                "colour",
                "unknown key \"colour\"; known keys: sessions_enabled, data_dir, node_id, idle_timeout");
    }

    @Test
    void duplicateFileKeyIsRejected() {
        Path file = write(dir, "dup.yaml", "max_tasks: 5\nmax_tasks: 6\n");

        assertInvalidContaining(
                () -> ConfigLoader.defaults().file(file), "config_file", "is not valid YAML", "max_tasks");
    }

    @Test
    void unknownKeyInCodeIsRejectedAtOnce() {
        assertInvalid(
                () -> ConfigLoader.defaults().set("max_task", 5),
                "max_task",
                "unknown key \"max_task\"; did you mean max_tasks? (from code)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "true, true",
        "TRUE, true",
        "Yes, true",
        "1, true",
        "false, false",
        "False, false",
        "NO, false",
        "0, false"
    })
    void booleanEnvironmentValues(String text, boolean expected) {
        BosunConfig c = ConfigLoader.defaults()
                .env(Map.of("BOSUN_SESSIONS_ENABLED", text))
                .load();

        assertThat(c.sessionsEnabled()).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"maybe", "on", "off", "y", "2", "", "tru"})
    void badBooleanEnvironmentValueIsRejected(String text) {
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .env(Map.of("BOSUN_SESSIONS_ENABLED", text))
                        .load(),
                "sessions_enabled",
                "sessions_enabled = \"" + text + "\" is not a boolean; allowed true, false, "
                        + "yes, no, 1, 0 (from environment variable BOSUN_SESSIONS_ENABLED)");
    }

    @Test
    void yamlBooleansAndZeroOneAreBooleans() {
        assertThat(ConfigLoader.defaults()
                        .file(write(dir, "a.yaml", "sessions_enabled: no\n"))
                        .load()
                        .sessionsEnabled())
                .isFalse();
        assertThat(ConfigLoader.defaults()
                        .file(write(dir, "b.yaml", "sessions_enabled: 0\n"))
                        .load()
                        .sessionsEnabled())
                .isFalse();
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .file(write(dir, "c.yaml", "sessions_enabled: 2\n"))
                        .load(),
                "sessions_enabled",
                "sessions_enabled = 2 is not a boolean; allowed true, false, yes, no, 1, 0 " + "(from config file "
                        + dir.resolve("c.yaml") + ")");
    }

    @Test
    void idleTimeoutLongerThanTtlIsRejectedNamingBothOrigins() {
        Path file = write(dir, "bosun.yaml", "ttl: 1h\n");

        assertInvalid(
                () -> ConfigLoader.defaults()
                        .file(file)
                        .env(Map.of("BOSUN_IDLE_TIMEOUT", "2h"))
                        .load(),
                "idle_timeout",
                "idle_timeout = 2h is longer than ttl = 1h; allowed 30s..1h, as a session cannot "
                        + "idle past its ttl (idle_timeout from environment variable BOSUN_IDLE_TIMEOUT, ttl from "
                        + "config file " + file + ")");
    }

    @Test
    void idleTimeoutEqualToTtlIsAccepted() {
        BosunConfig c = ConfigLoader.defaults()
                .set("idle_timeout", "1h")
                .set("ttl", "60m")
                .load();

        assertThat(c.idleTimeout()).isEqualTo(c.ttl());
    }

    @Test
    void aKeyWrittenWithoutValueIsAnError() {
        Path file = write(dir, "bosun.yaml", "idle_timeout:\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file).load(),
                "idle_timeout",
                "idle_timeout has no value; allowed 30s..24h (from config file " + file + ")");
    }

    @Test
    void garbageDurationNamesFieldValueSyntaxAndRange() {
        assertInvalid(
                () -> ConfigLoader.defaults().env(Map.of("BOSUN_TTL", "1 day")).load(),
                "ttl",
                "ttl = \"1 day\" is not a duration; expected " + Durations.SYNTAX
                        + "; allowed 60s..7d (from environment variable BOSUN_TTL)");
    }

    @Test
    void garbageSizeAndIntegerNameFieldValueAndRange() {
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .env(Map.of("BOSUN_MAX_MESSAGE_BYTES", "1 MB"))
                        .load(),
                "max_message_bytes",
                "max_message_bytes = \"1 MB\" is not a size; expected " + Sizes.SYNTAX
                        + "; allowed 1KiB..10MiB (from environment variable BOSUN_MAX_MESSAGE_BYTES)");
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .env(Map.of("BOSUN_MAX_TASKS", "lots"))
                        .load(),
                "max_tasks",
                "max_tasks = \"lots\" is not a whole number; allowed 1..10000 "
                        + "(from environment variable BOSUN_MAX_TASKS)");
        assertInvalid(
                () -> ConfigLoader.defaults()
                        .file(write(dir, "f.yaml", "max_tasks: 2.5\n"))
                        .load(),
                "max_tasks",
                "max_tasks = 2.5 is not a whole number; allowed 1..10000 (from config file " + dir.resolve("f.yaml")
                        + ")");
    }

    @Test
    void nodeIdRules() {
        String longest = "n".repeat(64);
        assertThat(ConfigLoader.defaults().set("node_id", longest).load().nodeId())
                .isEqualTo(longest);

        String rule = "; allowed 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-' (from code)";
        assertInvalid(
                () -> ConfigLoader.defaults().set("node_id", "n".repeat(65)).load(),
                "node_id",
                "node_id = \"" + "n".repeat(65) + "\" is not allowed" + rule);
        assertInvalid(
                () -> ConfigLoader.defaults().set("node_id", "").load(),
                "node_id",
                "node_id = \"\" is not allowed" + rule);
        assertInvalid(
                () -> ConfigLoader.defaults().set("node_id", "edge 1").load(),
                "node_id",
                "node_id = \"edge 1\" is not allowed" + rule);
    }

    @Test
    void yamlNumberWhereAStringBelongsIsRejectedRatherThanReformatted() {
        Path file = write(dir, "bosun.yaml", "node_id: 007\n");

        assertInvalid(
                () -> ConfigLoader.defaults().file(file).load(),
                "node_id",
                "node_id = 7 is not a string (quote it in YAML); allowed 1 to 64 characters of A-Z, a-z, 0-9, "
                        + "'.', '_' and '-' (from config file " + file + ")");
    }

    @Test
    void dataDirIsResolvedToAnAbsoluteNormalizedPath() {
        assertThat(ConfigLoader.defaults()
                        .set("data_dir", "var/../state")
                        .load()
                        .dataDir())
                .isEqualTo(Path.of("state").toAbsolutePath());
        assertThat(ConfigLoader.defaults().set("data_dir", dir).load().dataDir())
                .isEqualTo(dir);
        assertInvalid(
                () -> ConfigLoader.defaults().env(Map.of("BOSUN_DATA_DIR", " ")).load(),
                "data_dir",
                "data_dir = \" \" is empty; allowed a directory path, relative to the working directory or "
                        + "absolute (from environment variable BOSUN_DATA_DIR)");
        assertInvalid(
                () -> ConfigLoader.defaults().set("data_dir", "~/bosun").load(),
                "data_dir",
                "data_dir = \"~/bosun\" starts with ~, which is not expanded; allowed a directory path, relative "
                        + "to the working directory or absolute (from code)");
        assertInvalidContaining(
                () -> ConfigLoader.defaults().set("data_dir", "a\0b").load(),
                "data_dir",
                "data_dir = \"a\\u0000b\" is not a valid path");
    }

    @Test
    void optionalFromCodeIsUnwrapped() {
        BosunConfig c = ConfigLoader.defaults()
                .env(Map.of("BOSUN_MODEL_CACHE", "hf-models"))
                .set("model_cache", Optional.empty())
                .set("max_tasks", Optional.of(3))
                .load();

        assertThat(c.modelCache()).isEmpty();
        assertThat(c.maxTasks()).isEqualTo(3);
    }

    @Test
    void loadCanBeRepeatedAndSeesLaterChanges() {
        ConfigLoader loader = ConfigLoader.defaults();
        BosunConfig first = loader.load();
        BosunConfig second = loader.set("max_tasks", 9).load();

        assertThat(first.maxTasks()).isEqualTo(50);
        assertThat(second.maxTasks()).isEqualTo(9);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../rooms", "bosun/..", "bosun/../../etc", ".", "bosun/./x"})
    void scoutRoomRefusesDotSegments(String room) {
        assertInvalidContaining(
                () -> ConfigLoader.defaults().set("scout_room", room).load(), "scout_room", "none of them . or ..");
    }

    @Test
    void scoutRoomKeepsDotsInsideSegments() {
        // Segments need the hierarchical room rule; the strict default keeps dots inside a flat name too.
        assertThat(ConfigLoader.defaults()
                        .set("plato_room_names", "hierarchical")
                        .set("scout_room", "bosun/v1.2/.x/a..b")
                        .load()
                        .tiles()
                        .scoutRoom())
                .isEqualTo("bosun/v1.2/.x/a..b");
        assertThat(ConfigLoader.defaults()
                        .set("scout_room", "bosun.v1.2..x")
                        .load()
                        .tiles()
                        .scoutRoom())
                .isEqualTo("bosun.v1.2..x");
    }
}
