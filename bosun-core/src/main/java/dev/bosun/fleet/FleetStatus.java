package dev.bosun.fleet;

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
        String description) {}
