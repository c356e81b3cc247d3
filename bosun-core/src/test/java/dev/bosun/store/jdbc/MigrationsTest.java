package dev.bosun.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The schema's templates render for both engines (D123); the schemas they make are tested per store. */
class MigrationsTest {

    @Test
    void eachEnginePutsItsOwnWordsInAStatement() {
        String t = "CREATE TABLE t (id ${key} PRIMARY KEY, n ${bigint} NOT NULL)${without_rowid};";
        assertThat(Dialect.SQLITE.ddl().render(t))
                .isEqualTo("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;");
        assertThat(Dialect.POSTGRES.ddl().render(t))
                .isEqualTo("CREATE TABLE t (id TEXT COLLATE \"C\" PRIMARY KEY, n BIGINT NOT NULL);");
    }

    @Test
    void anUnknownOrMalformedPlaceholderIsRefused() {
        assertThatThrownBy(() -> Ddl.SQLITE.render("n ${long} NOT NULL"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("${long}");
        assertThatThrownBy(() -> Ddl.POSTGRES.render("n ${Key} NOT NULL")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyVersionOfBothEnginesRendersWithNoPlaceholderLeft() {
        rendersInOrder(Migrations.SQLITE, Dialect.SQLITE);
        rendersInOrder(Migrations.POSTGRES, Dialect.POSTGRES);
    }

    private static void rendersInOrder(List<Migration> history, Dialect dialect) {
        for (int i = 0; i < history.size(); i++) {
            Migration m = history.get(i);
            assertThat(m.version()).as(m.name()).isEqualTo(i + 1);
            assertThat(m.name()).startsWith("V" + m.version() + "__");
            assertThat(m.script(dialect)).as(m.name()).doesNotContain("${").isNotBlank();
        }
    }
}
