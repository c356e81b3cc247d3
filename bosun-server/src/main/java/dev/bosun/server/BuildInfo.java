package dev.bosun.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version this build of Bosun carries, as Maven stamped it into {@code build.properties}.
 *
 * <p>Read from a filtered resource rather than the jar manifest so that it is the same whether Bosun
 * runs from the shaded jar, from {@code target/classes} in tests, or embedded in another program.
 *
 * <pre>{@code
 * String v = BuildInfo.version(); // "0.1.0-SNAPSHOT"
 * }</pre>
 */
public final class BuildInfo {
    private static final String VERSION = load();

    private BuildInfo() {}

    /** The project version, such as {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}. */
    public static String version() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties")) {
            if (in == null) throw new IllegalStateException("build.properties is missing from the build");
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "");
            // An unfiltered resource (an IDE build that skipped Maven's filtering) still says something true.
            return v.isBlank() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
