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
     * Returns {@code path} once it is a real directory under {@code under}, with no symbolic link,
     * {@code ..}, {@code ,}, {@code =}, {@code :} or control character anywhere in it.
     *
     * @param shown how to name the path in an error (e.g. {@code workspaces/s_123/inbox})
     */
    public static Path checkedSource(Path path, Path under, String shown) {
        String text = path.toString();
        if (!path.isAbsolute()) throw refused(shown, "not_absolute", shown + " is not an absolute path");
        for (Path part : path) {
            if (part.toString().equals("..") || part.toString().equals(".")) {
                throw refused(shown, "traversal", shown + " contains '" + part + "'; mount sources must be normalized");
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' || c == '=' || c == ':' || Character.isISOControl(c)) {
                throw refused(shown, "mount_option_characters", "the path of " + shown + " contains "
                        + (Character.isISOControl(c) ? "a control character" : "'" + c + "'")
                        + ", which could inject mount options; move the data dir to a path without ',', '=' or ':'");
            }
        }
        try {
            if (Files.isSymbolicLink(path)) throw refused(shown, "symlink", shown + " is a symbolic link");
            if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                throw refused(shown, "not_directory", shown + " is not a directory");
            }
            Path real = path.toRealPath();
            if (!real.equals(path)) {
                throw refused(shown, "symlink", shown + " passes through a symbolic link; mount sources must be real paths");
            }
            Path realUnder = under.toRealPath();
            if (!real.startsWith(realUnder)) {
                throw refused(shown, "outside_data_dir", shown + " is outside the data dir");
            }
            return real;
        } catch (IOException e) {
            throw new BosunException(ErrorCode.INTERNAL, shown + " cannot be resolved", Map.of("path", shown, "rule", "unresolvable"), e);
        }
    }

    private static BosunException refused(String shown, String rule, String message) {
        return new BosunException(ErrorCode.INTERNAL, "refusing to mount " + message, Map.of("path", shown, "rule", rule));
    }
}
