package dev.bosun.sandbox.bwrap;

import dev.bosun.contract.SandboxContract;
import dev.bosun.contract.StoreFactory;
import dev.bosun.sandbox.Sandbox;
import dev.bosun.store.sqlite.SqliteStore;
import java.util.Map;

/** The sandbox contract with real bubblewrap namespaces and cgroups, over SQLite. */
class BwrapSandboxTest extends SandboxContract {
    @Override
    protected StoreFactory factory() { return SqliteStore::open; }

    @Override
    protected Sandbox newSandbox() { return new BwrapSandbox(); }

    @Override
    protected Map<String, Object> baseProfile() { return Map.of("runtime", "bwrap"); }

    @Override
    protected boolean workerExists(String sessionId) {
        return new BwrapSandbox().list(manager.workerNode()).stream().anyMatch(w -> w.sessionId().equals(sessionId));
    }
}
