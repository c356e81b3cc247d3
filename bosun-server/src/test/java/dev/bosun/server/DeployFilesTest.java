package dev.bosun.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bosun.contract.Services;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
        Services.require("systemd-analyze", Files.isExecutable(analyze) ? Optional.empty()
                : Optional.of("no /usr/bin/systemd-analyze (Debian's systemd package)"));
        String unit = Files.readString(ROOT.resolve("deploy/systemd/bosun.service"));
        String jdk = "/usr/lib/jvm/java-21/bin/java";
        assertThat(unit).contains("ExecStart=" + jdk + " ").contains("NoNewPrivileges=true")
                .contains("ProtectSystem=strict").contains("KillMode=process");
        // verify insists that ExecStart's binary exists: point it at a stand-in, check everything else as written.
        Path java = Files.writeString(scratch.resolve("java"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = Files.writeString(scratch.resolve("bosun.service"), unit.replace(jdk, java.toString()));
        Process p = new ProcessBuilder(List.of(analyze.toString(), "verify", copy.toString()))
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as("systemd-analyze verify says nothing about a clean unit").isBlank();
    }
}
