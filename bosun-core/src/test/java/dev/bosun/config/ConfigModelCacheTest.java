package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.assertInvalid;
import static dev.bosun.config.ConfigAssertions.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigModelCacheTest {
    private static final String RULE = "; allowed an absolute path to an existing readable directory, or a Docker "
            + "volume name (a letter or digit, then up to 127 of A-Z a-z 0-9 _ . -), or empty for none";

    @TempDir
    Path dir;

    private static Optional<String> modelCache(String value) {
        return ConfigLoader.defaults()
                .env(Map.of("BOSUN_MODEL_CACHE", value))
                .load()
                .modelCache();
    }

    @Test
    void absoluteDirectoryIsResolvedToItsRealPath() throws IOException {
        Path models = Files.createDirectory(dir.resolve("models"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), models);

        assertThat(modelCache(models.toString())).contains(models.toRealPath().toString());
        assertThat(modelCache("  " + link + "/  ")).contains(models.toRealPath().toString());
        assertThat(ConfigLoader.defaults().set("model_cache", models).load().modelCache())
                .contains(models.toRealPath().toString());
    }

    @Test
    void fileIsNotADirectory() {
        Path file = write(dir, "weights.bin", "x");

        assertInvalid(
                () -> modelCache(file.toString()),
                "model_cache",
                "model_cache = \"" + file + "\" is not a directory" + RULE
                        + " (from environment variable BOSUN_MODEL_CACHE)");
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("nowhere");

        assertInvalid(
                () -> modelCache(missing.toString()),
                "model_cache",
                "model_cache = \"" + missing + "\" does not exist" + RULE
                        + " (from environment variable BOSUN_MODEL_CACHE)");
    }

    @Test
    void unreadableDirectory() throws IOException {
        // root reads every directory whatever its mode, so the refusal cannot be observed as root.
        assumeTrue(!"root".equals(System.getProperty("user.name")), "running as root");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("-wx------"));
        try {
            assertInvalid(
                    () -> modelCache(locked.toString()),
                    "model_cache",
                    "model_cache = \"" + locked + "\" is not readable by this process" + RULE
                            + " (from environment variable BOSUN_MODEL_CACHE)");
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hf-models", "models", "0cache", "my_vol.v2", "a"})
    void dockerVolumeNamesAreKeptAsTheyAre(String name) {
        assertThat(modelCache(name)).contains(name);
        assertThat(modelCache(" " + name + "\t")).contains(name);
    }

    @Test
    void volumeNameLengthLimit() {
        String longest = "v".repeat(128);
        assertThat(modelCache(longest)).contains(longest);
        assertInvalid(
                () -> modelCache(longest + "v"),
                "model_cache",
                "model_cache = \"" + "v".repeat(80)
                        + "\"... (129 characters) is neither an absolute path nor a Docker volume name" + RULE
                        + " (from environment variable BOSUN_MODEL_CACHE)");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"./models", "models/", "~/models", "-models", "_models", ".models", "my models", "c:\\models"})
    void nonsenseIsRejected(String value) {
        assertInvalid(
                () -> modelCache(value),
                "model_cache",
                "model_cache = " + Values.quote(value)
                        + " is neither an absolute path nor a Docker volume name" + RULE
                        + " (from environment variable BOSUN_MODEL_CACHE)");
    }

    @Test
    void blankMeansNoneAndOverridesTheFile() {
        Path file = write(dir, "bosun.yaml", "model_cache: hf-models\n");

        assertThat(ConfigLoader.defaults().file(file).load().modelCache()).contains("hf-models");
        assertThat(ConfigLoader.defaults()
                        .file(file)
                        .env(Map.of("BOSUN_MODEL_CACHE", "  "))
                        .load()
                        .modelCache())
                .isEmpty();
        assertThat(ConfigLoader.defaults()
                        .file(write(dir, "empty.yaml", "model_cache:\n"))
                        .load()
                        .modelCache())
                .isEmpty();
    }
}
