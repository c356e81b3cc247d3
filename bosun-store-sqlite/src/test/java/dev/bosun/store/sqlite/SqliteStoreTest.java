package dev.bosun.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bosun.contract.StoreContract;
import dev.bosun.contract.StoreFactory;
import dev.bosun.error.BosunException;
import dev.bosun.error.ErrorCode;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;

class SqliteStoreTest extends StoreContract {
    @Override
    protected StoreFactory factory() {
        return SqliteStore::open;
    }

    @Test
    void aSecondProcessOnTheSameDataDirIsRefused() {
        assertThatThrownBy(() -> SqliteStore.open(dataDir))
                .isInstanceOf(BosunException.class)
                .extracting("code")
                .isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void theFileIsInWalModeWithTheSchemaVersionRecorded() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteStore.FILE_NAME));
                var s = c.createStatement()) {
            try (var r = s.executeQuery("PRAGMA journal_mode")) {
                r.next();
                assertThat(r.getString(1)).isEqualToIgnoringCase("wal");
            }
            try (var r = s.executeQuery("SELECT MAX(version) FROM schema_migrations")) {
                r.next();
                assertThat(r.getInt(1)).isEqualTo(Migrator.latestVersion());
            }
        }
    }

    @Test
    void reopeningAppliesNoMigrationTwice() throws Exception {
        store.close();
        store = SqliteStore.open(dataDir);
        try (var c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve(SqliteStore.FILE_NAME));
                var s = c.createStatement();
                var r = s.executeQuery("SELECT COUNT(*) FROM schema_migrations")) {
            r.next();
            assertThat(r.getInt(1)).isEqualTo(Migrator.latestVersion());
        }
    }
}
