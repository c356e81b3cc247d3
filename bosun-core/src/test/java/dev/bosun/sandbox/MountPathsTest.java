package dev.bosun.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mount sources on a real file system: only real, normalized directories under the data dir pass. */
class MountPathsTest {
    @TempDir
    Path tmp;

    private void refused(Path p, Path under, String rule) {
        assertThatThrownBy(() -> MountPaths.checkedSource(p, under, "workspaces/x/inbox"))
                .isInstanceOfSatisfying(BosunException.class, e -> {
                    assertThat(e.details()).containsEntry("rule", rule);
                    assertThat(e.getMessage()).doesNotContain(tmp.toString());
                });
    }

    @Test
    void aRealDirectoryUnderTheDataDirIsAccepted() throws Exception {
        Path data = Files.createDirectories(tmp.toRealPath().resolve("data/workspaces/s1/inbox"));
        assertThat(MountPaths.checkedSource(data, tmp.toRealPath().resolve("data"), "x"))
                .isEqualTo(data);
    }

    @Test
    void symlinksTraversalAndOptionCharactersAreRefused() throws Exception {
        Path real = tmp.toRealPath();
        Path data = Files.createDirectories(real.resolve("data/workspaces"));
        Path outside = Files.createDirectories(real.resolve("outside"));
        Path link = Files.createSymbolicLink(data.resolve("s1"), outside);
        refused(link, real.resolve("data"), "symlink");
        Files.createDirectories(outside.resolve("inbox"));
        refused(link.resolve("inbox"), real.resolve("data"), "symlink");
        refused(data.resolve("../../outside"), real.resolve("data"), "traversal");
        refused(
                Files.createDirectories(data.resolve("a,readonly=false")),
                real.resolve("data"),
                "mount_option_characters");
        refused(Files.createDirectories(data.resolve("a=b")), real.resolve("data"), "mount_option_characters");
        refused(Files.createDirectories(data.resolve("a:b")), real.resolve("data"), "mount_option_characters");
        refused(outside, real.resolve("data"), "outside_data_dir");
        refused(Path.of("relative/path"), real.resolve("data"), "not_absolute");
    }
}
