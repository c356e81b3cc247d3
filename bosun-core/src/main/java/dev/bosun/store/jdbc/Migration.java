package dev.bosun.store.jdbc;

import java.util.List;

/**
 * One version of an engine's schema: the name it is recorded under in {@code schema_migrations} and the
 * shared templates ({@code db/schema/<part>.sql} in core) that make it, in order (D123).
 *
 * @param version the version recorded once it is applied, from 1
 * @param name    the name recorded with it (the file name it shipped under, kept so an upgraded database
 *                records what a fresh one does)
 * @param parts   template names under {@code db/schema/}, without the extension
 */
public record Migration(int version, String name, List<String> parts) {
    public Migration {
        parts = List.copyOf(parts);
    }

    /** The statements of this version in {@code dialect}, as one script. */
    public String script(Dialect dialect) {
        var sb = new StringBuilder();
        for (String part : parts) {
            sb.append(dialect.ddl().render(MigrationScripts.read(Migration.class, "/db/schema/" + part + ".sql")));
            sb.append('\n');
        }
        return sb.toString();
    }
}
