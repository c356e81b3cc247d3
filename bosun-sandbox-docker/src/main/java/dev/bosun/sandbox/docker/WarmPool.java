package dev.bosun.sandbox.docker;

import dev.bosun.config.Profile;
import dev.bosun.mailbox.Workspace;
import dev.bosun.sandbox.MountPaths;
import dev.bosun.sandbox.SandboxDefaults;
import dev.bosun.sandbox.Worker;
import dev.bosun.sandbox.WorkerRef;
import dev.bosun.sandbox.WorkerSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-started containers per profile, so that a session's worker is claimed, not started.
 *
 * <p>A warm container is created exactly as a session's would be (same image, limits, network,
 * mounts), except that its mailbox lives in {@code <data_dir>/warm/<id>/} and its command waits behind
 * a small shell shim: it blocks reading a FIFO in its inbox. A claim, done only for a session whose
 * effective profile equals the pool's, (1) moves the warm inbox and outbox directories into the
 * session's workspace (a rename keeps the inode, so the container's bind mounts follow), (2) records
 * which session claimed it ({@code <data_dir>/warm/<id>/session}, read by reconciliation, as container
 * labels cannot change), and (3) writes the session's environment into the FIFO; the shim exports it,
 * removes the FIFO and execs the profile's command. A claim costs two renames and a pipe write.
 *
 * <p>Warm pools need {@code /bin/sh} in the image. Unclaimed containers carry {@code bosun.warm} and a
 * {@code bosun.session} of their own, so after a restart reconciliation removes them and the new
 * pool starts fresh ones.
 */
final class WarmPool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
    static final String CLAIM_FIFO = ".bosun-claim";
    // Reads NAME='value' lines (values single-quoted by Bosun, validated to hold no control characters).
    private static final String SHIM = "f=/workspace/inbox/" + CLAIM_FIFO
            + "; while IFS= read -r l; do eval \"export $l\"; done < \"$f\"; rm -f \"$f\"; exec \"$@\"";

    private final DockerSandbox docker;
    private final Map<String, Slots> pools = new ConcurrentHashMap<>();
    private final Map<String, Warm> ready = new ConcurrentHashMap<>();
    private volatile Path warmDir;
    private volatile String node;
    private volatile boolean closed;

    private record Warm(String id, String containerId, Path dir, Profile profile) {}

    private static final class Slots {
        final Profile profile;
        final ConcurrentLinkedDeque<Warm> ready = new ConcurrentLinkedDeque<>();
        final AtomicInteger starting = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();

        Slots(Profile profile) {
            this.profile = profile;
        }
    }

    WarmPool(DockerSandbox docker) {
        this.docker = docker;
    }

    void configure(List<Profile> profiles, Path dataDir, String nodeId) {
        this.node = nodeId;
        try {
            this.warmDir = ownerOnly(dataDir.resolve("warm"));
        } catch (IOException e) {
            log.warn("cannot create the warm pool directory; warm pools are off", e);
            return;
        }
        for (Profile p : profiles) {
            if (!p.runtime().equals(DockerSandbox.RUNTIME) || p.isolation().warmPool() <= 0) continue;
            Profile filled = p.with(SandboxDefaults.fill(p.limits()), p.isolation(), p.env());
            pools.put(p.name(), new Slots(filled));
            refill(p.name());
        }
    }

    /** Warm ids of this pool's unclaimed containers, including those still starting. */
    private final java.util.Set<String> unclaimed = ConcurrentHashMap.newKeySet();

    /** Whether warm container {@code warmId} is an unclaimed container of this pool (ready or starting). */
    boolean holds(String warmId) {
        return unclaimed.contains(warmId);
    }

    /** How many started containers wait to be claimed (not those still starting): what a claim can take now. */
    int readyCount() {
        return ready.size();
    }

    /** The session named by a claim record, if the record exists. */
    static Optional<String> readClaim(Path record) {
        try {
            String session = Files.readString(record).strip();
            return dev.bosun.id.Ids.isSafe(session) ? Optional.of(session) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A ready container for this spec, claimed and running its command; empty for a cold start. */
    Optional<Worker> claim(WorkerSpec spec) {
        Slots slots = pools.get(spec.profile().name());
        if (slots == null || !slots.profile.equals(spec.profile())) return Optional.empty();
        Warm w;
        while ((w = slots.ready.poll()) != null) {
            ready.remove(w.id());
            refill(spec.profile().name());
            try {
                return Optional.of(hand(w, spec));
            } catch (IOException | RuntimeException e) {
                unclaimed.remove(w.id());
                log.warn("claiming warm container {} failed; starting a fresh one", w.containerId(), e);
                docker.removeQuietly(w.containerId());
                deleteTree(w.dir());
            }
        }
        return Optional.empty();
    }

    private Worker hand(Warm w, WorkerSpec spec) throws IOException {
        // The claim record first, and only then is the container no longer the pool's: in between,
        // reconciliation would list it under its warm label, a session nobody knows, and stop it.
        Files.writeString(w.dir().resolve("session"), spec.sessionId());
        unclaimed.remove(w.id());
        docker.logsTo(w.containerId(), spec.workspace());
        var exit = docker.watch(w.containerId(), spec.workspace());
        if (exit.isDone()) throw new IOException("warm container exited before it was claimed");
        Workspace ws = spec.workspace();
        Files.delete(ws.inbox());
        Files.delete(ws.outbox());
        DockerSandbox.moveDir(w.dir().resolve("inbox"), ws.inbox());
        DockerSandbox.moveDir(w.dir().resolve("outbox"), ws.outbox());
        var env = new StringBuilder();
        DockerSandbox.containerEnv(spec.env())
                .forEach((k, v) -> env.append(k)
                        .append("='")
                        .append(v.replace("'", "'\\''"))
                        .append("'\n"));
        writeFifo(ws.inbox().resolve(CLAIM_FIFO), DockerSandbox.utf8(env.toString()));
        var attrs = new HashMap<String, String>();
        attrs.put(DockerSandbox.ATTR_SESSION, spec.sessionId());
        attrs.put(DockerSandbox.ATTR_WARM, w.id());
        return new DockerSandbox.DockerWorker(new WorkerRef(DockerSandbox.RUNTIME, w.containerId(), attrs), exit);
    }

    /**
     * Opening a FIFO for writing blocks until the reader (the shim) has it open; the shim is blocked
     * in open already, but should it have died meanwhile the open would wait forever, so it is bounded.
     */
    private static void writeFifo(Path fifo, byte[] data) throws IOException {
        var write = java.util.concurrent.CompletableFuture.runAsync(
                () -> {
                    try (OutputStream out = Files.newOutputStream(fifo, LinkOption.NOFOLLOW_LINKS)) {
                        out.write(data);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                },
                r -> Thread.ofVirtual().start(r));
        try {
            write.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Unblock the pending open by opening the other end ourselves.
            try (var in = Files.newInputStream(fifo)) {
                in.readAllBytes();
            } catch (IOException ignored) {
                // best effort
            }
            throw new IOException("the warm container did not take its claim", e);
        }
    }

    private void refill(String profileName) {
        Slots slots = pools.get(profileName);
        if (slots == null || closed) return;
        int target = slots.profile.isolation().warmPool();
        while (!closed && slots.ready.size() + slots.starting.get() < target && slots.failures.get() < 5) {
            slots.starting.incrementAndGet();
            Thread.ofVirtual().name("bosun-warm-" + profileName).start(() -> {
                try {
                    Warm w = startOne(slots.profile);
                    slots.failures.set(0);
                    if (closed) {
                        docker.removeQuietly(w.containerId());
                        deleteTree(w.dir());
                        return;
                    }
                    ready.put(w.id(), w);
                    slots.ready.add(w);
                    // A warm container that dies unclaimed (its image's shell is broken, say) is removed.
                    docker.watch(w.containerId(), null).thenRun(() -> {
                        if (unclaimed.remove(w.id())) {
                            ready.remove(w.id());
                            slots.ready.remove(w);
                            docker.removeQuietly(w.containerId());
                            deleteTree(w.dir());
                        }
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | RuntimeException e) {
                    // Bounded: a broken image must not become a loop of failing container starts.
                    slots.failures.incrementAndGet();
                    log.warn("could not start a warm container for profile {}", profileName, e);
                } finally {
                    slots.starting.decrementAndGet();
                }
            });
        }
    }

    private Warm startOne(Profile profile) throws IOException, InterruptedException {
        String id = "warm-" + UUID.randomUUID().toString().replace("-", "");
        unclaimed.add(id);
        try {
            return startOne(profile, id);
        } catch (IOException | InterruptedException | RuntimeException e) {
            unclaimed.remove(id);
            deleteTree(warmDir.resolve(id));
            throw e;
        }
    }

    private Warm startOne(Profile profile, String id) throws IOException, InterruptedException {
        Path dir = ownerOnly(warmDir.resolve(id));
        Path inbox = ownerOnly(dir.resolve("inbox"));
        Path outbox = ownerOnly(dir.resolve("outbox"));
        Path fifo = inbox.resolve(CLAIM_FIFO);
        Process mk = new ProcessBuilder("mkfifo", "-m", "0600", fifo.toString())
                .redirectErrorStream(true)
                .start();
        if (mk.waitFor() != 0) throw new IOException("mkfifo failed for a warm container");
        String[] ids = profile.isolation().user().split(":");
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setAttribute(fifo, "unix:uid", Integer.parseInt(ids[0]), LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.setPosixFilePermissions(fifo, PosixFilePermissions.fromString("rw-rw-rw-"));
        }
        Path realInbox = MountPaths.checkedSource(inbox, warmDir, "warm/" + id + "/inbox");
        Path realOutbox = MountPaths.checkedSource(outbox, warmDir, "warm/" + id + "/outbox");
        var labels = Map.of(
                WorkerSpec.LABEL_SESSION,
                id,
                WorkerSpec.LABEL_NODE,
                node,
                DockerSandbox.LABEL_RUNTIME,
                DockerSandbox.RUNTIME,
                DockerSandbox.LABEL_WARM,
                id);
        var env = DockerSandbox.containerEnv(Map.of("BOSUN_NODE_ID", node));
        env.putAll(profile.env());
        String containerId = docker.create(
                profile,
                realInbox,
                realOutbox,
                labels,
                env,
                profile.command(),
                List.of("/bin/sh", "-c", SHIM, "bosun-warm"),
                id);
        docker.run(containerId, Map.of(DockerSandbox.ATTR_WARM, id), null);
        return new Warm(id, containerId, dir, profile);
    }

    /** After a claimed container is stopped: its warm directory (now only the claim record) goes. */
    void forget(WorkerRef ref) {
        String warm = ref.attributes().get(DockerSandbox.ATTR_WARM);
        if (warm != null && warmDir != null && warm.matches("warm-[0-9a-f]{32}")) deleteTree(warmDir.resolve(warm));
    }

    @Override
    public void close() {
        closed = true;
        // Containers still being started would be created after the client closes, and leak.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (pools.values().stream().anyMatch(p -> p.starting.get() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        unclaimed.clear(); // first, so their exit watchers do not remove them a second time
        for (Warm w : ready.values()) {
            docker.removeQuietly(w.containerId());
            deleteTree(w.dir());
        }
        ready.clear();
        pools.clear();
    }

    private static Path ownerOnly(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) throw new IOException("refusing a symbolic link as a warm pool directory");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        return dir;
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: reconciliation removes what is left with the container
                }
            });
        } catch (IOException e) {
            // already gone
        }
    }
}
