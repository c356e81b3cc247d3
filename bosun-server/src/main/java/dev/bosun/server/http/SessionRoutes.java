package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.error.BosunException;
import dev.bosun.session.LogStream;
import dev.bosun.session.Session;
import dev.bosun.session.SessionConfig;
import dev.bosun.session.SessionFilter;
import dev.bosun.session.SessionOutcome;
import dev.bosun.session.SessionStatus;
import dev.bosun.util.Page;
import dev.bosun.util.Validation;
import dev.bosun.wire.CreateSession;
import dev.bosun.wire.EndSession;
import dev.bosun.wire.Terminate;
import dev.bosun.wire.WireFields;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

/** Session lifecycle routes: create, list, get, end, terminate, heartbeat, logs. */
final class SessionRoutes {
    // The fields each body may carry are the wire records' (bosun-wire), the one definition the SDK sends.
    static final Set<String> CREATE_FIELDS = WireFields.names(CreateSession.class);
    static final Set<String> END_FIELDS = WireFields.names(EndSession.class);
    static final Set<String> TERMINATE_FIELDS = WireFields.names(Terminate.class);

    private final SessionManager manager;
    private final Clock clock;

    SessionRoutes(SessionManager manager, Clock clock) {
        this.manager = manager;
        this.clock = clock;
    }

    void register(RouteTable r) {
        r.post("/v1/sessions", this::create);
        r.get("/v1/sessions", this::list);
        r.get("/v1/stats", this::stats);
        r.get("/v1/sessions/{id}", ctx -> json(ctx, 200, Scope.session(manager, ctx)));
        r.post("/v1/sessions/{id}/end", this::end);
        r.post("/v1/sessions/{id}/terminate", this::terminate);
        r.delete("/v1/sessions/{id}", this::terminate);
        r.post("/v1/sessions/{id}/heartbeat", ctx -> {
            Scope.own(manager, ctx);
            json(ctx, 200, manager.heartbeat(ctx.pathParam("id")));
        });
        r.get("/v1/sessions/{id}/logs", this::logs);
    }

    private void json(Context ctx, int status, Session s) {
        Replies.json(ctx, status, WireMapping.session(s, clock.instant()));
    }

    private void create(Context ctx) {
        Body b = Body.parse(ctx.bodyAsBytes(), CREATE_FIELDS);
        var spec = SessionConfig.builder(b.requiredString("name"), b.requiredString("agent_id"))
                .tags(b.strings("tags"))
                .tenant(Scope.tenant(ctx));
        b.object("metadata").ifPresent(spec::metadata);
        b.string("profile").ifPresent(spec::profile);
        b.object("sandbox").map(dev.bosun.sandbox.SandboxRequest::fromJson).ifPresent(spec::sandbox);
        seconds(b, "idle_timeout_seconds").ifPresent(spec::idleTimeout);
        seconds(b, "ttl_seconds").ifPresent(spec::ttl);
        b.int32("max_tasks").ifPresent(spec::maxTasks);
        seconds(b, "task_timeout_seconds").ifPresent(spec::taskTimeout);
        b.string("scout_room").ifPresent(spec::scoutRoom);
        b.bool("emit_tiles").ifPresent(spec::emitTiles);
        Session s;
        try {
            s = manager.createSession(spec.build());
        } catch (BosunException e) {
            throw WireNames.renamed(e);
        }
        ctx.header("Location", "/v1/sessions/" + s.id());
        json(ctx, 201, s);
    }

    private static Optional<Duration> seconds(Body b, String field) {
        return b.integer(field).map(Duration::ofSeconds);
    }

    private void list(Context ctx) {
        SessionFilter f = SessionFilter.ALL.withTenant(Scope.tenant(ctx));
        Optional<String> status = Query.string(ctx, "status");
        if (status.isPresent()) f = f.withStatus(SessionStatus.parse("status", status.get()));
        Optional<String> agent = Query.string(ctx, "agent_id");
        if (agent.isPresent()) f = f.withAgentId(agent.get());
        Optional<String> tag = Query.string(ctx, "tag");
        if (tag.isPresent()) f = f.withTag(tag.get());
        Optional<String> profile = Query.string(ctx, "profile");
        if (profile.isPresent()) f = f.withProfile(profile.get());
        Optional<String> outcome = Query.string(ctx, "outcome");
        if (outcome.isPresent()) f = f.withOutcome(SessionOutcome.parse("outcome", outcome.get()));
        Optional<String> name = Query.string(ctx, "name");
        // a part of a name: longer than any name, or with a control character, can match nothing and is a mistake
        if (name.isPresent()) f = f.withNameContaining(Validation.text("name", name.get(), Validation.MAX_NAME));
        Optional<String> order = Query.string(ctx, "order");
        if (order.isPresent()) f = f.ordered(SessionFilter.Order.parse("order", order.get()));
        Page<Session> page = manager.list(f, Query.string(ctx, "after"), Query.limit(ctx, 50));
        Replies.json(ctx, 200, WireMapping.sessionPage(page, clock.instant()));
    }

    /** Exact counts of the caller's tenant's sessions; "today" is the UTC day of the server's clock. */
    private void stats(Context ctx) {
        Instant now = clock.instant();
        Instant midnight = now.truncatedTo(ChronoUnit.DAYS);
        String tenant = Scope.tenant(ctx);
        Replies.json(
                ctx,
                200,
                WireMapping.stats(
                        manager.stats(tenant, midnight),
                        manager.tiles().backlog(tenant),
                        manager.webhooks().backlogs(tenant),
                        now));
    }

    private void end(Context ctx) {
        Scope.own(manager, ctx);
        Body b = Body.parse(ctx.bodyAsBytes(), END_FIELDS);
        SessionOutcome outcome = SessionOutcome.parse("outcome", b.requiredString("outcome"));
        json(ctx, 200, manager.endSession(ctx.pathParam("id"), outcome, b.string("error")));
    }

    private void terminate(Context ctx) {
        Scope.own(manager, ctx);
        Body b = Body.parse(ctx.bodyAsBytes(), TERMINATE_FIELDS);
        json(ctx, 200, manager.terminate(ctx.pathParam("id"), b.string("reason").orElse(null)));
    }

    private void logs(Context ctx) {
        Scope.own(manager, ctx);
        String stream = Query.string(ctx, "stream").orElse("stdout");
        LogStream which = switch (stream) {
            case "stdout" -> LogStream.STDOUT;
            case "stderr" -> LogStream.STDERR;
            default -> throw BosunException.invalid("stream", "stream = '" + stream + "' is not one of stdout, stderr");
        };
        long max = Query.integer(ctx, "max_bytes", 65_536);
        if (max < 1 || max > 1_048_576)
            throw BosunException.invalid("max_bytes", "max_bytes = " + max + " is out of range; allowed 1..1048576");
        ctx.contentType("text/plain; charset=utf-8").result(manager.logs(ctx.pathParam("id"), which, (int) max));
    }
}
