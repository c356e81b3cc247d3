package dev.bosun.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import dev.bosun.config.BosunConfig;
import dev.bosun.contract.Requires;
import dev.bosun.contract.SandboxContract;
import dev.bosun.contract.StoreFactory;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import dev.bosun.event.Event;
import dev.bosun.sandbox.Availability;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.session.EndReason;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionStatus;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sandbox contract with real containers on the local Docker Engine, over SQLite, plus what only
 * Docker has: the container's configuration as the daemon reports it, missing images, OCI runtimes
 * and the warm pool. Needs the image scripts/sandbox-env.sh builds ({@code BOSUN_TEST_IMAGE}).
 */
class DockerSandboxTest extends SandboxContract {
    static final Path SOCKET = Path.of("/var/run/docker.sock");
    static final String IMAGE = System.getenv().getOrDefault("BOSUN_TEST_IMAGE", "bosun-test-busybox:1");

    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }

    @Override
    protected Sandbox newSandbox() {
        return new DockerSandbox(SOCKET).modelCache(config == null ? java.util.Optional.empty() : config.modelCache());
    }

    @Override
    protected Map<String, Object> baseProfile() {
        return Map.of("runtime", "docker", "image", IMAGE);
    }

    @Override
    protected BosunConfig config(Path dataDir) {
        BosunConfig base = super.config(dataDir);
        var profiles = new LinkedHashMap<String, Object>();
        base.profiles().forEach((name, p) -> profiles.put(name, p));
        profiles.put(
                "warm",
                Map.of(
                        "runtime",
                        "docker",
                        "image",
                        IMAGE,
                        "warm_pool",
                        1,
                        "stop_grace",
                        "1s",
                        "command",
                        List.of("sh", "-c", echoScript())));
        String mkdir = "if mkdir /tmp/d 2>/dev/null; then r=ok; else r=denied; fi\n"
                + emit("mkdir", "{\\\"event_type\\\":\\\"mkdir\\\",\\\"result\\\":\\\"$r\\\"}") + "exec sleep 600\n";
        profiles.put(
                "seccomp",
                Map.of(
                        "runtime",
                        "docker",
                        "image",
                        IMAGE,
                        "seccomp_profile",
                        seccompFile(dataDir).toString(),
                        "command",
                        List.of("sh", "-c", mkdir)));
        profiles.put("mkdir", Map.of("runtime", "docker", "image", IMAGE, "command", List.of("sh", "-c", mkdir)));
        profiles.put(
                "absent", Map.of("runtime", "docker", "image", "bosun-absent-image:0", "command", List.of("true")));
        profiles.put(
                "missing-runtime",
                Map.of(
                        "runtime",
                        "docker",
                        "image",
                        IMAGE,
                        "oci_runtime",
                        "bosun-no-such-runtime",
                        "oci_runtime_strict",
                        true,
                        "command",
                        List.of("sleep", "600")));
        profiles.put(
                "missing-runtime-lenient",
                Map.of(
                        "runtime",
                        "docker",
                        "image",
                        IMAGE,
                        "oci_runtime",
                        "bosun-no-such-runtime",
                        "command",
                        List.of("sleep", "600")));
        return configWith(dataDir, profiles);
    }

    /** A seccomp profile that allows everything but mkdir. */
    private static Path seccompFile(Path dataDir) {
        try {
            return java.nio.file.Files.writeString(dataDir.resolve("no-mkdir.json"), """
                    {"defaultAction": "SCMP_ACT_ALLOW",
                     "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
                    """)
                    .toRealPath();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aProfilesSeccompProfileIsEnforced() {
        assertThat(awaitEvent(start("mkdir").id(), "mkdir").get("result").asText())
                .isEqualTo("ok");
        assertThat(awaitEvent(start("seccomp").id(), "mkdir").get("result").asText())
                .isEqualTo("denied");
    }

    @BeforeEach
    void requireImage() {
        var docker = (DockerSandbox) fresh();
        if (!docker.availability().usable()) return; // the contract's check reports this
        boolean present;
        try {
            docker.client().inspectImageCmd(IMAGE).exec();
            present = true;
        } catch (RuntimeException e) {
            present = false;
        }
        Requires.usable(
                "the Docker test image",
                present
                        ? Availability.ok(IMAGE)
                        : Availability.no("image " + IMAGE + " is missing; scripts/sandbox-env.sh builds it"));
    }

    private List<Container> containers(String sessionId) {
        return ((DockerSandbox) fresh())
                .client()
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of("bosun.session", sessionId))
                .exec();
    }

    @Override
    protected boolean workerExists(String sessionId) {
        return !containers(sessionId).isEmpty();
    }

    @Test
    void theDaemonReportsTheLockedDownConfiguration() {
        Session s = start("forkbomb");
        List<Container> found = containers(s.id());
        assertThat(found).hasSize(1);
        InspectContainerResponse c = ((DockerSandbox) fresh())
                .client()
                .inspectContainerCmd(found.get(0).getId())
                .exec();
        assertThat(c.getConfig().getLabels())
                .containsEntry("bosun.session", s.id())
                .containsEntry("bosun.node", manager.workerNode());
        assertThat(c.getConfig().getUser()).isEqualTo("1000:1000");
        var h = c.getHostConfig();
        assertThat(h.getReadonlyRootfs()).isTrue();
        assertThat(h.getInit()).isTrue();
        assertThat(h.getCapDrop()).extracting(Enum::name).containsExactly("ALL");
        assertThat(h.getCapAdd()).isNullOrEmpty();
        assertThat(h.getPrivileged()).isFalse();
        assertThat(h.getSecurityOpts()).contains("no-new-privileges:true");
        assertThat(h.getNetworkMode()).isEqualTo("none");
        assertThat(h.getPidsLimit()).isEqualTo((long) PIDS);
        assertThat(h.getMemory()).isEqualTo(512L << 20).isEqualTo(h.getMemorySwap());
        assertThat(h.getUlimits()).extracting(u -> u.getName()).containsExactlyInAnyOrder("nofile", "nproc", "fsize");
        assertThat(h.getTmpFs()).containsKey("/tmp");
        assertThat(h.getTmpFs().get("/tmp")).contains("noexec", "nosuid", "size=");
        assertThat(c.getMounts())
                .extracting(m -> m.getDestination().getPath())
                .containsExactlyInAnyOrder("/workspace/inbox", "/workspace/outbox", "/models");
        assertThat(c.getMounts())
                .filteredOn(m -> m.getDestination().getPath().equals("/models"))
                .singleElement()
                .satisfies(m -> assertThat(m.getRW()).isFalse());
    }

    @Test
    void aMissingImageFailsTheSessionStartupFailedWithASanitizedReason() {
        BosunException e = expectError(ErrorCode.INTERNAL, () -> start("absent"));
        assertThat(e.getMessage())
                .contains("image 'bosun-absent-image:0' is not on this Docker host")
                .doesNotContain(dataDir.toString());
        Session s = manager.get((String) e.details().get("session_id"));
        assertThat(s.reason()).contains(EndReason.STARTUP_FAILED);
        assertThat(s.error()).hasValueSatisfying(m -> assertThat(m).contains("Bosun does not pull images"));
    }

    @Test
    void aStrictOciRuntimeThatIsMissingRefusesToFallBack() {
        BosunException e = expectError(ErrorCode.UNAVAILABLE, () -> start("missing-runtime"));
        assertThat(e.getMessage())
                .contains("OCI runtime 'bosun-no-such-runtime' is not registered", "does not fall back");
        assertThat(workerExists((String) e.details().get("session_id"))).isFalse();
        Session lenient = start("missing-runtime-lenient");
        assertThat(lenient.status()).isEqualTo(SessionStatus.RUNNING);
    }

    @Test
    void aWarmPoolTurnsSessionCreationIntoAClaim() {
        // The pool fills in the background: wait until its container is ready to be claimed (it exists,
        // labelled, while still starting; a session created then starts cold).
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((DockerSandbox) currentSandbox()).warmReady() > 0);
        Session s = manager.startSession(
                SessionConfig.builder("warm", "agent").profile("warm").build());
        var ref = store.workerOf(s.id()).orElseThrow();
        assertThat(ref.attributes()).containsKey("warm");
        awaitEvent(s.id(), "ready");
        Event in = manager.send(s.id(), "input", json("{\"question\":7}"));
        assertThat(awaitEvent(s.id(), "echo").at("/received/seq").asLong()).isEqualTo(in.seq());
        assertThat(allEvents(s.id()).get(0).payload().get("runtime").asText()).isEqualTo("docker");

        restart();
        assertThat(manager.get(s.id()).status()).isEqualTo(SessionStatus.RUNNING);
        Event again = manager.send(s.id(), "input", json("{\"question\":8}"));
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> allEvents(s.id()).stream()
                        .anyMatch(e -> e.type().equals("echo")
                                && e.payload().at("/received/seq").asLong() == again.seq()));
        manager.terminate(s.id(), "done");
        assertThat(workerExists(s.id())).isFalse();
        assertThat(containers(s.id())).isEmpty();
    }
}
