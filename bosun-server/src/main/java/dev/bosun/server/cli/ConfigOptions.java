package dev.bosun.server.cli;

import dev.bosun.config.ConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every command that reads the server's configuration shares ({@code serve},
 * {@code doctor}), and the one way they become a {@link ConfigLoader}: defaults &lt; --config FILE &lt;
 * BOSUN_* environment &lt; these options.
 */
final class ConfigOptions {
    @Option(names = "--config", description = "A YAML config file (docs/CONFIG.md).")
    Path config;

    @Option(names = "--data-dir", description = "Where the database and workspaces live (default ./bosun-data).")
    Path dataDir;

    /** A loader with every layer applied; callers may still set keys of their own options. */
    ConfigLoader loader() {
        ConfigLoader loader = ConfigLoader.defaults();
        if (config != null) loader.file(config);
        loader.env(System.getenv());
        if (dataDir != null) loader.set("data_dir", dataDir);
        return loader;
    }
}
