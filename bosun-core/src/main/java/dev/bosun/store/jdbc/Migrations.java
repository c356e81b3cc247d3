package dev.bosun.store.jdbc;

import java.util.List;

/**
 * The schema of both stores, declared once (D123): each engine's history of versions, made of the
 * same templates rendered with its {@link Ddl}. The histories differ in how the steps were grouped
 * (PostgreSQL's V1 holds what SQLite's V1..V3 hold; only PostgreSQL has leases), not in what a step
 * says. Append only: a shipped version's parts and their rendered effect never change, which
 * {@code SqliteSchemaTest} and {@code PgSchemaTest} check against the files as they shipped.
 */
public final class Migrations {
    private Migrations() {}

    /** SQLite's versions, in order. */
    public static final List<Migration> SQLITE = List.of(
            new Migration(1, "V1__init.sql", List.of("sessions", "tasks_events")),
            new Migration(2, "V2__fleet.sql", List.of("fleet", "h1")),
            new Migration(3, "V3__live_counter.sql", List.of("counters")),
            new Migration(4, "V4__deliveries.sql", List.of("deliveries")),
            new Migration(5, "V5__delivery_ready.sql", List.of("delivery_ready")),
            new Migration(6, "V6__idempotency_keys.sql", List.of("idempotency_keys")));

    /** PostgreSQL's versions, in order. */
    public static final List<Migration> POSTGRES = List.of(
            new Migration(1, "V1__init.sql", List.of("sessions", "tasks_events", "fleet", "h1", "counters")),
            new Migration(2, "V2__leases.sql", List.of("leases")),
            new Migration(3, "V3__deliveries.sql", List.of("deliveries")),
            new Migration(4, "V4__delivery_ready.sql", List.of("delivery_ready")),
            new Migration(5, "V5__idempotency_keys.sql", List.of("idempotency_keys")));
}
