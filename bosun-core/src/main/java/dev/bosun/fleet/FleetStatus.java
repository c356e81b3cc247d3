package dev.bosun.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.json.Json;

/** The get_h1_status figures of a tenant's fleet graph. */
public record FleetStatus(
        int agents,
        int tasks,
        int edges,
        int vertices,
        long h1,
        int components,
        long threshold,
        long margin,
        boolean emergence,
        long lamanMargin,
        String description) {

    /** Bosun's own shape ({@code GET /v1/fleet/status}). */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("agents", agents);
        o.put("tasks", tasks);
        o.put("edges", edges);
        o.put("vertices", vertices);
        o.put("h1", h1);
        o.put("components", components);
        o.put("threshold", threshold);
        o.put("margin", margin);
        o.put("emergence", emergence);
        o.put("laman_margin", lamanMargin);
        o.put("laman_satisfied", lamanMargin >= 0);
        o.put("description", description);
        return o;
    }

    /** The fleet-h1-router contract's shape ({@code GET /status}). */
    public ObjectNode toCompatJson() {
        ObjectNode o = Json.object();
        o.put("n_agents", agents);
        o.put("n_tasks", tasks);
        o.put("n_edges", edges);
        o.put("n_vertices", vertices);
        o.put("h1_dimension", h1);
        o.put("n_components", components);
        o.put("description", description);
        o.put("emergence_detected", emergence);
        o.put("margin", margin);
        return o;
    }
}
