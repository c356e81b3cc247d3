package dev.bosun.server.http;

import dev.bosun.SessionManager;
import dev.bosun.task.Completion;
import dev.bosun.task.Task;
import dev.bosun.task.TaskOutcome;
import dev.bosun.task.TaskPriority;
import dev.bosun.task.TaskSpec;
import dev.bosun.wire.AddTask;
import dev.bosun.wire.CompleteTask;
import dev.bosun.wire.WireFields;
import io.javalin.http.Context;
import java.util.Set;

/** Tasks inside a session: add, list, get, complete. */
final class TaskRoutes {
    static final Set<String> ADD_FIELDS = WireFields.names(AddTask.class);
    static final Set<String> COMPLETE_FIELDS = WireFields.names(CompleteTask.class);

    private final SessionManager manager;

    TaskRoutes(SessionManager manager) {
        this.manager = manager;
    }

    void register(RouteTable r) {
        r.post("/v1/sessions/{id}/tasks", this::add);
        r.get("/v1/sessions/{id}/tasks", ctx -> {
            Scope.own(manager, ctx);
            var tasks = Query.bool(ctx, "active")
                    ? manager.activeTasks(ctx.pathParam("id"))
                    : manager.tasks(ctx.pathParam("id"));
            Replies.json(ctx, 200, WireMapping.items(tasks, WireMapping::task));
        });
        r.get("/v1/sessions/{id}/tasks/{task_id}", ctx -> {
            Scope.own(manager, ctx);
            json(ctx, 200, manager.getTask(ctx.pathParam("id"), ctx.pathParam("task_id")));
        });
        r.post("/v1/sessions/{id}/tasks/{task_id}/complete", this::complete);
    }

    private static void json(Context ctx, int status, Task t) {
        Replies.json(ctx, status, WireMapping.task(t));
    }

    private void add(Context ctx) {
        Scope.own(manager, ctx);
        Body b = Body.parse(ctx.bodyAsBytes(), ADD_FIELDS);
        var spec = TaskSpec.builder(b.requiredString("name"))
                .data(b.jsonOrNull("data"))
                .requiredCapabilities(b.strings("required_capabilities"));
        b.string("task_id").ifPresent(spec::id);
        b.string("priority").ifPresent(p -> spec.priority(TaskPriority.parse("priority", p)));
        Task t = manager.addTask(ctx.pathParam("id"), spec.build());
        ctx.header("Location", "/v1/sessions/" + t.sessionId() + "/tasks/" + t.id());
        json(ctx, 201, t);
    }

    private void complete(Context ctx) {
        Scope.own(manager, ctx);
        Body b = Body.parse(ctx.bodyAsBytes(), COMPLETE_FIELDS);
        Completion c = Completion.of(TaskOutcome.parse("outcome", b.requiredString("outcome")));
        if (b.integer("duration_ms").isPresent())
            c = c.withDurationMs(b.integer("duration_ms").get());
        if (b.json("result").isPresent()) c = c.withResult(b.json("result").get());
        if (b.string("error").isPresent()) c = c.withError(b.string("error").get());
        json(ctx, 200, manager.completeTask(ctx.pathParam("id"), ctx.pathParam("task_id"), c));
    }
}
