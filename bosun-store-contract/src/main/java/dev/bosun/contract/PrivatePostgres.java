package dev.bosun.contract;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, on a free loopback port, that the test may stop and start
 * (unlike the machine's shared one): initdb into a temp dir owned by {@code postgres}, {@code pg_ctl}
 * run as that user through {@code runuser} (PostgreSQL refuses to run as root, and tests run as root).
 * Host connections need the password ({@code scram-sha-256}), so tests can check it never leaks.
 * Use {@link #require()} first: without the binaries or root it skips (fails with {@code CI=true}).
 */
public final class PrivatePostgres implements AutoCloseable {
    private static final Path INSTALLS = Path.of("/usr/lib/postgresql");
    private static final Duration READY_LIMIT = Duration.ofSeconds(60);

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final int port;
    private final String password;

    private PrivatePostgres(Path bin, Path dir, int port, String password) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.port = port;
        this.password = password;
    }

    /** Skips the test, with the reason, unless a private PostgreSQL can be run here (fails with CI=true). */
    public static void require() {
        Services.require("a private PostgreSQL (initdb, pg_ctl as user postgres)", unavailable());
    }

    /** Why a private PostgreSQL cannot run here, or empty if it can. */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) return Optional.of("the tests do not run as root");
        if (binaries().isEmpty()) return Optional.of("no " + INSTALLS + "/<version>/bin/initdb");
        if (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            return Optional.of("no runuser");
        }
        try {
            if (run(List.of("id", "-u", "postgres")).exit() != 0) return Optional.of("no user postgres");
        } catch (IOException e) {
            return Optional.of("cannot run id: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The newest installed version's bin dir. */
    private static Optional<Path> binaries() {
        if (!Files.isDirectory(INSTALLS)) return Optional.empty();
        try (Stream<Path> versions = Files.list(INSTALLS)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static int versionOf(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Creates a cluster in a fresh temp dir and starts it; {@link #close()} stops it and deletes the dir. */
    public static PrivatePostgres start() throws IOException, InterruptedException {
        require();
        Path bin = binaries().orElseThrow();
        Path dir = Files.createTempDirectory("bosun-private-pg");
        var pg = new PrivatePostgres(
                bin, dir, freePort(), "pw-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12)));
        try {
            Path pwfile = dir.resolve("pwfile");
            Files.writeString(pwfile, pg.password + "\n", StandardCharsets.UTF_8);
            check(run(List.of("chown", "-R", "postgres:postgres", dir.toString())), "chown");
            check(
                    pg.asPostgres(
                            bin.resolve("initdb").toString(),
                            "-D",
                            pg.data.toString(),
                            "-U",
                            "postgres",
                            "--pwfile=" + pwfile,
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "-E",
                            "UTF8",
                            "--no-instructions"),
                    "initdb");
            Files.delete(pwfile);
            pg.startAgain();
            return pg;
        } catch (IOException | InterruptedException | RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    /** A connection string for {@code bosun}: {@code postgresql://postgres:<password>@127.0.0.1:<port>/postgres}. */
    public String url() {
        return "postgresql://postgres:" + password + "@127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    /** The superuser's password, for tests that check it appears in no answer and no log line. */
    public String password() {
        return password;
    }

    /** The cluster's directory, for tests that check no answer names it. */
    public Path dir() {
        return dir;
    }

    /** An outage: {@code pg_ctl stop -m immediate}, as a crash (no checkpoint, connections cut at once). */
    public void stopNow() throws IOException, InterruptedException {
        check(
                asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"),
                "pg_ctl stop");
    }

    /** Starts the (stopped) server and returns once it accepts connections. */
    public void startAgain() throws IOException, InterruptedException {
        String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1";
        check(
                asPostgres(
                        bin.resolve("pg_ctl").toString(),
                        "-D",
                        data.toString(),
                        "-o",
                        options,
                        "-l",
                        dir.resolve("server.log").toString(),
                        "-w",
                        "-t",
                        Long.toString(READY_LIMIT.toSeconds()),
                        "start"),
                "pg_ctl start");
        awaitReady();
    }

    /** pg_isready until it says the server accepts connections (pg_ctl -w checks the socket dir only). */
    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_LIMIT.toNanos();
        Outcome last;
        do {
            last = run(List.of(
                    bin.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1", "-p", Integer.toString(port)));
            if (last.exit() == 0) return;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException(
                "private PostgreSQL on port " + port + " not ready within " + READY_LIMIT + ": " + last.output());
    }

    private Outcome asPostgres(String... command) throws IOException {
        var cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        cmd.addAll(List.of(command));
        return run(cmd);
    }

    private record Outcome(int exit, String output) {}

    private static Outcome run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(READY_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.getFirst() + " did not finish within " + READY_LIMIT);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new Outcome(p.exitValue(), out);
    }

    private static void check(Outcome o, String what) {
        if (o.exit() != 0) throw new IllegalStateException(what + " failed (exit " + o.exit() + "): " + o.output());
    }

    private static int freePort() throws IOException {
        try (var s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            asPostgres(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop");
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
