package dev.bosun.server;

import dev.bosun.client.BosunClient;
import dev.bosun.contract.Fixtures;
import dev.bosun.contract.Services;
import dev.bosun.server.cli.Main;
import dev.bosun.store.postgres.PgSchemas;
import dev.bosun.store.postgres.PgUrl;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bosun nodes as separate {@code bosun serve} processes on loopback ports, sharing one fresh
 * PostgreSQL schema; each with its own node id and data dir, as on separate machines. Closing kills
 * every node and every worker they started, and drops the schema. {@link #sqlite} makes the
 * single-node form on SQLite, for crash tests that restart one node on its own data dir.
 */
public final class NodeCluster implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("Bosun listening on (http://\\S+) ");
    // Only a bound for a node that never starts: on a 2-core machine shared with other builds (load
    // 35) a node's JVM got 2.5 s of CPU in its first 57 s and missed a 60 s limit while healthy.
    private static final Duration START_LIMIT = Duration.ofSeconds(180);

    /** One node: its process, its URL, a client for it. */
    public record Node(String id, Process process, URI url, BosunClient client, Path log) {}

    private final PgUrl url; // null on SQLite
    private final Path dir;
    private final Duration leaseTtl;
    private final List<Node> nodes = new ArrayList<>();
    private final List<ProcessHandle> workers = new ArrayList<>();
    private final Map<String, String> extraEnv = new java.util.HashMap<>();

    /** Nodes on a fresh schema of the test database ({@link PgSchemas#testUrl()}); skips without it. */
    public NodeCluster(Path dir, Duration leaseTtl) {
        this(dir, leaseTtl, requireReachable(PgSchemas.testUrl()));
    }

    /** Nodes on a fresh schema of {@code base}'s database. */
    public NodeCluster(Path dir, Duration leaseTtl, PgUrl base) {
        this.url = base.withSchema(PgSchemas.fresh("bosun_n"));
        this.dir = dir;
        this.leaseTtl = leaseTtl;
    }

    private NodeCluster(Path dir) {
        this.url = null;
        this.dir = dir;
        this.leaseTtl = Duration.ofSeconds(10);
    }

    /** Nodes on SQLite, each in its own data dir (so a node restarted with the same id reopens its data). */
    public static NodeCluster sqlite(Path dir) {
        return new NodeCluster(dir);
    }

    private static PgUrl requireReachable(PgUrl base) {
        Services.require("PostgreSQL at " + base, PgSchemas.unreachable(base));
        return base;
    }

    public PgUrl url() {
        if (url == null) throw new IllegalStateException("this cluster runs on SQLite");
        return url;
    }

    /** Sets a config key for the nodes started from now on, as its BOSUN_* variable. */
    public NodeCluster env(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    /** Starts the nodes at once (so they race to migrate a fresh schema) and waits until each listens. */
    public List<Node> start(String... ids) throws Exception {
        var procs = new ArrayList<Process>();
        for (String id : ids) procs.add(launch(id));
        var started = new ArrayList<Node>();
        for (int i = 0; i < ids.length; i++) started.add(await(ids[i], procs.get(i)));
        nodes.addAll(started);
        return started;
    }

    private Process launch(String id) throws Exception {
        Path data = Files.createDirectories(dir.resolve(id));
        Path log = data.resolve("serve.log");
        var cmd = List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--port",
                "0");
        var pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        if (url != null) pb.environment().put("BOSUN_STORE_URL", url.connectionString());
        pb.environment()
                .putAll(Map.of(
                        "BOSUN_NODE_ID",
                        id,
                        "BOSUN_DATA_DIR",
                        data.toString(),
                        "BOSUN_NODE_LEASE_TTL",
                        leaseTtl.toMillis() + "ms",
                        "BOSUN_OUTBOX_RESCAN",
                        "200ms",
                        "BOSUN_PROFILES",
                        "{\"echo\":{\"command\":[\"sh\",\"" + Fixtures.echoWorker() + "\"]}}"));
        pb.environment().putAll(extraEnv);
        return pb.start();
    }

    private Node await(String id, Process p) throws Exception {
        Path log = dir.resolve(id).resolve("serve.log");
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                URI u = URI.create(m.group(1));
                return new Node(
                        id,
                        p,
                        u,
                        BosunClient.builder(u)
                                .timeout(Duration.ofSeconds(30))
                                .retries(0)
                                .build(),
                        log);
            }
            if (!p.isAlive())
                throw new AssertionError("node " + id + " exited " + p.exitValue() + ":\n" + Files.readString(log));
            Thread.sleep(50);
        }
        throw new AssertionError("node " + id + " did not start within " + START_LIMIT + ":\n" + Files.readString(log));
    }

    /** SIGKILL: no shutdown hook, no last heartbeat; its workers are orphaned (and killed when the cluster closes). */
    public void kill(Node n) throws InterruptedException {
        workers.addAll(n.process().descendants().toList());
        n.process().destroyForcibly();
        n.process().waitFor();
    }

    /** Starts a killed node again with its id and data dir (a new process, on a new port). */
    public Node restart(Node dead) throws Exception {
        if (dead.process().isAlive()) throw new IllegalStateException("node " + dead.id() + " still runs");
        Node n = await(dead.id(), launch(dead.id()));
        nodes.add(n);
        return n;
    }

    @Override
    public void close() throws Exception {
        for (Node n : nodes) {
            workers.addAll(n.process().descendants().toList());
            n.client().close();
            n.process().destroyForcibly();
            n.process().waitFor();
        }
        workers.forEach(ProcessHandle::destroyForcibly);
        if (url != null) PgSchemas.drop(url);
    }
}
