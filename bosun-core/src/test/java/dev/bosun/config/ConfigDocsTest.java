package dev.bosun.config;

import static dev.bosun.config.ConfigAssertions.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/CONFIG.md stays true: every key documented with its default, and its examples load. */
class ConfigDocsTest {
    private static String doc;

    @TempDir
    Path dir;

    @BeforeAll
    static void readDoc() throws IOException {
        // Maven runs tests in the module directory, an IDE perhaps in the repository root.
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("docs/CONFIG.md");
            if (Files.isRegularFile(candidate)) {
                doc = Files.readString(candidate);
                return;
            }
        }
        throw new IllegalStateException(
                "docs/CONFIG.md not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyKeyHasATableRowWithItsDefaultAndEnvironmentVariable() {
        for (String key : ConfigLoader.KEYS) {
            Matcher row = Pattern.compile("^\\| `" + key + "` \\| [^|]+ \\| ([^|]+) \\|.*$", Pattern.MULTILINE)
                    .matcher(doc);
            assertThat(row.find()).as("table row for %s", key).isTrue();
            assertThat(row.group(0)).as("row for %s", key).contains("`" + ConfigLoader.envVar(key) + "`");
            Object def = ConfigLoader.defaultValue(key);
            boolean empty = def == null
                    || def instanceof Map<?, ?> m && m.isEmpty()
                    || def instanceof java.util.Collection<?> c && c.isEmpty();
            String expected = empty ? "none" : "`" + def + "`";
            assertThat(row.group(1).strip()).as("default of %s", key).isEqualTo(expected);
        }
    }

    @Test
    void completeExampleLoadsAndHoldsTheDefaultsItClaims() {
        Path file = write(dir, "bosun.yaml", block("yaml"));

        BosunConfig c = ConfigLoader.defaults().file(file).load();

        Profile echo = c.profile("echo").orElseThrow();
        assertThat(echo.command()).containsExactly("sh", "examples/echo-worker.sh");
        assertThat(c)
                .isEqualTo(ConfigLoader.defaults()
                        .set("model_cache", "hf-models")
                        .set("profiles", Map.of("echo", echo))
                        .load());
    }

    @Test
    void profilesJsonExamplesLoadAndAgree() {
        Matcher export = Pattern.compile("^export BOSUN_PROFILES='(.*)'$", Pattern.MULTILINE)
                .matcher(doc);
        assertThat(export.find()).isTrue();

        BosunConfig fromBlock = ConfigLoader.defaults()
                .env(Map.of("BOSUN_PROFILES", block("json")))
                .load();
        BosunConfig fromExport = ConfigLoader.defaults()
                .env(Map.of("BOSUN_PROFILES", export.group(1)))
                .load();

        assertThat(fromBlock.profile("echo").orElseThrow().command()).containsExactly("sh", "examples/echo-worker.sh");
        assertThat(fromExport).isEqualTo(fromBlock);
    }

    private static String block(String language) {
        Matcher m =
                Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("a ```%s block", language).isTrue();
        return m.group(1);
    }
}
