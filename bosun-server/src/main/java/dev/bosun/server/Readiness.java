package dev.bosun.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.SessionManager;
import dev.bosun.json.Json;
import dev.bosun.store.StoreHealth;
import io.javalin.http.Context;

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
        ObjectNode o = Json.object();
        o.put("status", ready ? "ready" : "not_ready");
        ObjectNode checks = o.putObject("checks");
        checks.put("store", store.state().check());
        checks.put("disk", diskLow ? "low" : "ok");
        checks.put("reaper", reaper ? "ok" : "stopped");
        if (!ready) {
            ArrayNode why = o.putArray("reasons");
            if (!store.ready()) why.add(store.detail());
            if (diskLow) why.add("the data dir's disk is under min_free_disk: new sessions and sends are refused");
            if (!reaper) why.add("the reaper has stopped");
        }
        ctx.status(ready ? 200 : 503).contentType("application/json").result(Json.write(o));
    }
}
