package dev.bosun.server.http;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the route template ({@code /v1/sessions/{id}}) of a raw request path, for requests that a
 * before-handler refused (Javalin names no endpoint for them) and so that neither metrics nor logs
 * ever carry a raw path. A path that matches no route is {@code unmatched}; the dashboard's are {@code /ui/*}.
 */
public final class RouteTemplates {
    public static final String UNMATCHED = "unmatched";
    /** Every page and asset of the dashboard (served beside the API, not by its routes): one bounded label. */
    public static final String DASHBOARD = "/ui/*";

    private record Entry(String method, String template, Pattern pattern) {}

    private final List<RouteTable.Route> routes;
    private volatile List<Entry> entries;

    /** @param routes the server's routes; read when first needed, as they are registered after this is made */
    public RouteTemplates(List<RouteTable.Route> routes) {
        this.routes = routes;
    }

    public String template(String method, String path) {
        if (path.equals("/ui") || path.startsWith("/ui/")) return DASHBOARD;
        List<Entry> e = entries;
        if (e == null)
            entries = e = routes.stream()
                    .map(r -> new Entry(r.method(), r.path(), compile(r.path())))
                    .toList();
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        String any = null;
        for (Entry entry : e) {
            if (!entry.pattern().matcher(trimmed).matches()) continue;
            if (entry.method().equals(method)) return entry.template();
            if (any == null) any = entry.template();
        }
        return any == null ? UNMATCHED : any;
    }

    private static Pattern compile(String template) {
        var b = new StringBuilder();
        for (String part : template.split("(?=\\{)|(?<=\\})")) {
            b.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
        }
        return Pattern.compile(b.toString());
    }
}
