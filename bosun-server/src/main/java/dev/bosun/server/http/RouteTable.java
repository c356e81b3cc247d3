package dev.bosun.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The one door routes go through: each registers on Javalin and is remembered as (method, path), so
 * the served OpenAPI document can be checked against what the server really answers.
 */
public final class RouteTable {
    /** A registered route; {@code path} is as written to Javalin, e.g. {@code /v1/sessions/{id}}. */
    public record Route(String method, String path) {}

    private final RoutesConfig routes;
    private final List<Route> recorded;
    private final BiFunction<String, Handler, Handler> posts;

    /** Registers on {@code routes} and appends each route to {@code recorded}. */
    public RouteTable(RoutesConfig routes, List<Route> recorded) {
        this(routes, recorded, (path, h) -> h);
    }

    private RouteTable(RoutesConfig routes, List<Route> recorded, BiFunction<String, Handler, Handler> posts) {
        this.routes = routes;
        this.recorded = recorded;
        this.posts = posts;
    }

    /** The same table, whose POST handlers are first passed through {@code decorator} (with their path). */
    RouteTable decoratingPosts(BiFunction<String, Handler, Handler> decorator) {
        return new RouteTable(routes, recorded, (path, h) -> decorator.apply(path, posts.apply(path, h)));
    }

    public void get(String path, Handler handler) {
        routes.get(path, handler);
        recorded.add(new Route("GET", path));
    }

    public void post(String path, Handler handler) {
        routes.post(path, posts.apply(path, handler));
        recorded.add(new Route("POST", path));
    }

    public void delete(String path, Handler handler) {
        routes.delete(path, handler);
        recorded.add(new Route("DELETE", path));
    }

    /** A filter, not a route: it answers nothing by itself, so it is not recorded. */
    public void before(String path, Handler handler) {
        routes.before(path, handler);
    }
}
