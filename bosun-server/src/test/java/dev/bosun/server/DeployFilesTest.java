package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bosun.contract.Services;
import dev.bosun.json.Json;
import dev.bosun.server.cli.Main;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files under deploy/ are checked by the tools that will read them. */
class DeployFilesTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path scratch;

    @Test
    void theSystemdUnitVerifies() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Services.require(
                "systemd-analyze",
                Files.isExecutable(analyze)
                        ? Optional.empty()
                        : Optional.of("no /usr/bin/systemd-analyze (Debian's systemd package)"));
        String unit = Files.readString(ROOT.resolve("deploy/systemd/bosun.service"));
        String jdk = "/usr/lib/jvm/java-21/bin/java";
        assertThat(unit)
                .contains("ExecStart=" + jdk + " ")
                .contains("NoNewPrivileges=true")
                .contains("ProtectSystem=strict")
                .contains("KillMode=process");
        // verify insists that ExecStart's binary exists: point it at a stand-in, check everything else as written.
        Path java = Files.writeString(scratch.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = Files.writeString(scratch.resolve("bosun.service"), unit.replace(jdk, java.toString()));
        String out = run(60, analyze.toString(), "verify", copy.toString());
        assertThat(out)
                .as("systemd-analyze verify says nothing about a clean unit")
                .isBlank();
    }

    /**
     * deploy/docker/Dockerfile, built from a base made by {@code docker import} (no registry), runs the
     * server as an unprivileged user on a read-only root: its HEALTHCHECK turns healthy, a session
     * with a worker starts, and {@code docker stop} drains it. The image gets this build's classes as
     * {@code app/bosun.jar} naming its dependencies in {@code app/lib/} (the shaded jar is only made
     * after the tests).
     */
    @Test
    void theContainerImageBuildsWithoutARegistryAndServesAsANonRootUserOnAReadOnlyRoot() throws Exception {
        Services.require("Docker", dockerUnavailable());
        Path context = scratch.resolve("context");
        writeApp(context.resolve("app"));
        run(600, "bash", ROOT.resolve("deploy/docker/make-base.sh").toString(), System.getProperty("java.home"), BASE);
        String tag = "bosun-test-image:" + UUID.randomUUID().toString().substring(0, 8);
        run(
                900,
                DOCKER,
                "build",
                "-q",
                "-f",
                ROOT.resolve("deploy/docker/Dockerfile").toString(),
                "--build-arg",
                "BASE=" + BASE,
                "-t",
                tag,
                context.toString());
        try {
            String key = "bsn_" + UUID.randomUUID().toString().replace("-", "");
            String hash = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
            String id = run(
                            60,
                            DOCKER,
                            "run",
                            "-d",
                            "--read-only",
                            "--tmpfs",
                            "/tmp",
                            "--health-interval",
                            "1s",
                            "-e",
                            "BOSUN_API_KEYS=ops:" + hash,
                            tag)
                    .strip();
            try {
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> inspect(id, "{{.State.Health.Status}}").equals("healthy"));
                assertThat(inspect(id, "{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
                assertThat(run(30, DOCKER, "exec", id, "id", "-u").strip())
                        .as("not root")
                        .isEqualTo("10001");
                URI base = URI.create(
                        "http://" + inspect(id, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}") + ":7700");
                var http = HttpClient.newHttpClient();
                HttpResponse<String> created = http.send(
                        HttpRequest.newBuilder(base.resolve("/v1/sessions"))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"name\":\"boxed\",\"agent_id\":\"a\",\"profile\":\"echo\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                assertThat(Json.parseTrusted(created.body()).get("status").asText())
                        .as("its worker started")
                        .isEqualTo("running");

                run(120, DOCKER, "stop", "-t", "60", id);
                assertThat(inspect(id, "{{.State.ExitCode}}"))
                        .as("128 + SIGTERM, after the drain")
                        .isEqualTo("143");
                assertThat(run(30, DOCKER, "logs", id)).contains("drained in");
            } finally {
                run(60, DOCKER, "rm", "-f", id);
            }
        } finally {
            run(120, DOCKER, "rmi", "-f", tag);
        }
    }

    private static final String DOCKER = Files.isExecutable(Path.of("/usr/bin/docker")) ? "/usr/bin/docker" : "docker";
    /** The base image deploy/docker/make-base.sh makes from this JVM's JDK; reused while it exists. */
    private static final String BASE = "bosun-base:local";

    private static Optional<String> dockerUnavailable() {
        try {
            Process p = new ProcessBuilder(DOCKER, "version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0
                    ? Optional.empty()
                    : Optional.of("`docker version` failed; scripts/sandbox-env.sh starts dockerd: " + out.strip());
        } catch (Exception e) {
            return Optional.of("no docker client: " + e.getMessage());
        }
    }

    private static String inspect(String id, String format) throws Exception {
        return run(30, DOCKER, "inspect", "-f", format, id).strip();
    }

    /** This test run's classes and dependencies as app/bosun.jar, which names them in app/lib/ in its Class-Path. */
    private static void writeApp(Path app) throws Exception {
        Path lib = Files.createDirectories(app.resolve("lib"));
        var names = new ArrayList<String>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (entry.isBlank() || p.endsWith("test-classes") || !Files.exists(p)) continue;
            String name = String.format(
                    "%03d-%s",
                    n++,
                    Files.isDirectory(p)
                            ? p.getParent().getParent().getFileName() + ".jar"
                            : p.getFileName().toString());
            if (Files.isDirectory(p)) jar(p, lib.resolve(name), new Manifest());
            else Files.copy(p, lib.resolve(name));
            names.add("lib/" + name);
        }
        var manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", names));
        jar(null, app.resolve("bosun.jar"), manifest);
    }

    private static void jar(Path dir, Path target, Manifest manifest) throws IOException {
        try (var out = new JarOutputStream(Files.newOutputStream(target), manifest)) {
            if (dir == null) return;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
    }

    /** Runs a command to its end within {@code seconds}; fails the test on a non-zero exit, with its output. */
    private static String run(int seconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        var out = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the process's output ended with it
            }
        });
        boolean ended = p.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        reader.join();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(ended)
                .as("%s ended within %d s: %s", command[0], seconds, text)
                .isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), text).isZero();
        return text;
    }
}
