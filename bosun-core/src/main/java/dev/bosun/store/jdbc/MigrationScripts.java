package dev.bosun.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads the schema's migration templates from core's jar ({@link Migration}, D123). */
public final class MigrationScripts {
    private MigrationScripts() {}

    /** The text of {@code resource} (an absolute resource path) next to {@code owner}'s classes. */
    public static String read(Class<?> owner, String resource) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("migration " + resource + " is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read migration " + resource, e);
        }
    }
}
