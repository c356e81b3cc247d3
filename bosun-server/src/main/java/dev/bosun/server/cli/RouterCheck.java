package dev.bosun.server.cli;

import dev.bosun.config.BosunConfig;
import dev.bosun.error.BosunException;
import dev.bosun.fleet.Agent;
import dev.bosun.fleet.HttpRemoteRouter;
import dev.bosun.fleet.RemoteRouter;
import dev.bosun.store.sqlite.SqliteStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code bosun doctor}'s look at the remote fleet-h1-router ({@code h1_router_url}): it must answer
 * the contract's {@code GET /agents}, and, when the SQLite store can be read (no server holds it),
 * its registry is compared with Bosun's: agents it lacks or holds with other capabilities (after a
 * restart of the router, say) are named. Doctor changes nothing; a running server re-registers them
 * at its next check.
 */
final class RouterCheck {
    private RouterCheck() {}

    static DoctorCommand.Check check(BosunConfig cfg) {
        var routing = cfg.routing();
        try (var router = new HttpRemoteRouter(routing.remoteUrl().orElseThrow(), routing.remoteTimeout())) {
            List<RemoteRouter.RegisteredAgent> theirs;
            try {
                theirs = router.agents();
            } catch (BosunException e) {
                return new DoctorCommand.Check(
                        "router",
                        false,
                        e.getMessage() + "; decisions fail or are made locally, as " + "router_fallback says");
            }
            String answers =
                    "fleet-h1-router at " + router.origin() + " answers GET /agents (" + theirs.size() + " agents)";
            Optional<Map<String, Set<String>>> ours = cfg.store().shared() ? Optional.empty() : bosunAgents(cfg);
            if (ours.isEmpty())
                return new DoctorCommand.Check("router", true, answers + "; registries not compared (store in use)");
            var held = new HashMap<String, Set<String>>();
            theirs.forEach(a -> held.put(a.agentId(), new HashSet<>(a.capabilities())));
            var drift = new ArrayList<String>();
            ours.get().forEach((id, caps) -> {
                if (!held.containsKey(id)) drift.add(id + " (missing)");
                else if (!held.get(id).equals(caps)) drift.add(id + " (other capabilities)");
            });
            if (drift.isEmpty())
                return new DoctorCommand.Check("router", true, answers + "; it holds every agent Bosun registered");
            return new DoctorCommand.Check(
                    "router",
                    false,
                    answers + "; out of step with Bosun's registry: " + String.join(", ", drift)
                            + " (the server re-registers them at its next check, every router_sync_interval)");
        }
    }

    /** Every tenant's agents, or empty when a running server holds the store. */
    private static Optional<Map<String, Set<String>>> bosunAgents(BosunConfig cfg) {
        try (var store = SqliteStore.open(cfg.dataDir())) {
            var out = new HashMap<String, Set<String>>();
            for (String tenant : store.fleetTenants()) {
                for (Agent a : store.listAgents(tenant)) out.put(a.id(), new HashSet<>(a.capabilities()));
            }
            return Optional.of(out);
        } catch (BosunException e) {
            return Optional.empty();
        }
    }
}
