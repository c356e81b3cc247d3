package dev.bosun.mailbox;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.id.Ids;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Creates and removes session workspaces ({@link Workspace}) under {@code <data_dir>/workspaces/}.
 *
 * <p>Workspaces are written by workers, which Bosun does not trust, and removed by Bosun with its own
 * rights, so both operations refuse to be steered outside the workspaces directory: creation refuses
 * symbolic links on the way to the workspace, and removal never follows a link it finds inside.
 */
public final class Workspaces {
    /** Owner-only: other local users must not read messages or plant files in a worker's mailbox. */
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    /** Where {@link OutboxClaims} keeps claimed outbox files, inside {@link Workspace#internal()}. */
    static final String CLAIMED = "claimed";
    /** Where {@link OutboxClaims} moves outbox files that could not be ingested. */
    static final String REJECTED = "rejected";

    private Workspaces() {}

    /**
     * Creates (or re-opens, after a restart) the workspace of {@code sessionId} with owner-only
     * directories. Throws INVALID_ARGUMENT for an unsafe id and INTERNAL when the workspace path is
     * or passes through a symbolic link or otherwise resolves outside {@code <dataDir>/workspaces}.
     */
    public static Workspace create(Path dataDir, String sessionId) throws IOException {
        Ids.requireSafe("session_id", sessionId);
        Workspace ws = Workspace.at(dataDir, sessionId);
        Path workspaces = ws.root().getParent();

        Files.createDirectories(dataDir);
        ensureDirectory(workspaces, "workspaces", sessionId);
        ensureDirectory(ws.root(), ws.relative(), sessionId);
        // The id rule already excludes '/' and "..", but check the resolved result anyway: this is
        // the last line of defence before Bosun writes into and later deletes this tree.
        Path realWorkspaces = workspaces.toRealPath();
        Path realRoot = ws.root().toRealPath();
        if (!realRoot.startsWith(realWorkspaces) || !realWorkspaces.equals(realRoot.getParent())) {
            throw refused(ws.relative() + " resolves outside the workspaces directory", ws.relative(), sessionId);
        }
        for (Path dir : new Path[] {
            ws.inbox(),
            ws.outbox(),
            ws.logs(),
            ws.internal(),
            ws.internal().resolve(CLAIMED),
            ws.internal().resolve(REJECTED)
        }) {
            ensureDirectory(dir, ws.relative() + "/" + ws.root().relativize(dir), sessionId);
        }
        return ws;
    }

    /**
     * Deletes the workspace tree, tolerating parts (or all of it) already being gone. Symbolic
     * links inside are deleted as links: their targets are never touched. Stop the worker first;
     * a worker still writing can make a directory non-empty again.
     */
    public static void remove(Workspace ws) throws IOException {
        // Guard against a hand-built Workspace pointing at an arbitrary directory.
        Path name = ws.root().getFileName();
        Path parent = ws.root().getParent();
        if (name == null
                || !Ids.isSafe(name.toString())
                || parent == null
                || parent.getFileName() == null
                || !parent.getFileName().toString().equals("workspaces")) {
            throw new IllegalArgumentException("not a workspace root: " + ws.relative());
        }
        try {
            // walkFileTree does not follow links unless asked to: a link is visited as a file and
            // deleting it removes the link itself.
            Files.walkFileTree(ws.root(), new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) throw e;
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException e) {
            // already gone
        } catch (DirectoryNotEmptyException e) {
            throw new IOException("workspace " + ws.relative() + " changed while it was being removed", e);
        }
    }

    /**
     * Creates {@code dir} owner-only, or accepts an existing real directory (tightening its
     * permissions); refuses a symbolic link or any other kind of file.
     */
    private static void ensureDirectory(Path dir, String shown, String sessionId) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            throw refused(shown + " is a symbolic link; refusing to use it as a workspace directory", shown, sessionId);
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (Files.isSymbolicLink(dir)) { // created concurrently
                throw refused(
                        shown + " is a symbolic link; refusing to use it as a workspace directory", shown, sessionId);
            }
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw refused(shown + " exists and is not a directory", shown, sessionId);
            }
        }
        restrict(dir);
    }

    /** Sets owner-only permissions explicitly, since permissions given at creation are cut by the umask. */
    static void restrict(Path dir) throws IOException {
        PosixFileAttributeView view =
                Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view != null) view.setPermissions(OWNER_ONLY);
    }

    private static BosunException refused(String message, String shown, String sessionId) {
        return new BosunException(ErrorCode.INTERNAL, message, Map.of("path", shown, "session_id", sessionId));
    }
}
