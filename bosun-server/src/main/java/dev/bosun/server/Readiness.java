package dev.bosun.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.SessionManager;
import dev.bosun.store.StoreHealth;
import dev.bosun.wire.ReadinessStatus;
import dev.bosun.wire.WireJson;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /readyz}: whether this node should get new work. Every check answers from what is
 * already known (the store's cached write health, one {@code statvfs}, the reaper's thread), never
 * from a database round trip, so it answers at once even while the database does not.
 */
final class Readiness {
    private Readiness() {}

    static void write(Context ctx, SessionManager manager) {
        StoreHealth store = manager.store().health();
        boolean diskLow = manager.disk().low();
        boolean reaper = manager.reaper().alive();
        boolean ready = store.ready() && !diskLow && reaper;
        ObjectNode checks = WireJson.MAPPER.createObjectNode();
        checks.put("store", store.state().check());
        checks.put("disk", diskLow ? "low" : "ok");
        checks.put("reaper", reaper ? "ok" : "stopped");
        List<String> reasons = null;
        if (!ready) {
            reasons = new ArrayList<>();
            if (!store.ready()) reasons.add(store.detail());
            if (diskLow) reasons.add("the data dir's disk is under min_free_disk: new sessions and sends are refused");
            if (!reaper) reasons.add("the reaper has stopped");
        }
        var answer = new dev.bosun.wire.Readiness(
                ready ? ReadinessStatus.READY : ReadinessStatus.NOT_READY, checks, reasons);
        ctx.status(ready ? 200 : 503).contentType("application/json").result(WireJson.bytes(answer));
    }
}
