package dev.bosun.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A store's schema history (D123): a database this build migrates from nothing has the schema of
 * one that ran the migrations as they shipped up to any version and was then upgraded by this build.
 * The migrators record only versions, so a shared template whose rendering differed from a shipped
 * file would make fresh and upgraded databases differ silently; this is where it shows. A store keeps
 * its shipped files in its test resources as they were released, and adds a version there once it
 * ships.
 *
 * <p>A schema is compared as text, one fact a line, as the engine's catalog describes it (types,
 * collations, nullability, defaults, keys, indexes, constraints, sequences), with a line
 * {@code migration <version> <name>} per recorded version and the seeded rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SchemaContract {

    /** The store's migrations as they shipped, in version order. */
    protected abstract List<String> shipped();

    /** The text of a shipped migration. */
    protected abstract String shippedText(String name);

    /** The schema of a database this build migrated from nothing. */
    protected abstract String freshSchema() throws Exception;

    /**
     * The schema of a database that ran the shipped migrations up to {@code version}, each passed through
     * {@code edit}, as the migrator of their release did, and was then migrated by this build.
     */
    protected abstract String upgradedSchema(int version, UnaryOperator<String> edit) throws Exception;

    /**
     * Edits of shipped migrations the comparison must see, as (file, text, replacement): at least a type,
     * a default, an index and a constraint.
     */
    protected abstract Stream<Arguments> edits();

    IntStream shippedVersions() {
        return IntStream.rangeClosed(1, shipped().size());
    }

    @ParameterizedTest(name = "upgraded from V{0}")
    @MethodSource("shippedVersions")
    void aDatabaseUpgradedFromAShippedVersionHasTheSchemaOfAFreshOne(int version) throws Exception {
        // From the last shipped version nothing is left to apply: the shipped files alone must equal the rendering.
        assertThat(upgradedSchema(version, UnaryOperator.identity())).isEqualTo(freshSchema());
    }

    @Test
    void aFreshDatabaseRecordsEveryShippedVersion() throws Exception {
        String fresh = freshSchema();
        for (int v = 1; v <= shipped().size(); v++)
            assertThat(fresh).contains("migration " + v + " " + shipped().get(v - 1));
    }

    /** The comparison can fail. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("edits")
    void anEditedMigrationMakesADifferentSchema(String file, String from, String to) throws Exception {
        String original = shippedText(file);
        assertThat(original).contains(from);
        UnaryOperator<String> edit = sql -> sql.equals(original) ? sql.replace(from, to) : sql;
        assertThat(upgradedSchema(shipped().size(), edit)).isNotEqualTo(freshSchema());
    }
}
