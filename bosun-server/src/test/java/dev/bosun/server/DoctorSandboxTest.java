package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.contract.Requires;
import dev.bosun.json.Json;
import dev.bosun.sandbox.docker.DockerSandbox;
import dev.bosun.server.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bosun doctor} against the real Docker Engine: each docker profile's images must be present. */
class DoctorSandboxTest {
    static final String IMAGE = System.getenv().getOrDefault("BOSUN_TEST_IMAGE", "bosun-test-busybox:1");

    @TempDir
    Path dir;

    @Test
    void doctorChecksEveryImageOfEveryDockerProfile() throws Exception {
        try (var docker = new DockerSandbox(Path.of("/var/run/docker.sock"))) {
            Requires.usable("the docker runtime", docker.availability());
            Requires.usable("the Docker test image", docker.image(IMAGE));
        }
        Path config = Files.writeString(dir.resolve("bosun.yaml"), """
                profiles:
                  agent:
                    runtime: docker
                    image: %s
                    images: ["bosun-never-loaded:0"]
                    command: ["true"]
                """.formatted(IMAGE));
        var out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit = Main.run(
                    "doctor",
                    "--config",
                    config.toString(),
                    "--data-dir",
                    dir.resolve("data").toString(),
                    "--json");
        } finally {
            System.setOut(saved);
        }
        JsonNode checks = Json.parse(out.toString(StandardCharsets.UTF_8));
        var byName = new LinkedHashMap<String, JsonNode>();
        checks.forEach(c -> byName.put(c.get("check").asText(), c));
        assertThat(byName.get("runtime docker").get("ok").asBoolean()).isTrue();
        assertThat(byName.get("image " + IMAGE).get("ok").asBoolean()).isTrue();
        JsonNode missing = byName.get("image bosun-never-loaded:0");
        assertThat(missing.get("ok").asBoolean()).isFalse();
        assertThat(missing.get("detail").asText()).contains("not on this Docker host", "never pulls");
        assertThat(exit).as("a missing image fails doctor").isEqualTo(8);
        assertThat(Map.copyOf(byName)).containsKeys("runtime process", "runtime bwrap");
    }
}
