package dev.bosun.sandbox.bwrap;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bosun.config.BosunConfig;
import dev.bosun.contract.SandboxContract;
import dev.bosun.contract.StoreFactory;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox contract with real bubblewrap namespaces and cgroups, over SQLite. */
class BwrapSandboxTest extends SandboxContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }

    @Override
    protected Sandbox newSandbox() {
        return new BwrapSandbox();
    }

    @Override
    protected Map<String, Object> baseProfile() {
        return Map.of("runtime", "bwrap");
    }

    @Override
    protected boolean workerExists(String sessionId) {
        return new BwrapSandbox()
                .list(manager.workerNode()).stream().anyMatch(w -> w.sessionId().equals(sessionId));
    }

    /** Tries what the seccomp filter and the user-namespace switch must refuse, and reports each result. */
    private static final String ESCAPES = """
            userns=$(unshare -U true 2>&1 && echo created)
            usernsfork=$(unshare -U -f true 2>&1 && echo created)
            netns=$(unshare -n true 2>&1 && echo created)
            seccomp=$(grep '^Seccomp:' /proc/self/status | tr -d '\\t ')
            fds=$(ls /proc/self/fd | tr '\\n' ',')
            forked=$(sh -c 'echo child-ran')
            """
            + emit(
                    "escapes",
                    "{\\\"event_type\\\":\\\"escapes\\\",\\\"userns\\\":\\\"$userns\\\","
                            + "\\\"userns_fork\\\":\\\"$usernsfork\\\",\\\"netns\\\":\\\"$netns\\\",\\\"seccomp\\\":\\\"$seccomp\\\","
                            + "\\\"fds\\\":\\\"$fds\\\",\\\"forked\\\":\\\"$forked\\\"}")
            + "exec sleep 600\n";

    @Override
    protected BosunConfig config(Path dataDir) {
        BosunConfig base = super.config(dataDir);
        var profiles = new LinkedHashMap<String, Object>();
        base.profiles().forEach(profiles::put);
        profiles.put(
                "escapes", Map.of("runtime", "bwrap", "command", List.of("sh", "-c", ESCAPES), "stop_grace", "1s"));
        return configWith(dataDir, profiles);
    }

    @Test
    void aWorkerRunsUnderTheSeccompFilterAndCannotCreateNamespaces() {
        JsonNode p = awaitEvent(start("escapes").id(), "escapes");
        assertThat(p.get("seccomp").asText()).as("seccomp mode of the worker").isEqualTo("Seccomp:2");
        // EPERM is the filter's answer; without it the disabled user namespaces would say ENOSPC.
        assertThat(p.get("userns").asText()).doesNotContain("created").contains("Operation not permitted");
        assertThat(p.get("userns_fork").asText()).doesNotContain("created").contains("Operation not permitted");
        assertThat(p.get("netns").asText()).doesNotContain("created");
        assertThat(p.get("forked").asText()).as("ordinary forks still work").isEqualTo("child-ran");
        assertThat(p.get("fds").asText())
                .as("the filter's descriptor does not reach the worker")
                .isEqualTo("0,1,2,3,");
    }
}
