package dev.bosun.sandbox;

import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks a host path before it becomes the source of a bind mount. Mount options are strings: a
 * ',' or '=' in a source can smuggle options into {@code --mount} syntax, ':' splits
 * {@code -v src:dst}, and a symbolic link or '..' can point the mount at something else between
 * the check and the mount. So the path must already be its own real path (no links, no '..',
 * nothing relative) and must lie under the directory it belongs to.
 *
 * <p>Errors are INTERNAL (the operator's setup, not the caller's request) with detail
 * {@code rule}, and name the path only relative to {@code under}.
 */
public final class MountPaths {
    private MountPaths() {}

    /**
     * Returns the resolved {@code path} (the data dir's real path plus the rest) once it is a directory
     * under {@code under} with no symbolic link below {@code under}, and no {@code ..}, {@code ,},
     * {@code =}, {@code :} or control character anywhere in it. The returned path is the one to mount.
     *
     * @param shown how to name the path in an error (e.g. {@code workspaces/s_123/inbox})
     */
    public static Path checkedSource(Path path, Path under, String shown) {
        if (!path.isAbsolute()) throw refused(shown, "not_absolute", shown + " is not an absolute path");
        for (Path part : path) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw refused(shown, "traversal", shown + " contains '" + part + "'; mount sources must be normalized");
            }
        }
        Path base = under.toAbsolutePath().normalize();
        if (!path.startsWith(base)) throw refused(shown, "outside_data_dir", shown + " is outside the data dir");
        try {
            // The operator's data dir may itself sit behind a link (/var/lib -> /data); it is resolved
            // once. Below it, in the part workers can influence, no link is followed.
            Path candidate = base.toRealPath().resolve(base.relativize(path));
            String text = candidate.toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == ',' || c == '=' || c == ':' || Character.isISOControl(c)) {
                    throw refused(
                            shown,
                            "mount_option_characters",
                            "the path of " + shown + " contains "
                                    + (Character.isISOControl(c) ? "a control character" : "'" + c + "'")
                                    + ", which could inject mount options; move the data dir to a path without ',', '=' or ':'");
                }
            }
            if (Files.isSymbolicLink(candidate)) throw refused(shown, "symlink", shown + " is a symbolic link");
            if (!Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
                throw refused(shown, "not_directory", shown + " is not a directory");
            }
            if (!candidate.toRealPath().equals(candidate)) {
                throw refused(
                        shown, "symlink", shown + " passes through a symbolic link; mount sources must be real paths");
            }
            return candidate;
        } catch (IOException e) {
            throw new BosunException(
                    ErrorCode.INTERNAL,
                    "refusing to mount " + shown + ": it cannot be resolved",
                    Map.of("path", shown, "rule", "unresolvable"),
                    e);
        }
    }

    private static BosunException refused(String shown, String rule, String message) {
        return new BosunException(
                ErrorCode.INTERNAL, "refusing to mount " + message, Map.of("path", shown, "rule", rule));
    }
}
