package dev.bosun.server.ui;

import dev.bosun.error.BosunException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard's files, read from the classpath folder {@code ui/} (they ship in the jar, so they
 * never change while the server runs: each is read once and kept with its strong ETag).
 *
 * <p>A path is a relative name such as {@code views/fleet.js}. Only names made of
 * {@code A-Z a-z 0-9 . _ -} segments joined by {@code /}, none of them empty or starting with a dot,
 * with an extension this class knows, are looked up at all: nothing can name a file outside
 * {@code ui/}, a directory, or a dotfile (D85).
 */
public final class UiAssets {
    /** One file as served: its bytes, media type and strong ETag (quoted, as the header carries it). */
    public record Asset(String path, byte[] body, String contentType, String etag) {
        /** Whether an {@code If-None-Match} header value names this asset's ETag (or is {@code *}). */
        public boolean matches(String ifNoneMatch) {
            if (ifNoneMatch == null) return false;
            for (String tag : ifNoneMatch.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) return true;
            }
            return false;
        }
    }

    /** The page every unknown sub-path of {@code /ui} falls back to. */
    public static final String INDEX = "index.html";

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "txt", "text/plain; charset=utf-8");

    private final String root;
    private final ClassLoader loader;
    /** Files found, by path. A miss is not kept: the names a client may ask for are unbounded. */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    /** Files under classpath folder {@code root} (e.g. {@code ui}), through {@code loader}. */
    public UiAssets(String root, ClassLoader loader) {
        this.root = root;
        this.loader = loader;
    }

    /** The dashboard as shipped: classpath {@code ui/}. */
    public static UiAssets shipped() {
        return new UiAssets("ui", UiAssets.class.getClassLoader());
    }

    /**
     * The asset at {@code path}, or empty when there is none.
     *
     * @throws BosunException {@code INVALID_ARGUMENT} naming {@code path} when the name is not one
     *                        this class looks up (a {@code ..}, an empty segment, a dotfile, a
     *                        character outside the allowed set)
     */
    public Optional<Asset> find(String path) {
        requireSafe(path);
        if (!TYPES.containsKey(extension(path))) return Optional.empty();
        Asset cached = cache.get(path);
        if (cached != null) return Optional.of(cached);
        Optional<Asset> loaded = load(path);
        loaded.ifPresent(a -> cache.putIfAbsent(path, a));
        return loaded;
    }

    /** How many files are kept in memory (for tests: misses never are). */
    int cached() {
        return cache.size();
    }

    /** Whether {@code path}'s last segment has an extension: a file name, not a page of the app. */
    public static boolean namesFile(String path) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.indexOf('.') > 0;
    }

    static void requireSafe(String path) {
        if (path.isEmpty() || path.length() > 512) {
            throw BosunException.invalid("path", "an asset path is 1 to 512 characters");
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw BosunException.invalid(
                        "path",
                        "an asset path is segments of A-Z a-z 0-9 . _ - joined by '/', "
                                + "none empty or starting with '.'");
            }
        }
    }

    private static String extension(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private Optional<Asset> load(String path) {
        try (InputStream in = loader.getResourceAsStream(root + "/" + path)) {
            if (in == null) return Optional.empty();
            byte[] body = in.readAllBytes();
            return Optional.of(new Asset(path, body, TYPES.get(extension(path)), etag(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard asset " + path, e);
        }
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\""
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 27) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
