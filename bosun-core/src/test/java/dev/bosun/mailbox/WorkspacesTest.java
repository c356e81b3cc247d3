package dev.bosun.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {
    @TempDir
    Path dataDir;

    @Test
    void createsTheLayoutWithOwnerOnlyDirectories() throws Exception {
        Workspace ws = Workspaces.create(dataDir, "sess_01");

        assertThat(ws.root()).isEqualTo(dataDir.resolve("workspaces/sess_01"));
        assertThat(ws.relative()).isEqualTo("workspaces/sess_01");
        for (Path dir : new Path[] {
            ws.root(),
            ws.inbox(),
            ws.outbox(),
            ws.logs(),
            ws.internal(),
            ws.internal().resolve("claimed"),
            ws.internal().resolve("rejected"),
            dataDir.resolve("workspaces")
        }) {
            assertThat(dir).isDirectory();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS)))
                    .as(dir.toString())
                    .isEqualTo("rwx------");
        }
    }

    @Test
    void reopeningAnExistingWorkspaceKeepsItsFilesAndTightensPermissions() throws Exception {
        Workspace ws = Workspaces.create(dataDir, "s1");
        Files.writeString(ws.outbox().resolve("a.json"), "{}");
        Files.setPosixFilePermissions(ws.inbox(), PosixFilePermissions.fromString("rwxrwxrwx"));

        Workspace again = Workspaces.create(dataDir, "s1");

        assertThat(again).isEqualTo(ws);
        assertThat(ws.outbox().resolve("a.json")).hasContent("{}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.inbox())))
                .isEqualTo("rwx------");
    }

    @Test
    void refusesUnsafeSessionIds() {
        for (String id : new String[] {"../escape", "a/b", "..", "", ".hidden", "a\u0000b"}) {
            assertThatThrownBy(() -> Workspaces.create(dataDir, id))
                    .as(id)
                    .isInstanceOfSatisfying(
                            BosunException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
        assertThat(dataDir.getParent().resolve("escape")).doesNotExist();
    }

    @Test
    void refusesASymlinkedWorkspacesDirectory(@TempDir Path elsewhere) throws Exception {
        Files.createSymbolicLink(dataDir.resolve("workspaces"), elsewhere);

        assertThatThrownBy(() -> Workspaces.create(dataDir, "s1")).isInstanceOfSatisfying(BosunException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).contains("workspaces is a symbolic link").doesNotContain(elsewhere.toString());
        });
        assertThat(elsewhere.resolve("s1")).doesNotExist();
    }

    @Test
    void refusesASymlinkedWorkspaceRoot(@TempDir Path elsewhere) throws Exception {
        Files.createDirectories(dataDir.resolve("workspaces"));
        Files.createSymbolicLink(dataDir.resolve("workspaces/s1"), elsewhere);

        assertThatThrownBy(() -> Workspaces.create(dataDir, "s1"))
                .isInstanceOf(BosunException.class)
                .hasMessageContaining("workspaces/s1 is a symbolic link");
        assertThat(elsewhere.resolve("inbox")).doesNotExist();
    }

    @Test
    void refusesASymlinkedMailboxDirectory(@TempDir Path elsewhere) throws Exception {
        Workspace ws = Workspaces.create(dataDir, "s1");
        Files.delete(ws.inbox());
        Files.createSymbolicLink(ws.inbox(), elsewhere);

        assertThatThrownBy(() -> Workspaces.create(dataDir, "s1"))
                .isInstanceOf(BosunException.class)
                .hasMessageContaining("workspaces/s1/inbox is a symbolic link");
    }

    @Test
    void refusesAFileWhereADirectoryBelongs() throws Exception {
        Files.createDirectories(dataDir.resolve("workspaces"));
        Files.writeString(dataDir.resolve("workspaces/s1"), "x");

        assertThatThrownBy(() -> Workspaces.create(dataDir, "s1"))
                .isInstanceOf(BosunException.class)
                .hasMessageContaining("not a directory");
    }

    @Test
    void acceptsADataDirReachedThroughASymlink(@TempDir Path real) throws Exception {
        Path link = dataDir.resolve("data-link");
        Files.createSymbolicLink(link, real);

        Workspace ws = Workspaces.create(link, "s1");

        assertThat(real.resolve("workspaces/s1/inbox")).isDirectory();
        assertThat(ws.inbox()).isDirectory();
    }

    @Test
    void removeDeletesTheTreeButNotWhatLinksPointTo(@TempDir Path outside) throws Exception {
        Path precious = Files.writeString(outside.resolve("precious.txt"), "keep me");
        Path preciousDir = Files.createDirectories(outside.resolve("dir"));
        Files.writeString(preciousDir.resolve("inner.txt"), "keep me too");
        Workspace ws = Workspaces.create(dataDir, "s1");
        Files.writeString(ws.inbox().resolve("00000000000000000001.json"), "{}");
        Files.createDirectories(ws.root().resolve("scratch/deep"));
        Files.writeString(ws.root().resolve("scratch/deep/f"), "x");
        Files.createSymbolicLink(ws.outbox().resolve("link-to-file.json"), precious);
        Files.createSymbolicLink(ws.root().resolve("scratch/link-to-dir"), preciousDir);
        Files.createSymbolicLink(ws.logs().resolve("link-to-outside-root"), outside);

        Workspaces.remove(ws);

        assertThat(ws.root()).doesNotExist();
        assertThat(dataDir.resolve("workspaces")).isDirectory();
        assertThat(precious).hasContent("keep me");
        assertThat(preciousDir.resolve("inner.txt")).hasContent("keep me too");
    }

    @Test
    void removeOfASymlinkedRootRemovesOnlyTheLink(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("precious.txt"), "keep me");
        Files.createDirectories(dataDir.resolve("workspaces"));
        Files.createSymbolicLink(dataDir.resolve("workspaces/s1"), outside);

        Workspaces.remove(Workspace.at(dataDir, "s1"));

        assertThat(dataDir.resolve("workspaces/s1")).doesNotExist();
        assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    }

    @Test
    void removeToleratesAMissingWorkspace() throws Exception {
        Workspace ws = Workspaces.create(dataDir, "s1");
        Workspaces.remove(ws);

        Workspaces.remove(ws);
        Workspaces.remove(Workspace.at(dataDir, "never-created"));

        assertThat(ws.root()).doesNotExist();
    }

    @Test
    void removeRefusesSomethingThatIsNotAWorkspace() {
        Workspace bogus = new Workspace(dataDir, "x", dataDir, dataDir, dataDir, dataDir);

        assertThatThrownBy(() -> Workspaces.remove(bogus)).isInstanceOf(IllegalArgumentException.class);
        assertThat(dataDir).isDirectory();
    }
}
