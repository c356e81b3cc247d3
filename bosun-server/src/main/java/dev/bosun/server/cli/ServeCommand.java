package dev.bosun.server.cli;

import dev.bosun.SessionManager;
import dev.bosun.config.BosunConfig;
import dev.bosun.config.ConfigLoader;
import dev.bosun.config.Profile;
import dev.bosun.server.BosunServer;
import dev.bosun.server.Stores;
import dev.bosun.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bosun serve}: the server on SQLite or a shared PostgreSQL ({@code store_url}), with every config key also settable as BOSUN_* env. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Run the Bosun server.",
            "",
            "Configuration: defaults < --config FILE < BOSUN_* environment < these options (docs/CONFIG.md).",
            "With no profiles configured, an 'echo' profile running the bundled example worker is added."
        },
        footer = {
            "",
            "Examples:",
            "  bosun serve",
            "  bosun serve --config /etc/bosun.yaml --data-dir /var/lib/bosun",
            "  BOSUN_API_KEYS=\"team-a:5e88...\" bosun serve --host 0.0.0.0 --port 7700"
        })
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--host", description = "Address to bind (default 127.0.0.1; non-loopback needs api_keys).")
    String host;

    @Option(names = "--port", description = "Port to listen on (default 7700; 0 = any free port).")
    Integer port;

    @Mixin
    ConfigOptions configOptions;

    @Override
    public Integer call() throws Exception {
        ConfigLoader loader = configOptions.loader();
        if (host != null) loader.set("host", host);
        if (port != null) loader.set("port", port);
        BosunConfig cfg = loader.load();
        dev.bosun.server.logging.Logging.configure(cfg.server().ops());
        dev.bosun.server.logging.Logging.warnClamped(loader.clamped());
        // Traces only when the OTEL_* variables ask for them (docs/OPERATIONS.md, Traces).
        dev.bosun.server.tracing.Telemetry.start(System.getenv());
        if (cfg.profiles().isEmpty()) {
            Path worker = installEchoWorker(cfg.dataDir());
            cfg = loader.set(
                            "profiles",
                            Map.of(
                                    "echo",
                                    new Profile(
                                            "echo",
                                            "process",
                                            List.of("sh", worker.toString()),
                                            Map.of(),
                                            false,
                                            cfg.startupTimeout(),
                                            Duration.ofSeconds(5),
                                            Profile.Limits.NONE)))
                    .load();
        }
        Store store = Stores.open(cfg);
        SessionManager manager;
        BosunServer server;
        var runtimes = dev.bosun.server.Runtimes.isolating(cfg);
        try {
            var builder = SessionManager.builder(cfg).store(store);
            runtimes.forEach(builder::sandbox);
            manager = builder.build();
        } catch (RuntimeException e) {
            runtimes.forEach(dev.bosun.sandbox.Sandbox::close);
            store.close();
            throw e;
        }
        try {
            server = BosunServer.start(cfg, manager);
        } catch (RuntimeException e) {
            manager.close();
            store.close();
            throw e;
        }
        Duration grace = cfg.server().ops().shutdownGrace();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.drain(grace); // requests and streams first, then the consumers
                            manager.close();
                            runtimes.forEach(dev.bosun.sandbox.Sandbox::close);
                            store.close();
                        },
                        "bosun-shutdown"));
        var out = System.out;
        out.println("Bosun listening on " + server.url() + " (" + Stores.describe(cfg) + ")");
        out.println(
                server.authEnabled()
                        ? "API keys required (" + cfg.server().apiKeys().size() + " configured)"
                        : "No API keys configured: loopback only, every request is tenant 'default'");
        out.println("Dashboard: " + server.url() + "/ui/" + (server.authEnabled() ? " (sign in with an API key)" : ""));
        out.println("Profiles: "
                + String.join(", ", cfg.profiles().keySet().stream().sorted().toList()));
        out.println("Try:");
        // With keys on, the line carries the header it needs (the key itself is never printed).
        out.println("  curl -s -X POST " + server.url() + "/v1/sessions -H 'content-type: application/json' "
                + (server.authEnabled() ? "-H \"Authorization: Bearer $BOSUN_API_KEY\" " : "")
                + "-d '{\"name\":\"hello\",\"agent_id\":\"me\",\"profile\":\""
                + cfg.profiles().keySet().stream().sorted().findFirst().orElse("echo") + "\"}'");
        out.flush();
        server.join();
        return 0;
    }

    /** The example worker ships in the jar; it is written to the data dir so that `serve` needs no checkout. */
    static Path installEchoWorker(Path dataDir) throws IOException {
        Path bin = dataDir.resolve("bin");
        Files.createDirectories(bin);
        Path target = bin.resolve("echo-worker.sh");
        try (InputStream in = ServeCommand.class.getResourceAsStream("/bosun/echo-worker.sh")) {
            if (in == null) throw new IllegalStateException("the bundled echo worker is missing from the jar");
            Path tmp = bin.resolve("echo-worker.sh.tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return target;
    }
}
