package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.error.BosunException;
import dev.bosun.session.Session;
import io.javalin.http.Context;

/**
 * Tenant scoping: every route reaches a session through here, so another tenant's session is
 * NOT_FOUND (never FORBIDDEN, which would confirm it exists).
 */
final class Scope {
    static final String TENANT = "bosun.tenant";

    private Scope() {}

    static String tenant(Context ctx) {
        String t = ctx.attribute(TENANT);
        if (t == null) throw new IllegalStateException("no tenant on " + ctx.path() + ": the auth filter did not run");
        return t;
    }

    static Session session(SessionManager manager, Context ctx) {
        String id = ctx.pathParam("id");
        String tenant = tenant(ctx);
        return manager.find(id)
                .filter(s -> s.tenant().equals(tenant))
                .orElseThrow(() -> BosunException.notFound("session", id));
    }

    /** Only the ownership check, for routes that then act by id: no full session read. */
    static void own(SessionManager manager, Context ctx) {
        String id = ctx.pathParam("id");
        String tenant = tenant(ctx);
        if (!manager.ownedBy(id, tenant)) {
            throw BosunException.notFound("session", id);
        }
    }
}
